import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { eventId, type InboundEventOf, inboundKey } from '@omnistream/events';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from '../src/console-dir.ts';
import { digits, type GatewayWorld, startGatewayWorld, until, whatsAppIntegration } from './harness.ts';

/** The console's sign-in, its cookie session and CSRF rule, its pages and the live update stream. */
describe('console: sessions, CSRF, pages and live updates (real PostgreSQL, broker)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let baseUrl: string;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool, {
      authFailuresPerMinute: 3,
      // X-Forwarded-Proto from the loopback proxy says the browser used HTTPS.
      trustedProxies: ['127.0.0.1'],
      console: { maxStreams: 2, sessionHours: 2, heartbeatMs: 200 },
    });
    baseUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  // Also checks that open live update streams do not hold the gateway's shutdown.
  /** Live update streams the last test leaves open: the gateway's shutdown must end them. */
  const openStreams: LiveStream[] = [];
  afterAll(async () => {
    const stopping = world?.stop();
    await Promise.all(openStreams.map((s) => s.ended));
    await stopping;
  });

  const inject = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    options: { body?: unknown; headers?: Record<string, string>; from?: string } = {},
  ) =>
    world.gateway.app.inject({
      method,
      url,
      headers: options.headers ?? {},
      remoteAddress: options.from ?? '10.1.0.1',
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });

  /** Signs in with `key` and answers the cookie header to send back and the CSRF token. */
  async function signIn(key = world.adminKey, from = '10.1.0.1') {
    const res = await inject('POST', '/console/session', { body: { key }, from });
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    const token = /osg_session=([^;]+)/.exec(setCookie)?.[1] as string;
    return {
      cookie: `osg_session=${token}`,
      token,
      setCookie,
      body: res.json(),
      csrf: res.json().csrfToken as string,
    };
  }

  it('exchanges an admin key for an HttpOnly, SameSite=Strict cookie with an expiry; the key is in no answer or log', async () => {
    const { setCookie, body, token } = await signIn();
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=7200/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(body.adminKey.name).toBe('bootstrap');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(7_100_000);
    expect(JSON.stringify(body)).not.toContain(world.adminKey);
    // Only the token's hash is stored.
    const { rows } = await db.pool.query('SELECT token_hash FROM console_sessions');
    expect(rows.some((r) => r.token_hash.toString('utf8').includes(token))).toBe(false);
    expect(world.logs.join('\n')).not.toContain(world.adminKey);
    expect(world.logs.join('\n')).not.toContain(token);
  });

  it('marks the cookie Secure when the browser came over HTTPS (X-Forwarded-Proto from a trusted proxy)', async () => {
    const res = await inject('POST', '/console/session', {
      body: { key: world.adminKey },
      from: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('lets the session call the admin API; a state-changing call needs its CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const list = await inject('GET', '/admin/api-keys', { headers: { cookie } });
    expect(list.statusCode).toBe(200);
    const body = { name: `console-${digits(4)}` };
    const noToken = await inject('POST', '/admin/api-keys', { body, headers: { cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.message).toContain('x-csrf-token');
    const wrong = await inject('POST', '/admin/api-keys', {
      body,
      headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await inject('POST', '/admin/api-keys', { body, headers: { cookie, 'x-csrf-token': csrf } });
    expect(ok.statusCode).toBe(201);
    // Another session's token is not this one's.
    const other = await signIn();
    const crossed = await inject('POST', '/admin/api-keys', {
      body,
      headers: { cookie, 'x-csrf-token': other.csrf },
    });
    expect(crossed.statusCode).toBe(403);
  });

  it('answers the current session, and 401 for none, an unknown or an expired one', async () => {
    const { cookie, csrf } = await signIn();
    const current = await inject('GET', '/console/session', { headers: { cookie } });
    expect(current.statusCode).toBe(200);
    expect(current.json().csrfToken).toBe(csrf);
    expect((await inject('GET', '/console/session')).statusCode).toBe(401);
    const unknown = `osg_session=${'A'.repeat(43)}`;
    expect((await inject('GET', '/admin/api-keys', { headers: { cookie: unknown } })).statusCode).toBe(401);
    await db.pool.query(
      "UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE csrf_token = $1",
      [csrf],
    );
    expect((await inject('GET', '/admin/api-keys', { headers: { cookie } })).statusCode).toBe(401);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const { cookie, csrf } = await signIn();
    expect((await inject('DELETE', '/console/session', { headers: { cookie } })).statusCode).toBe(403);
    const out = await inject('DELETE', '/console/session', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/osg_session=;.*Max-Age=0/);
    expect((await inject('GET', '/admin/api-keys', { headers: { cookie } })).statusCode).toBe(401);
  });

  it("ends a key's sessions when the key is revoked", async () => {
    const created = await world.call('POST', '/admin/api-keys', { name: 'soon revoked' });
    const { cookie } = await signIn(created.body.key);
    expect((await inject('GET', '/admin/integrations', { headers: { cookie } })).statusCode).toBe(200);
    expect((await world.call('DELETE', `/admin/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await inject('GET', '/admin/integrations', { headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses bad sign-in input with 400, and counts wrong keys toward the failure limiter (429)', async () => {
    expect((await inject('POST', '/console/session', { body: {} })).statusCode).toBe(400);
    expect((await inject('POST', '/console/session', { body: { key: 'x'.repeat(600) } })).statusCode).toBe(
      400,
    );
    const from = '10.9.9.9';
    for (let i = 0; i < 3; i++) {
      const res = await inject('POST', '/console/session', { body: { key: `wrong-${i}` }, from });
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const limited = await inject('POST', '/console/session', { body: { key: world.adminKey }, from });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The same limiter as the API's bearer keys.
    const bearer = await inject('GET', '/admin/api-keys', {
      headers: { authorization: `Bearer ${world.adminKey}` },
      from,
    });
    expect(bearer.statusCode).toBe(429);
  });

  it('serves the console: index.html uncached with a strict CSP for every console path, hashed assets immutable', async () => {
    for (const path of ['/console', '/console/', '/console/conversations/abc/123']) {
      const res = await fetch(`${baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await res.text()).toMatch(
        /<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/,
      );
    }
    const script = readdirSync(join(CONSOLE_DIR, 'assets')).find((f) => f.endsWith('.js')) as string;
    const asset = await fetch(`${baseUrl}/console/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await asset.text()).length).toBeGreaterThan(1_000);
    const missing = await fetch(`${baseUrl}/console/assets/missing-0000.js`);
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
  });

  /** One stream over a socket of its own (no client pool that could keep a connection open). */
  interface LiveStream {
    status: number;
    headers: IncomingHttpHeaders;
    text(): string;
    readUntil(needle: string): Promise<void>;
    ended: Promise<void>;
    close(): void;
  }
  function openStream(cookie: string): Promise<LiveStream> {
    return new Promise((resolve, reject) => {
      const req = httpGet(`${baseUrl}/admin/stream`, { headers: { cookie }, agent: false }, (res) => {
        let received = '';
        const waiters = new Set<() => void>();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += chunk;
          for (const w of waiters) w();
        });
        const ended = new Promise<void>((done) => res.once('close', done));
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: () => received,
          ended,
          close: () => req.destroy(),
          readUntil: (needle) =>
            new Promise((done, fail) => {
              const check = () => {
                if (!received.includes(needle)) return;
                waiters.delete(check);
                done();
              };
              waiters.add(check);
              check();
              void ended.then(() => fail(new Error(`stream ended before ${needle}: ${received}`)));
            }),
        });
      });
      req.once('error', reject);
    });
  }

  it('ends an open stream once its key is revoked (checked at every heartbeat)', async () => {
    const created = await world.call('POST', '/admin/api-keys', { name: 'stream key' });
    const { cookie } = await signIn(created.body.key);
    const stream = await openStream(cookie);
    expect(stream.status).toBe(200);
    await stream.readUntil(': keep-alive');
    expect((await world.call('DELETE', `/admin/api-keys/${created.body.id}`)).status).toBe(200);
    await stream.ended;
  });

  it('streams a message and a status of a conversation to an open console; at most CONSOLE_MAX_STREAMS streams', async () => {
    const wa = await whatsAppIntegration(world);
    const { cookie } = await signIn();
    const [first, second] = [await openStream(cookie), await openStream(cookie)] as [LiveStream, LiveStream];
    for (const s of [first, second]) {
      expect(s.status).toBe(200);
      expect(s.headers['content-type']).toContain('text/event-stream');
    }
    const third = await openStream(cookie);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('10');
    await third.ended;
    expect(JSON.parse(third.text()).error.code).toBe('GW_UNAVAILABLE');

    await first.readUntil(': connected');
    const customer = `1650${digits(7)}`;
    const wamid = `wamid.${randomUUID()}`;
    const now = new Date().toISOString();
    const message = {
      schemaVersion: 1,
      eventId: eventId({ channel: 'whatsapp', kind: 'message', metaId: wamid }),
      kind: 'message',
      channel: 'whatsapp',
      account: { id: wa.phoneNumberId },
      integrationId: wa.integration.id,
      contact: { id: customer },
      occurredAt: now,
      receivedAt: now,
      payload: { type: 'text', messageId: wamid, text: 'hello console' },
      raw: {},
    } as InboundEventOf<'message'>;
    const status = {
      ...message,
      eventId: eventId({ channel: 'whatsapp', kind: 'status', metaId: `${wamid}:read` }),
      kind: 'status',
      payload: { messageId: wamid, status: 'read', recipientId: customer },
    } as unknown as InboundEventOf<'status'>;
    await world.gateway.producer.send(
      world.topics.inbound,
      [message, status].map((e) => ({
        key: inboundKey(e),
        value: JSON.stringify(e),
        headers: { 'event-id': e.eventId, 'event-kind': e.kind, 'schema-version': '1' },
      })),
    );
    await first.readUntil('event: status');
    const update = {
      type: 'message',
      integrationId: wa.integration.id,
      contactId: customer,
      messageId: wamid,
    };
    expect(first.text()).toContain(`event: message\ndata: ${JSON.stringify(update)}`);
    expect(first.text()).toContain(`"status":"read"`);
    // The message was stored before the stream told about it.
    const listed = await world.call(
      'GET',
      `/admin/integrations/${wa.integration.id}/conversations/${customer}/messages`,
    );
    expect(listed.body.items.map((m: { metaMessageId?: string }) => m.metaMessageId)).toContain(wamid);

    // A closed stream frees its place; the ones still open end when the gateway stops (afterAll).
    second.close();
    const again = await until(
      async () => {
        const s = await openStream(cookie);
        if (s.status !== 200) await s.ended;
        return s;
      },
      (s) => s.status === 200,
    );
    openStreams.push(first, again);
  }, 30_000);
});
