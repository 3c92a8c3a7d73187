import { once } from 'node:events';
import { connect } from 'node:net';
import { testKafka, uniqueTopic, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../src/signature.ts';
import { APP_SECRET, startIngestor, type TestIngestor } from './harness.ts';

const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });

describe('slow clients on the webhook route (real listening ingestor)', () => {
  const db = useTestDatabase();
  let ingestor: TestIngestor;
  let port: number;

  beforeAll(async () => {
    const topic = await uniqueTopic({ label: 'slow' });
    ingestor = await startIngestor({
      brokers: testKafka().brokers,
      topic,
      pool: db.pool,
      settings: {
        httpLimits: {
          requestTimeoutMs: 2_000,
          headersTimeoutMs: 1_000,
          keepAliveTimeoutMs: 5_000,
          maxConnections: 64,
        },
      },
    });
    await ingestor.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ingestor.app.server.address() as { port: number }).port;
  }, 60_000);

  afterAll(async () => {
    await ingestor?.app.close();
    await ingestor?.close();
  });

  it('cuts a signed webhook whose body arrives one byte at a time with 408, and serves the next one', async () => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write(
      `POST /webhook/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `X-Hub-Signature-256: ${signBody(body, APP_SECRET)}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    // One byte every 500 ms: the 58-byte body would take ~30 s.
    const trickle = setInterval(() => {
      if (socket.writable && sent < body.length) socket.write(body[sent++] as string);
    }, 500);
    await once(socket, 'close').finally(() => clearInterval(trickle));
    expect(sent).toBeLessThan(body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('"code":"GW_REQUEST_TIMEOUT"');

    const ok = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      body,
    });
    expect(ok.status).toBe(200);
  });
});
