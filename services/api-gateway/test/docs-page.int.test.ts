import { useTestDatabase } from '@omnistream/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './browser.ts';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('/docs in headless Chromium', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    baseUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('renders every admin route of the OpenAPI document, and a screenshot shows it', async () => {
    const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Partial<Record<(typeof METHODS)[number], unknown>>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
      METHODS.filter((m) => item[m] !== undefined).map((m) => ({ method: m, path: p })),
    );
    const admin = operations.filter((o) => o.path.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThanOrEqual(3);

    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
    await page.goto(`${baseUrl}/docs`, { waitUntil: 'load' });
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const rendered = await page.$$eval('.opblock', (blocks) =>
      blocks.map((b) => ({
        method: b.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase() ?? '',
        path: b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
      })),
    );
    for (const op of admin) expect(rendered, `${op.method.toUpperCase()} ${op.path}`).toContainEqual(op);
    // The bearer scheme is offered, so an admin can try routes from the page.
    expect(await page.locator('.btn.authorize').count()).toBeGreaterThan(0);

    // A blank or error page is a few KB; a rendered operation list is far more.
    await screenshot(page, 'api-gateway-docs', 30_000);
  }, 60_000);
});
