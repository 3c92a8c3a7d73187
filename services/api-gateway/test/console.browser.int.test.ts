import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { useTestDatabase } from '@omnistream/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './browser.ts';
import { digits, type GatewayWorld, startGatewayWorld, until } from './harness.ts';
import { startWholeStack, type WholeStack } from './whole-stack.ts';

/** A 1×1 PNG: a customer's picture that the browser must decode. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The console in a real Chromium against the real stack: the api-gateway, the webhook-ingestor and
 * the message-sender (in this process, wired as their main.ts wires them), meta-sim in Meta's place
 * (its webhooks go to the ingestor), PostgreSQL and the broker. Each step is what an admin does;
 * each screen is kept as a full-page screenshot in test-results/console-*.png.
 */
describe('console in headless Chromium against the whole stack', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let stack: WholeStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  const n = digits(9);
  const number = { wabaId: `1022${n}`, phoneNumberId: `1065${n}`, bm: `3344${n}` };
  const tokens = [
    `EAAGfirst${randomBytes(12).toString('hex')}`,
    `EAAGsecond${randomBytes(12).toString('hex')}`,
  ];
  const customer = `1650${digits(7)}`;
  const unreachable = `1415${digits(7)}`;
  let integrationId = '';

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    world.sim.setLimits({ whatsappPerSecond: Infinity, whatsappPairIntervalMs: 1, whatsappPairBurst: 1_000 });
    world.sim.accounts.addWhatsAppNumber({ ...number, tokens });
    baseUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
    stack = await startWholeStack(world, db.pool, { statusDelayMs: 50 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await world?.stop();
  });

  const heading = (name: string) => page.getByRole('heading', { name, exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name });
  /** axe-core's WCAG 2 A/AA checks of what the page shows now (contrast, labels, names, structure). */
  async function accessibilityViolations(): Promise<string[]> {
    await page.evaluate(AXE);
    // A string: it runs in the page (the test's TypeScript has no DOM types).
    return page.evaluate<string[]>(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }).then((r) =>
      r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
  }

  it('signs in with an admin key: a wrong key is refused, the right one gives an HttpOnly session and no key in the browser', async () => {
    await page.goto(`${baseUrl}/console`);
    await heading('OmniStream console').waitFor();
    expect(await accessibilityViolations()).toEqual([]);
    await screenshot(page, 'console-sign-in', 8_000);
    await page.getByLabel('Admin API key').fill('osk_not-a-real-key-0000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();

    await page.getByLabel('Admin API key').fill(world.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Integrations').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'osg_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session?.expires).toBeGreaterThan(Date.now() / 1000 + 3_600);
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie',
    );
    expect(stored).not.toContain(world.adminKey);
    expect(JSON.stringify(cookies)).not.toContain(world.adminKey);
    // The live update stream is open.
    await page.getByText('Live', { exact: true }).waitFor();
  });

  it('connects a WhatsApp number: it turns connected; then rotates its token', async () => {
    await page.getByLabel('WhatsApp Business Account (WABA) id').fill(number.wabaId);
    await page.getByLabel('Phone number id', { exact: true }).fill(number.phoneNumberId);
    await page.getByLabel('Business Manager id').fill(number.bm);
    await page.getByLabel('Name (optional)').fill('Support line');
    await page.getByLabel('Access token').fill(tokens[0] as string);
    await page.getByRole('button', { name: 'Connect number' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Support line' });
    await row.getByText('connected', { exact: true }).waitFor();
    await row.getByText(`…${tokens[0]?.slice(-4)}`).waitFor();
    // The form forgot the token.
    expect(await page.getByLabel('Access token').inputValue()).toBe('');
    const [created] = (await world.call('GET', '/admin/integrations?channel=whatsapp')).body.items;
    integrationId = created.id;

    await row.getByRole('button', { name: /Rotate token/ }).click();
    await page.getByLabel('New token').fill(tokens[1] as string);
    await page.getByRole('button', { name: 'Save token' }).click();
    await page.getByRole('status').filter({ hasText: 'Token rotated' }).waitFor();
    await row.getByText(`…${tokens[1]?.slice(-4)}`).waitFor();
    // Usable at 1280×800: nothing wider than the window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    expect(await accessibilityViolations()).toEqual([]);
    await screenshot(page, 'console-integrations');
  });

  it('shows a customer message in Conversations without a reload, and a reply reaching read', async () => {
    await nav('Conversations').click();
    await heading('Conversations').waitFor();
    const reloads: string[] = [];
    page.on('framenavigated', (frame) => reloads.push(frame.url()));
    world.sim.inboundMessage({
      phoneNumberId: number.phoneNumberId,
      customer: { waId: customer, name: 'Sheena' },
      message: { type: 'text', text: 'Hi! Is my order on its way?' },
    });
    const link = page.getByRole('link', { name: customer });
    await link.waitFor({ timeout: 15_000 });
    await page.getByText('Hi! Is my order on its way?').waitFor();
    expect(reloads).toEqual([]);
    await screenshot(page, 'console-conversations');

    // A picture from the customer, shown through the gateway's media route with the session.
    const picture = world.sim.media.add({
      mimeType: 'image/png',
      data: Buffer.from(PNG_1X1, 'base64'),
      phoneNumberId: number.phoneNumberId,
    });
    world.sim.inboundMessage({
      phoneNumberId: number.phoneNumberId,
      customer: { waId: customer, name: 'Sheena' },
      message: { type: 'image', mediaId: picture.id, mimeType: 'image/png', caption: 'my receipt' },
    });

    // (Not waited for in the list: Meta's timestamps have whole seconds, so which of two messages
    // in one second is the conversation's "last" is a tie; the conversation below shows both.)
    await link.click();
    await heading(`Conversation with ${customer}`).waitFor();
    await page.getByText('my receipt').waitFor({ timeout: 15_000 });
    const image = page.getByRole('img', { name: 'image from the customer' });
    await image.waitFor();
    await until(
      () =>
        image.evaluate((img) => {
          const element = img as unknown as { complete: boolean; naturalWidth: number };
          return element.complete ? element.naturalWidth : 0;
        }),
      (width) => width === 1,
    );
    await page.getByLabel('Message', { exact: true }).fill('Yes, it ships today.');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = page.locator('.bubble.out');
    await sent.getByText('read', { exact: true }).waitFor({ timeout: 20_000 });
    expect(world.sim.ledger.count({ to: customer })).toBe(1);
    expect(await accessibilityViolations()).toEqual([]);
    await screenshot(page, 'console-conversation');
  }, 45_000);

  it('shows a send Meta refused in Dead letters with its error, and replays it', async () => {
    const fault = world.sim.faults.add({
      match: { to: unreachable },
      action: { type: 'error', code: 131026 },
    });
    const res = await world.call('POST', '/admin/messages', {
      integrationId,
      to: unreachable,
      message: { type: 'text', text: 'Your code is 1234' },
    });
    expect(res.status).toBe(202);
    await until(
      async () => (await world.call('GET', '/admin/dlq')).body.items.length,
      (count) => count === 1,
    );
    world.sim.faults.remove(fault.id);

    await nav('Dead letters').click();
    await heading('Dead letters').waitFor();
    const row = page.getByRole('row').filter({ hasText: unreachable });
    await row
      .getByText(/131026/)
      .first()
      .waitFor();
    await screenshot(page, 'console-dead-letters');
    await row.getByRole('button', { name: /^Replay/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /[Rr]eplayed/ })
      .waitFor();
    await until(
      async () => (await world.call('GET', `/admin/messages/${res.body.commandId}`)).body.status,
      (status) => status === 'sent' || status === 'delivered' || status === 'read',
    );
    expect(world.sim.ledger.count({ to: unreachable })).toBe(1);
  }, 45_000);

  it('lists the templates of the number and syncs new ones from Meta', async () => {
    world.sim.templates.add(number.wabaId, {
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
    });
    await nav('Templates').click();
    await heading('Templates').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('cell', { name: 'order_shipped' }).waitFor();
    // A filter by language (the admin API's) that nothing matches, then cleared.
    await page.getByLabel('Language', { exact: true }).first().fill('pt_BR');
    await page.getByLabel('Language', { exact: true }).first().press('Enter');
    await page.getByText('No templates match.').waitFor();
    expect(page.url()).toContain('language=pt_BR');
    await page.getByLabel('Language', { exact: true }).first().fill('');
    await page.getByLabel('Language', { exact: true }).first().press('Tab');
    await page.getByRole('cell', { name: 'order_shipped' }).waitFor();

    // Create one: its variables get example fields; Meta's refusal of a duplicate is shown in place.
    const create = async () => {
      await page.getByLabel('Name', { exact: true }).last().fill('delivery_window');
      await page.getByLabel('Body').fill('Hi {{1}}, we deliver between {{2}}.');
      await page.getByLabel('Example for {{1}}').fill('Sheena');
      await page.getByLabel('Example for {{2}}').fill('9 and 11');
      await page.getByRole('button', { name: 'Submit to Meta' }).click();
    };
    await create();
    await page.getByRole('status').filter({ hasText: 'Template delivery_window submitted' }).waitFor();
    await page.getByRole('cell', { name: 'delivery_window' }).waitFor();
    await create();
    await page.getByRole('alert').filter({ hasText: 'Meta refused the template' }).waitFor();
    expect(await page.getByLabel('Body').inputValue()).toBe('Hi {{1}}, we deliver between {{2}}.');
    expect(await accessibilityViolations()).toEqual([]);
    await screenshot(page, 'console-templates');
  });

  it('shows API keys and FBE installations, and works on a 390 px phone screen and from the keyboard', async () => {
    await nav('API keys').click();
    await heading('API keys').waitFor();
    await page.getByRole('cell', { name: 'bootstrap' }).first().waitFor();
    await page.getByLabel('New key name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await page.getByTestId('new-key').textContent();
    expect(shown).toMatch(/^osk_/);
    const keys = (await world.call('GET', '/admin/api-keys')).body.items;
    expect(keys.map((k: { name: string }) => k.name)).toContain('CRM sync');
    await screenshot(page, 'console-api-keys');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    await nav('FBE installations').click();
    await heading('FBE installations').waitFor();
    await screenshot(page, 'console-fbe', 8_000);

    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Conversations').click();
    await page.getByRole('link', { name: customer }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'console-phone', 10_000);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Keyboard: the skip link comes first and moves focus to the content; the navigation follows.
    await page.goto(`${baseUrl}/console/integrations`);
    await heading('Integrations').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    const focused: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate<string>("(document.activeElement?.textContent ?? '').trim()"));
    }
    expect(focused).toEqual(
      expect.arrayContaining(['Sign out', 'Integrations', 'Templates', 'Dead letters']),
    );
  });

  it('signs out, and a revoked key’s session stops working', async () => {
    const before = (await context.cookies()).find((c) => c.name === 'osg_session')?.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('OmniStream console').waitFor();
    const old = await fetch(`${baseUrl}/admin/integrations`, {
      headers: { cookie: `osg_session=${before}` },
    });
    expect(old.status).toBe(401);

    const key = await world.call('POST', '/admin/api-keys', { name: 'temporary' });
    await page.getByLabel('Admin API key').fill(key.body.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Integrations').waitFor();
    expect((await world.call('DELETE', `/admin/api-keys/${key.body.id}`)).status).toBe(200);
    await nav('API keys').click();
    await page.getByText('Your session ended. Sign in again.').waitFor();
  });
});
