import { Writable } from 'node:stream';
import type { ConsumedMessage } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { describe, expect, it } from 'vitest';
import { createInboundEventDispatcher, type InboundEventHandlers } from './inbound-events.consumer.ts';

function setup(handlers: InboundEventHandlers) {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ name: 'test', level: 'debug', destination });
  return { dispatch: createInboundEventDispatcher({ handlers, logger }), logs };
}

const message = (value: string, headers: Record<string, string> = {}): ConsumedMessage => ({
  topic: 'inbound',
  partition: 0,
  offset: '7',
  key: null,
  value: Buffer.from(value),
  headers,
  timestamp: '0',
});

const templateEvent = {
  schemaVersion: 1,
  eventId: '0123456789abcdef0123456789abcdef',
  kind: 'template_status',
  channel: 'whatsapp',
  account: { id: '102290129340398', wabaId: '102290129340398' },
  integrationId: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
  receivedAt: '2026-01-01T00:00:01.000Z',
  payload: {
    field: 'message_template_status_update',
    templateId: '806312974732579',
    templateName: 'order_update',
    language: 'en_US',
    event: 'APPROVED',
  },
  raw: null,
};

const attempt = (p: Promise<void>) =>
  p.then(
    () => 'resolved',
    (err: Error) => `rejected: ${err.message}`,
  );
const ctx = { attempt: 1, signal: new AbortController().signal };

describe('inbound events dispatcher', () => {
  it('hands an event to the handler of its kind', async () => {
    const seen: unknown[] = [];
    const { dispatch } = setup({ template_status: async (e) => void seen.push(e.payload.templateId) });
    await dispatch(message(JSON.stringify(templateEvent), { 'event-kind': 'template_status' }), ctx);
    expect(seen).toEqual(['806312974732579']);
  });

  it('skips kinds without a handler on the header alone, without reading the value', async () => {
    const { dispatch, logs } = setup({ template_status: async () => {} });
    expect(await attempt(dispatch(message('{garbage', { 'event-kind': 'message' }), ctx))).toBe('resolved');
    expect(logs).toEqual([]);
  });

  it('logs and skips records that are not JSON or not a valid event of a handled kind', async () => {
    let calls = 0;
    const { dispatch, logs } = setup({ template_status: async () => void calls++ });
    const invalid = { ...templateEvent, eventId: 'not-an-id' };
    expect(await attempt(dispatch(message('{garbage'), ctx))).toBe('resolved');
    expect(await attempt(dispatch(message(JSON.stringify(invalid)), ctx))).toBe('resolved');
    expect(calls).toBe(0);
    expect(logs.join('\n')).toContain('inbound record is not JSON; skipped');
    expect(logs.join('\n')).toContain('eventId: must be 32 lowercase hex characters');
  });

  it("lets a handler's failure through so the consumer retries the event", async () => {
    const { dispatch } = setup({
      template_status: async () => {
        throw new Error('PostgreSQL is restarting');
      },
    });
    expect(await attempt(dispatch(message(JSON.stringify(templateEvent)), ctx))).toBe(
      'rejected: PostgreSQL is restarting',
    );
  });
});
