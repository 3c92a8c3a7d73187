import { createRedactor } from '@omnistream/logger';
import { describe, expect, it } from 'vitest';
import {
  createKafkaDeadLetterSink,
  type DeadLetter,
  deadLetterHeaders,
  defaultDeadLetterRecord,
} from './dead-letter.ts';
import type { OutgoingMessage } from './messages.ts';
import type { Producer } from './producer.ts';

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleUserAccessToken123456';

function deadLetter(error: unknown): DeadLetter {
  return {
    message: {
      topic: 'omnistream.outbound.v1',
      partition: 2,
      offset: '41',
      key: Buffer.from('int-1:+15550001'),
      value: Buffer.from([0x7b, 0xff, 0x7d]),
      headers: { 'trace-id': 'abc' },
      timestamp: '1700000000000',
    },
    error,
    errors: [new Error('first'), error],
    attempts: 3,
    reason: 'gave up after 3 attempts',
    groupId: 'message-sender',
    failedAt: new Date('2026-01-02T03:04:05.000Z'),
  };
}

describe('dead letter record', () => {
  it('keeps the original key, bytes and headers and adds the failure as headers', () => {
    const error = Object.assign(new Error('(#131030) Recipient not in allowed list'), {
      code: 'GW_META_RECIPIENT',
      retryable: false,
    });
    const record = defaultDeadLetterRecord(deadLetter(error), createRedactor());
    expect(record.key).toEqual(Buffer.from('int-1:+15550001'));
    expect(record.value).toEqual(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(record.headers).toEqual({
      'trace-id': 'abc',
      [deadLetterHeaders.errorName]: 'Error',
      [deadLetterHeaders.errorMessage]: '(#131030) Recipient not in allowed list',
      [deadLetterHeaders.errorCode]: 'GW_META_RECIPIENT',
      [deadLetterHeaders.errorRetryable]: 'false',
      [deadLetterHeaders.reason]: 'gave up after 3 attempts',
      [deadLetterHeaders.attempts]: '3',
      [deadLetterHeaders.sourceTopic]: 'omnistream.outbound.v1',
      [deadLetterHeaders.sourcePartition]: '2',
      [deadLetterHeaders.sourceOffset]: '41',
      [deadLetterHeaders.consumerGroup]: 'message-sender',
      [deadLetterHeaders.failedAt]: '2026-01-02T03:04:05.000Z',
    });
  });

  it('never writes a token into the DLQ, and caps huge error messages', () => {
    const record = defaultDeadLetterRecord(
      deadLetter(new Error(`Invalid OAuth access token ${TOKEN} ${'x'.repeat(10_000)}`)),
      createRedactor(),
    );
    const message = String(record.headers?.[deadLetterHeaders.errorMessage]);
    expect(message).not.toContain(TOKEN);
    expect(message).toContain('Invalid OAuth access token');
    expect(Buffer.byteLength(message)).toBeLessThan(4_200);
  });

  it('produces to the DLQ topic through the producer, or a custom record when given', async () => {
    const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
    const producer = {
      send: async (topic: string, messages: readonly OutgoingMessage[]) => {
        sent.push({ topic, messages });
      },
    } as unknown as Producer;
    await createKafkaDeadLetterSink({ producer, topic: 'dlq' }).publish(deadLetter(new Error('boom')));
    await createKafkaDeadLetterSink({
      producer,
      topic: 'dlq2',
      toRecord: (dl) => ({
        key: dl.message.key,
        value: JSON.stringify({ attempts: dl.attempts, errors: dl.errors.length }),
      }),
    }).publish(deadLetter(new Error('boom')));
    expect(sent[0]?.topic).toBe('dlq');
    expect(sent[0]?.messages[0]?.headers?.[deadLetterHeaders.errorMessage]).toBe('boom');
    expect(sent[1]).toEqual({
      topic: 'dlq2',
      messages: [{ key: Buffer.from('int-1:+15550001'), value: '{"attempts":3,"errors":2}' }],
    });
  });
});
