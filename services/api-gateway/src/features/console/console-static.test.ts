import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerErrorHandler } from '@omnistream/service-kit';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AdminApp } from '../../shared/admin-app.ts';
import { registerConsoleStatic } from './console-static.ts';

async function appServing(dir: string) {
  const app = Fastify();
  registerErrorHandler(app);
  await registerConsoleStatic(app as unknown as AdminApp, { dir });
  return app;
}

describe('the console pages', () => {
  it('answer 503 saying how to build the console when it is not built', async () => {
    const app = await appServing(join(tmpdir(), 'no-console-here'));
    const res = await app.inject({ method: 'GET', url: '/console/integrations' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('pnpm build');
  });

  it('answer index.html for every console path and serve the assets beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>c</title>');
    writeFileSync(join(dir, 'assets', 'index-abcdefgh.js'), 'export {};');
    const app = await appServing(dir);
    for (const url of ['/console', '/console/', '/console/templates?integration=x']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe('<!doctype html><title>c</title>');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    const asset = await app.inject({ method: 'GET', url: '/console/assets/index-abcdefgh.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ method: 'GET', url: '/console/assets/../index.html' })).statusCode).not.toBe(
      500,
    );
  });
});
