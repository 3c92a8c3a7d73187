import { readMessages, uniqueGroupId, uniqueTopic, until } from '@omnistream/testing';
import { describe, it } from 'vitest';
import { runConsumer } from './consumer.ts';
import { createKafkaDeadLetterSink, type DeadLetterSink, deadLetterHeaders } from './dead-letter.ts';
import type { MessageHandler } from './message-processor.ts';
import { createRetryPolicy } from './retry-policy.ts';
import { connectedProducer, groupCaughtUp, silentLogger, testKafkaClient, text } from './test-kit.ts';

const invalidParameter = () =>
  Object.assign(new Error('(#100) Invalid parameter'), { code: 'GW_META_INVALID_PARAM', retryable: false });

function consume(topic: string, groupId: string, handler: MessageHandler, deadLetter: DeadLetterSink) {
  return runConsumer({
    kafka: testKafkaClient(),
    logger: silentLogger,
    groupId,
    topics: [topic],
    handler,
    policy: createRetryPolicy({ initialDelayMs: 20 }),
    deadLetter,
  });
}

describe.concurrent('dead letters against a real broker', () => {
  it('puts a message that cannot succeed on the DLQ with its error, commits it, and moves on', async ({
    expect,
  }) => {
    const [topic, dlq, groupId] = [
      await uniqueTopic({ label: 'src' }),
      await uniqueTopic({ label: 'dlq' }),
      uniqueGroupId('dlq'),
    ];
    const producer = await connectedProducer();
    const handled: string[] = [];
    const handler: MessageHandler = async (m) => {
      handled.push(text(m.value) ?? '');
      if (text(m.value) === 'bad') throw invalidParameter();
    };
    const runner = await consume(
      topic,
      groupId,
      handler,
      createKafkaDeadLetterSink({ producer, topic: dlq }),
    );
    await producer.send(topic, [
      { key: 'int-1:+15550001', value: 'bad', headers: { 'x-command-id': 'cmd-1' } },
      { key: 'int-1:+15550001', value: 'good' },
    ]);
    await until(
      () => handled,
      (h) => h.includes('good'),
    );
    await runner.stop();
    expect(handled).toEqual(['bad', 'good']); // non-retryable: one attempt only

    const [dead] = await readMessages({ topic: dlq, count: 1, settleMs: 300 });
    expect(dead).toMatchObject({
      key: 'int-1:+15550001',
      text: 'bad',
      headers: {
        'x-command-id': 'cmd-1',
        [deadLetterHeaders.errorMessage]: '(#100) Invalid parameter',
        [deadLetterHeaders.errorCode]: 'GW_META_INVALID_PARAM',
        [deadLetterHeaders.errorRetryable]: 'false',
        [deadLetterHeaders.attempts]: '1',
        [deadLetterHeaders.sourceTopic]: topic,
        [deadLetterHeaders.consumerGroup]: groupId,
      },
    });

    // Restarted in the same group nothing comes back: the dead-lettered offset was committed.
    const seen: string[] = [];
    const again = await consume(
      topic,
      groupId,
      async (m) => {
        seen.push(text(m.value) ?? '');
      },
      createKafkaDeadLetterSink({ producer, topic: dlq }),
    );
    await producer.send(topic, [{ key: 'int-1:+15550001', value: 'marker' }]);
    // Every record (the dead-lettered one included) committed by the group: 'bad' redelivered
    // would be in `seen`.
    await groupCaughtUp(topic, groupId);
    await again.stop();
    await producer.disconnect();
    expect(seen).toEqual(['marker']);
  });

  it('never commits a message whose dead letter could not be stored: it comes back after a restart', async ({
    expect,
  }) => {
    const [topic, groupId] = [await uniqueTopic({ label: 'dlq-down' }), uniqueGroupId('dlq-down')];
    const producer = await connectedProducer();
    let publishAttempts = 0;
    const brokenDlq: DeadLetterSink = {
      publish: async () => {
        publishAttempts++;
        throw new Error('DLQ topic unavailable');
      },
    };
    const first = await consume(
      topic,
      groupId,
      async () => {
        throw invalidParameter();
      },
      brokenDlq,
    );
    await producer.send(topic, [{ key: 'c1', value: 'bad' }]);
    await until(
      () => publishAttempts,
      (n) => n >= 1,
    );
    await first.stop();

    const seen: string[] = [];
    const second = await consume(
      topic,
      groupId,
      async (m) => {
        seen.push(text(m.value) ?? '');
      },
      brokenDlq,
    );
    await until(
      () => seen,
      (s) => s.length >= 1,
    );
    await second.stop();
    await producer.disconnect();
    expect(seen).toEqual(['bad']);
  });
});
