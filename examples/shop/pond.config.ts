import { defineConfig } from 'pond';

export default defineConfig({
  name: 'shop',
  concurrency: 4,
});
