import { describe, expect, it } from 'vitest';
import { parseDlqRecord } from './dlq-record.ts';
import { parseSendCommand } from './send-command.ts';

const record = {
  schemaVersion: 1,
  command: { schemaVersion: 1, commandId: 'c-1', channel: 'instagram', message: { type: 'template' } },
  reason: 'invalid',
  errors: [
    { at: '2024-05-01T10:00:00Z', message: 'message.type: instagram does not support template messages' },
  ],
  attempts: 0,
  deadLetteredAt: '2024-05-01T10:00:00Z',
};

const firstPath = (input: unknown) => parseDlqRecord(input).error?.issues[0]?.path;

describe('DlqRecordSchema', () => {
  it('carries an invalid command verbatim, so it can be fixed and replayed', () => {
    expect(parseSendCommand(record.command).success).toBe(false);
    const result = parseDlqRecord(record);
    expect(result.error).toBeUndefined();
    expect(result.data?.command).toEqual(record.command);
  });

  it('accepts retries exhausted with every attempt error', () => {
    const errors = [1, 2, 3].map((n) => ({
      at: `2024-05-01T10:00:0${n}Z`,
      message: 'Rate limit hit',
      code: 'GRAPH_130429',
      retryable: true,
    }));
    expect(
      parseDlqRecord({ ...record, reason: 'retries_exhausted', errors, attempts: 3 }).error,
    ).toBeUndefined();
  });

  it('rejects a record without a reason to act on', () => {
    expect(firstPath({ ...record, errors: [] })).toEqual(['errors']);
    expect(firstPath({ ...record, reason: 'unknown' })).toEqual(['reason']);
  });

  it('rejects a record that lost its command', () => {
    const { command: _omit, ...noCommand } = record;
    expect(firstPath(noCommand)).toEqual(['command']);
  });

  it('rejects negative attempts and a missing schemaVersion', () => {
    expect(firstPath({ ...record, attempts: -1 })).toEqual(['attempts']);
    const { schemaVersion: _omit, ...noVersion } = record;
    expect(firstPath(noVersion)).toEqual(['schemaVersion']);
  });
});
