import { decodeCursor, encodeCursor, InvalidCursorError, readsCursor } from '@omnistream/service-kit';
import { z } from 'zod';

/**
 * A row's time as the cursors carry it: ISO 8601 in UTC with PostgreSQL's microseconds, so a page
 * boundary between two rows of the same millisecond is exact (a JavaScript Date would round it).
 */
export const AT_KEY_SQL = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const AT_KEY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** Where a message of a conversation comes from: l = message_log, s = outbound_messages (a send). */
export type MessageSource = 'l' | 's';

export interface ConversationKey {
  at: string;
  contactId: string;
}

export interface MessageKey {
  at: string;
  source: MessageSource;
  id: string;
}

const checked = <T>(ok: boolean, value: T): T => {
  if (!ok) throw new InvalidCursorError();
  return value;
};

/** The one cursor scheme (encodeCursor) over (last message time, contact id), newest first. */
export const conversationCursor = {
  encode: (k: ConversationKey) => encodeCursor([k.at, k.contactId]),
  decode: (text: string): ConversationKey => {
    const [at, contactId] = decodeCursor(text, 2);
    return checked(AT_KEY.test(at), { at, contactId });
  },
};

/** The one cursor scheme over (time, source, id): one cursor across received messages and sends. */
export const messageCursor = {
  encode: (k: MessageKey) => encodeCursor([k.at, k.source, k.id]),
  decode: (text: string): MessageKey => {
    const [at, source, id] = decodeCursor(text, 3);
    return checked(AT_KEY.test(at) && (source === 'l' || source === 's'), {
      at,
      source: source as MessageSource,
      id,
    });
  },
};

/** A query's cursor parameter: anything `decode` refuses is a 400, never a 500. */
export const cursorSchema = (decode: (text: string) => unknown) =>
  z
    .string()
    .min(1)
    .max(1024)
    .refine((c) => readsCursor(decode, c), 'is not a cursor this API returned')
    .describe('nextCursor of the previous page');
