import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { useTestDatabase } from '@omnistream/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

// Debian's chromium package (`apt-get install chromium`; .ci/run installs it).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../../test-results/api-gateway-docs.png');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('/docs in headless Chromium', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`,
      );
    }
    world = await startGatewayWorld(db.pool);
    baseUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Without the background-networking flags Chromium keeps dialling Google on this closed network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // A blank or error page is a few KB; a rendered operation list is far more.
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(30_000);
  }, 60_000);
});
