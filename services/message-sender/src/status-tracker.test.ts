import { Writable } from 'node:stream';
import { parseInboundEvent } from '@omnistream/events';
import type { ConsumedMessage } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createStatusHandler } from './status-tracker.ts';

type ApplyStatus = Parameters<Parameters<typeof createStatusHandler>[0]['repository']['applyStatus']>[0];

function tracker() {
  const applied: ApplyStatus[] = [];
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const outcomes = new Counter({
    name: 'status_updates_test',
    help: 'test',
    labelNames: ['outcome'],
    registers: [new Registry()],
  });
  const handle = createStatusHandler({
    repository: {
      applyStatus: async (input) => {
        applied.push(input);
        return 'applied';
      },
    },
    preferences: { record: async () => 1 },
    logger: createLogger({ name: 'test', level: 'debug', destination }),
    outcomes,
  });
  const count = async (outcome: string) =>
    (await outcomes.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  const context = { attempt: 1, signal: new AbortController().signal };
  return { handle: (m: ConsumedMessage) => handle(m, context), applied, lines, count };
}

let offset = 0;
function record(value: unknown): ConsumedMessage {
  offset += 1;
  return {
    topic: 'omnistream.inbound.v1',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    timestamp: '0',
  };
}

function statusEvent(payload: Record<string, unknown>) {
  return {
    schemaVersion: 1,
    eventId: offset.toString(16).padStart(32, '0'),
    kind: 'status',
    channel: 'whatsapp',
    account: { id: '106540352242922' },
    integrationId: 'int-1',
    contact: { id: '16315551181' },
    occurredAt: '2026-06-08T12:00:00Z',
    receivedAt: '2026-06-08T12:00:01Z',
    payload: { recipientId: '16315551181', ...payload },
    raw: null,
  };
}

describe('status tracker', () => {
  it('records every entry of Meta errors[] on a failed status, the first as the primary', async () => {
    const t = tracker();
    const event = statusEvent({
      messageId: 'wamid.F',
      status: 'failed',
      errors: [
        { code: 131026, title: 'Message undeliverable', details: 'Receiver is incapable' },
        { code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed' },
      ],
    });
    expect(parseInboundEvent(event).error?.issues).toBeUndefined();
    await t.handle(record(event));

    expect(t.applied).toHaveLength(1);
    expect(t.applied[0]).toMatchObject({ metaMessageId: 'wamid.F', status: 'failed' });
    expect(t.applied[0]?.error).toEqual({
      code: 'GRAPH_131026',
      message: 'Message undeliverable (also: 131047 More than 24 hours have passed)',
      retryable: false,
      metaCode: 131026,
      metaErrors: [
        { code: 131026, title: 'Message undeliverable', details: 'Receiver is incapable' },
        { code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed' },
      ],
    });
  });

  it('keeps the single-error message as it was', async () => {
    const t = tracker();
    await t.handle(
      record(
        statusEvent({
          messageId: 'wamid.G',
          status: 'failed',
          errors: [{ code: 131047, title: 'Re-engagement message' }],
        }),
      ),
    );
    expect(t.applied[0]?.error).toMatchObject({ code: 'GRAPH_131047', message: 'Re-engagement message' });
  });

  it('logs and skips an invalid record, then goes on with the next one', async () => {
    const t = tracker();
    // A status without its wamid, carrying a value that must not reach the log.
    const invalid = statusEvent({ status: 'delivered', recipientId: 'secret value with spaces' });
    await expect(t.handle(record(invalid))).resolves.toBeUndefined();
    await expect(t.handle(record('{not json'))).resolves.toBeUndefined();
    await t.handle(record(statusEvent({ messageId: 'wamid.OK', status: 'delivered' })));

    expect(t.applied.map((a) => a.metaMessageId)).toEqual(['wamid.OK']);
    expect(await t.count('invalid')).toBe(1);
    expect(await t.count('unparseable')).toBe(1);
    expect(await t.count('applied')).toBe(1);
    const warning = t.lines.find((l) => l.msg === 'inbound record is not a valid event; skipped');
    expect(warning).toMatchObject({ level: 'warn', kind: 'status', topic: 'omnistream.inbound.v1' });
    expect(warning?.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^payload\.messageId: /)]));
    expect(JSON.stringify(t.lines)).not.toContain('secret value');
  });

  it('ignores kinds it does not track without validating them', async () => {
    const t = tracker();
    await t.handle(record({ kind: 'message', anything: true }));
    expect(await t.count('ignored')).toBe(1);
    expect(await t.count('invalid')).toBe(0);
  });
});
