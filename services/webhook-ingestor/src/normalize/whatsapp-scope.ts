import type { Contact, MetaError } from '@omnistream/events';
import { arrayOf, idOf, isRecord, recordOf, stringOf } from './meta-values.ts';

/** What every message and status of one WhatsApp `messages` change shares. */
export interface WhatsAppScope {
  /** `value.metadata.phone_number_id` (tenant routing) with the WABA id (`entry.id`). One object, shared
   * by every event of the change. */
  account: { id: string; wabaId: string | undefined };
  /** `value.contacts[]`: the senders' profiles, matched to messages by `wa_id`. */
  contacts: readonly unknown[];
  /** `value.errors[]`: Meta puts them next to a message it could not render (SOURCES.md, pywa
   * `interactive_message_with_err`). */
  valueErrors: MetaError[] | undefined;
}

/**
 * The customer of a message, with the profile name from `value.contacts[]`. Matched by `wa_id` (or
 * `user_id` for username-only users since BSUID), never by position: a batch carries several senders.
 * System messages have no `contacts[]` at all (SOURCES.md), hence no name.
 */
export function whatsAppContact(id: string, contacts: readonly unknown[]): Contact {
  for (const item of arrayOf(contacts)) {
    if (!isRecord(item) || (idOf(item.wa_id) !== id && idOf(item.user_id) !== id)) continue;
    const name = stringOf(recordOf(item.profile)?.name);
    return name === undefined ? { id } : { id, name };
  }
  return { id };
}
