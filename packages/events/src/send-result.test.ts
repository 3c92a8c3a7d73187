import { describe, expect, it } from 'vitest';
import { parseSendResult } from './send-result.ts';

const base = {
  schemaVersion: 1,
  commandId: '8d7f3c2e-5b1a-4c9e-9f00-2a6b8e4d1c77',
  integrationId: 'int_wa_1',
  channel: 'whatsapp',
  to: '16315551181',
};
const sent = {
  ...base,
  outcome: 'sent',
  metaMessageId: 'wamid.HBgLMTYz',
  attempts: 1,
  sentAt: '2024-05-01T10:00:01Z',
};
const failed = {
  ...base,
  outcome: 'failed',
  error: {
    code: 'GRAPH_131047',
    metaCode: 131047,
    message: 'Re-engagement message: more than 24 hours have passed',
    retryable: false,
    fbtraceId: 'AwmiSOCojlAkqvjCTjGt37r',
  },
  attempts: 1,
  failedAt: '2024-05-01T10:00:01Z',
};

const firstPath = (input: unknown) => parseSendResult(input).error?.issues[0]?.path;

describe('SendResultSchema', () => {
  it('accepts a sent and a failed result', () => {
    expect(parseSendResult(sent).error).toBeUndefined();
    expect(parseSendResult(failed).error).toBeUndefined();
  });

  it('accepts a sent mark_read, which has no Meta message id', () => {
    expect(parseSendResult({ ...sent, metaMessageId: null }).error).toBeUndefined();
    expect(firstPath({ ...sent, metaMessageId: undefined })).toEqual(['metaMessageId']);
  });

  it('accepts a failure before any attempt, but not a send without one', () => {
    expect(parseSendResult({ ...failed, attempts: 0 }).error).toBeUndefined();
    expect(firstPath({ ...sent, attempts: 0 })).toEqual(['attempts']);
  });

  it('rejects a failure without its classified error', () => {
    const { error: _omit, ...noError } = failed;
    expect(firstPath(noError)).toEqual(['error']);
    expect(firstPath({ ...failed, error: { ...failed.error, retryable: undefined } })).toEqual([
      'error',
      'retryable',
    ]);
  });

  it('rejects an error code that is not UPPER_SNAKE_CASE', () => {
    expect(firstPath({ ...failed, error: { ...failed.error, code: '131047' } })).toEqual(['error', 'code']);
  });

  it('rejects an unknown outcome and a sent result dated with failedAt', () => {
    expect(firstPath({ ...sent, outcome: 'queued' })).toEqual(['outcome']);
    const { sentAt: _omit, ...noSentAt } = sent;
    expect(firstPath({ ...noSentAt, failedAt: '2024-05-01T10:00:01Z' })).toEqual(['sentAt']);
  });
});
