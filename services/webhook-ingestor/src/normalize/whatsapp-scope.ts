import type { Contact, MetaError } from '@omnistream/events';
import {
  arrayOf,
  idOf,
  isRecord,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';

/** What every message and status of one WhatsApp `messages` change shares. */
export interface WhatsAppScope {
  /** `value.metadata.phone_number_id` (tenant routing) with the WABA id (`entry.id`). One object, shared
   * by every event of the change. */
  account: { id: string; wabaId: string | undefined };
  /** `value.contacts[]`: the senders' profiles, matched to messages by `wa_id` or `user_id`. */
  contacts: readonly unknown[];
  /** `value.errors[]`: Meta puts them next to a message it could not render (test/fixtures/SOURCES.md, pywa
   * `interactive_message_with_err`). */
  valueErrors: MetaError[] | undefined;
}

/** How a fragment names a WhatsApp user: a phone number (`wa_id`), a BSUID, or both. */
export interface WhatsAppUserRef {
  waId: string | undefined;
  userId: string | undefined;
  parentUserId?: string | undefined;
}

/**
 * The sender of a WhatsApp message. Since April 2026 messages carry `from_user_id` (the BSUID) next
 * to `from`, and a customer who adopted a username may come with the BSUID alone (docs/services.md,
 * "Who the customer is"; test/fixtures/SOURCES.md "WhatsApp 2026 platform").
 */
export function messageSender(msg: JsonObject): WhatsAppUserRef {
  return {
    waId: idOf(msg.from),
    userId: idOf(msg.from_user_id) ?? idOf(msg.user_id),
    parentUserId: idOf(msg.from_parent_user_id),
  };
}

/**
 * The customer as an event's contact (packages/events ContactSchema): `id` is the phone number
 * whenever Meta gives one (in the fragment or in `value.contacts[]`), else the BSUID; `userId`,
 * `parentUserId`, `username` and `name` are added when Meta sends them. `value.contacts[]` is matched
 * by `wa_id` or `user_id`, never by position: a batch carries several senders. Undefined when the
 * fragment names nobody. System messages have no `contacts[]` at all (test/fixtures/SOURCES.md), hence no name.
 */
export function whatsAppContact(ref: WhatsAppUserRef, contacts: readonly unknown[]): Contact | undefined {
  const profile = matchingContact(ref, contacts);
  const waId = ref.waId ?? idOf(profile?.wa_id);
  const userId = ref.userId ?? idOf(profile?.user_id);
  const id = waId ?? userId;
  if (id === undefined) return undefined;
  const contact: Contact = { id };
  const name = stringOf(recordOf(profile?.profile)?.name);
  if (name !== undefined) contact.name = name;
  if (userId !== undefined) contact.userId = userId;
  const parentUserId = ref.parentUserId ?? idOf(profile?.parent_user_id);
  if (parentUserId !== undefined) contact.parentUserId = parentUserId;
  const username = nonEmptyStringOf(recordOf(profile?.profile)?.username);
  if (username !== undefined) contact.username = username;
  return contact;
}

function matchingContact(ref: WhatsAppUserRef, contacts: readonly unknown[]): JsonObject | undefined {
  for (const item of arrayOf(contacts)) {
    if (!isRecord(item)) continue;
    if (ref.waId !== undefined && idOf(item.wa_id) === ref.waId) return item;
    if (ref.userId !== undefined && idOf(item.user_id) === ref.userId) return item;
  }
  return undefined;
}
