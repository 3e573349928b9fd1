import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { webUi } from './web-ui.ts';

describe('webUi', () => {
  const built = mkdtempSync(path.join(tmpdir(), 'pond-ui-dist-'));
  mkdirSync(path.join(built, 'assets'));
  writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>Pond</title>');
  writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(built, '.secret'), 'no');
  const empty = mkdtempSync(path.join(tmpdir(), 'pond-ui-none-'));
  after(() => {
    rmSync(built, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('serves the build: index.html checked every time, hashed assets cached for good, nothing else', async () => {
    const app = Fastify();
    await app.register(webUi(`${built}/`));
    const index = await app.inject('/');
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    const asset = await app.inject('/assets/index-abc123.js');
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.notEqual((await app.inject('/.secret')).statusCode, 200);
    assert.equal((await app.inject('/%2e%2e/%2e%2e/etc/passwd')).statusCode >= 400, true);
    assert.equal((await app.inject('/nothing-here.js')).statusCode, 404);
    await app.close();
  });

  it('says how to build the UI when there is no build', async () => {
    const app = Fastify();
    await app.register(webUi(`${empty}/`));
    const r = await app.inject('/');
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build:ui/);
    await app.close();
  });
});
