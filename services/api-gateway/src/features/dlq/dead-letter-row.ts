import { MESSAGING_CHANNELS, parseDlqRecord } from '@omnistream/events';
import type { ConsumedMessage } from '@omnistream/kafka';

/** One DLQ topic record as the dead_letters table stores it. */
export interface NewDeadLetter {
  topic: string;
  partition: number;
  offset: string;
  commandId: string | null;
  integrationId: string | null;
  channel: string | null;
  /** A DlqReason, or `unparseable` for a record that is not a DLQ record of ours. */
  reason: string;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  /** JSON text of what is kept in `record`. */
  recordJson: string;
  deadLetteredAt: Date;
}

/** Reason of a record that could not be read as a DLQ record; it is stored all the same. */
export const UNPARSEABLE = 'unparseable';

/** error_code of the stored row when the record itself is at fault. */
export const MIRROR_ERROR_CODES = {
  empty: 'DLQ_RECORD_EMPTY',
  notJson: 'DLQ_RECORD_NOT_JSON',
  schema: 'DLQ_RECORD_INVALID',
  unstorable: 'DLQ_RECORD_UNSTORABLE',
} as const;

const MAX_TEXT = 4_000;
const MAX_RAW = 64 * 1024;
const INT4_MAX = 2_147_483_647;

/**
 * PostgreSQL text and jsonb refuse NUL characters and lone surrogates, which JavaScript strings
 * (and so a JSON record from anywhere) may hold.
 */
export function pgSafe(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}

function pgSafeJson(value: unknown): unknown {
  if (typeof value === 'string') return pgSafe(value);
  if (Array.isArray(value)) return value.map(pgSafeJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [pgSafe(k), pgSafeJson(v)]));
  }
  return value;
}

const clip = (text: string, max = MAX_TEXT) => pgSafe(text.length > max ? `${text.slice(0, max)}…` : text);

function stringField(source: unknown, name: string, max = 256): string | null {
  if (source === null || typeof source !== 'object') return null;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? pgSafe(value) : null;
}

/** What can be told about the command even when the record around it is not what we expect. */
function commandFields(command: unknown) {
  const channel = stringField(command, 'channel');
  return {
    commandId: stringField(command, 'commandId'),
    integrationId: stringField(command, 'integrationId'),
    channel: channel && (MESSAGING_CHANNELS as readonly string[]).includes(channel) ? channel : null,
  };
}

function kafkaTime(message: ConsumedMessage): Date {
  const at = new Date(Number(message.timestamp));
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/** A row that stores whatever the record was as text: it cannot be refused for its content. */
export function fallbackRow(message: ConsumedMessage, code: string, why: string): NewDeadLetter {
  const text = message.value?.toString('utf8') ?? null;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    commandId: null,
    integrationId: null,
    channel: null,
    reason: UNPARSEABLE,
    errorCode: code,
    errorMessage: clip(why),
    attempts: 0,
    recordJson: JSON.stringify({ value: text === null ? null : clip(text, MAX_RAW) }),
    deadLetteredAt: kafkaTime(message),
  };
}

/**
 * A DLQ topic record → its dead_letters row. Never throws for a bad record: one that is empty,
 * not JSON or not a DLQ record is kept with reason `unparseable` and an error code saying which,
 * so the mirror neither stops on it nor loses it.
 */
export function toDeadLetterRow(message: ConsumedMessage): NewDeadLetter {
  const text = message.value?.toString('utf8');
  if (text === undefined || text.length === 0) {
    return fallbackRow(message, MIRROR_ERROR_CODES.empty, 'the dead letter record has no value');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fallbackRow(message, MIRROR_ERROR_CODES.notJson, `not JSON: ${(err as Error).message}`);
  }
  const base = {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    recordJson: JSON.stringify(pgSafeJson(json)),
  };
  const parsed = parseDlqRecord(json);
  if (!parsed.success) {
    const attempts = (json as { attempts?: unknown } | null)?.attempts;
    return {
      ...base,
      ...commandFields((json as { command?: unknown } | null)?.command),
      reason: UNPARSEABLE,
      errorCode: MIRROR_ERROR_CODES.schema,
      errorMessage: clip(
        `not a DLQ record: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ')}`,
      ),
      attempts: Number.isInteger(attempts) ? Math.min(Math.max(attempts as number, 0), INT4_MAX) : 0,
      deadLetteredAt: kafkaTime(message),
    };
  }
  const record = parsed.data;
  // The last attempt's error is the one that decided; all of them stay in the record.
  const last = record.errors.at(-1);
  return {
    ...base,
    ...commandFields(record.command),
    reason: record.reason,
    errorCode: last?.code ? clip(last.code, 200) : null,
    errorMessage: last ? clip(last.message) : null,
    attempts: Math.min(record.attempts, INT4_MAX),
    deadLetteredAt: new Date(record.deadLetteredAt),
  };
}
