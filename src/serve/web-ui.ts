/**
 * The web UI at `/`: the static files `npm run build:ui` writes to `ui/dist`
 * (built on `npm install` by the `prepare` script). Hashed assets are cached
 * for good; `index.html` is checked every time, so a new build shows at once.
 * Without a build, `/` says how to make one instead of a bare 404.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/** Whether `npm run build:ui` has written the UI that `pond up` serves. */
export function webUiBuilt(root: string = UI_DIST): boolean {
  return existsSync(`${root}/index.html`);
}

export function webUi(root: string = UI_DIST) {
  return async (app: FastifyInstance): Promise<void> => {
    if (!webUiBuilt(root)) {
      app.get('/', async (_request, reply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(
            `The web UI is not built: ${root}index.html is missing.\nRun \`npm run build:ui\` in the Pond package (npm install runs it too), then reload.\nThe data API is at /api (see /api/openapi.json).\n`,
          ),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: ['index.html'],
      // Only what is in the build: no listings, no dotfiles.
      list: false,
      dotfiles: 'deny',
      // Cache-Control is set here, per file, not by the plugin's default.
      cacheControl: false,
      setHeaders(res, file) {
        res.setHeader('cache-control', /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  };
}
