import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyPublishError, EventTooLargeError } from './publish-error.ts';

// What kafkajs builds from a broker's error code (its protocol/error.js table), with the retriable
// flag Kafka gives each code.
// (kafkajs' typings declare fewer constructor arguments than its code takes.)
const brokerSaid = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 0, retriable, message: `the broker said ${type}` } as never);

// How a producer send rejects: a refusal bails out of kafkajs' retrier wrapped once, a retriable
// error comes back as "retries exceeded" (itself flagged non-retriable) around the last attempt's.
const bailedWith = (e: Error) =>
  new (KafkaJSNonRetriableError as new (e: Error, o: { cause: Error }) => Error)(e, { cause: e });
const retriedOut = (e: Error) => new KafkaJSNumberOfRetriesExceeded(e, { retryCount: 2, retryTime: 300 });

describe('classifyPublishError: quarantine the event, or keep it in the spool and retry', () => {
  it('a record above the topic limit (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE) is quarantined as too_large', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']) {
      for (const err of [brokerSaid(type, false), bailedWith(brokerSaid(type, false))]) {
        expect(classifyPublishError(err)).toEqual({
          kind: 'quarantine',
          reason: 'too_large',
          code: type,
          message: `the broker said ${type}`,
        });
      }
    }
  });

  it('our own hard limit (INBOUND_EVENT_MAX_BYTES) is too_large with its own code', () => {
    expect(classifyPublishError(new EventTooLargeError(9_000_000, 7_340_032))).toEqual({
      kind: 'quarantine',
      reason: 'too_large',
      code: 'EVENT_TOO_LARGE',
      message: 'event is 9000000 bytes, above INBOUND_EVENT_MAX_BYTES (7340032)',
    });
  });

  it('an invalid record (INVALID_RECORD, INVALID_TIMESTAMP) is quarantined as invalid_record', () => {
    for (const type of ['INVALID_RECORD', 'INVALID_TIMESTAMP']) {
      expect(classifyPublishError(bailedWith(brokerSaid(type, false)))).toMatchObject({
        kind: 'quarantine',
        reason: 'invalid_record',
        code: type,
      });
    }
  });

  it('any other error Kafka marks non-retriable is quarantined as non_retriable', () => {
    expect(classifyPublishError(bailedWith(brokerSaid('UNKNOWN', false)))).toMatchObject({
      kind: 'quarantine',
      reason: 'non_retriable',
      code: 'UNKNOWN',
    });
  });

  it('a broker that is down, slow or moving leaders is transient: the spool keeps the event in order', () => {
    const transient = [
      new KafkaJSConnectionError('Connection error: ECONNREFUSED', {
        broker: '127.0.0.1:9092',
        code: 'ECONNREFUSED',
      }),
      retriedOut(new KafkaJSConnectionError('Connection timeout')),
      new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'),
      retriedOut(brokerSaid('NOT_LEADER_FOR_PARTITION', true)),
      retriedOut(brokerSaid('UNKNOWN_TOPIC_OR_PARTITION', true)),
      retriedOut(brokerSaid('CORRUPT_MESSAGE', true)),
      new KafkaJSError('kafka producer is idle, cannot send'),
      new Error('Kafka did not acknowledge within 2000 ms'),
      'a string',
      undefined,
    ];
    for (const err of transient)
      expect(classifyPublishError(err), String(err)).toEqual({ kind: 'transient' });
  });

  it('a non-retriable error about our credentials, the topic or the cluster is not one event’s fault: transient', () => {
    for (const type of [
      'TOPIC_AUTHORIZATION_FAILED',
      'CLUSTER_AUTHORIZATION_FAILED',
      'SASL_AUTHENTICATION_FAILED',
      'UNSUPPORTED_VERSION',
      'UNSUPPORTED_COMPRESSION_TYPE',
      'INVALID_REQUIRED_ACKS',
    ]) {
      expect(classifyPublishError(bailedWith(brokerSaid(type, false))), type).toEqual({ kind: 'transient' });
    }
  });

  it('reads the innermost protocol error however deep kafkajs wrapped it, without looping on cycles', () => {
    const inner = brokerSaid('MESSAGE_TOO_LARGE', false);
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: inner }) });
    expect(classifyPublishError(wrapped)).toMatchObject({ reason: 'too_large' });
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyPublishError(a)).toEqual({ kind: 'transient' });
  });
});
