/**
 * Builds the web UI into `ui/dist`, which `pond up` serves at `/`.
 * `npm run dev:ui` serves it with hot reload and sends `/api` to a running
 * `pond up` (POND_URL, default http://127.0.0.1:8080).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': process.env.POND_URL ?? 'http://127.0.0.1:8080', '/metrics': process.env.POND_URL ?? 'http://127.0.0.1:8080' } },
});
