import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createRedactor } from './index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, destination, text: () => lines.join('\n') };
}

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleUserAccessToken123456';
const IG_TOKEN = 'IGAAXk9example_instagram_login_token_abcdef';
const APP_SECRET = 'a1b2c3d4e5f6-app-secret';

describe('createLogger redaction', () => {
  it('never writes a token, secret, authorization header or signature, wherever it hides', async () => {
    const out = capture();
    const redactor = createRedactor();
    const log = createLogger({ name: 'test', secrets: [APP_SECRET], redactor, destination: out.destination });
    redactor.addSecret('opaque-rotated-token-value');

    log.info({ token: TOKEN, integration: { accessToken: IG_TOKEN, token_last4: '3456' } }, 'plain fields');
    log.info(
      { req: { headers: { authorization: `Bearer ${TOKEN}`, 'x-hub-signature-256': 'sha256=abc' } } },
      'headers',
    );
    log.info(`calling https://graph.facebook.com/v21.0/me?access_token=${TOKEN}&fields=id`);
    log.warn('interpolated %s', `Bearer ${IG_TOKEN}`);
    log.info({ note: `signed with sha256=${'ab'.repeat(32)}` }, 'signature in text');
    log.info({ body: `the app secret is ${APP_SECRET}` }, 'registered secret inside a string');
    log.info(
      { deep: { a: { b: { c: { d: ['opaque-rotated-token-value'] } } } } },
      'registered secret deep down',
    );

    const err = new Error(`Invalid OAuth access token - Cannot parse access token ${TOKEN}`, {
      cause: new Error(`upstream said Bearer ${IG_TOKEN}`),
    });
    Object.assign(err, { config: { headers: { Authorization: `Bearer ${TOKEN}` } }, app_secret: APP_SECRET });
    log.error({ err }, 'graph call failed');
    log.error(err);

    const text = out.text();
    expect(out.lines.length).toBe(9);
    for (const secret of [TOKEN, IG_TOKEN, APP_SECRET, 'opaque-rotated-token-value', 'ab'.repeat(32)]) {
      expect(text).not.toContain(secret);
    }
    // What is safe to see stays visible, so the logs remain useful.
    expect(text).toContain('"token_last4":"3456"');
    expect(text).toContain('Invalid OAuth access token');
    expect(text).toContain('upstream said Bearer [REDACTED]');
    expect(text).toContain('fields=id');
  });

  it('writes structured JSON with the service name and a string level', () => {
    const out = capture();
    const log = createLogger({ name: 'webhook-ingestor', destination: out.destination });
    log.child({ reqId: 'r-1' }).info({ channel: 'whatsapp' }, 'accepted');
    const line = JSON.parse(out.lines[0] ?? '{}');
    expect(line).toMatchObject({
      level: 'info',
      service: 'webhook-ingestor',
      reqId: 'r-1',
      channel: 'whatsapp',
      msg: 'accepted',
    });
    expect(typeof line.time).toBe('string');
  });

  it('survives circular objects without throwing', () => {
    const out = capture();
    const log = createLogger({ name: 't', destination: out.destination });
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    log.info({ a }, 'cycle');
    expect(out.text()).toContain('[Circular]');
  });
});
