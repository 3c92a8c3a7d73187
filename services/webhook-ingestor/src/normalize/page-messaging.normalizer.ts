import type { Contact } from '@omnistream/events';
import {
  type EventIdentity,
  type EventSink,
  MalformedFragmentError,
  required,
  UNKNOWN_ACCOUNT,
} from './event-sink.ts';
import {
  epochOf,
  fragmentHash,
  idOf,
  idsOf,
  isoFromMetaTime,
  isRecord,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { pageMessageContent } from './page-message-content.ts';

export type PageChannel = 'instagram' | 'messenger';

interface PageScope {
  channel: PageChannel;
  /** `entry.id`: the Page id (Messenger) or the IG professional account id (Instagram). */
  account: { id: string };
  entryTime: unknown;
  /**
   * Mixed into every event id of a dashboard test event (`changes[]` shape). Instagram's "Test" button
   * always sends `mid: "random_mid"` with the same timestamp (test/fixtures/SOURCES.md), so without it the second
   * test would be deduplicated away; `entry.time` differs per test and stays the same on a retry.
   */
  salt?: string | number | undefined;
}

const LABEL: Record<PageChannel, string> = { instagram: 'Instagram', messenger: 'Messenger' };
/** Keys every messaging item has; the remaining key says what kind of item it is. */
const ITEM_ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);

/**
 * `object: "instagram"` and `object: "page"`: every entry's `messaging[]`, `standby[]` (handover
 * protocol: same items, but this app is not the thread owner, MetaDocs-MSG) and `changes[]` (the
 * dashboard's test events, `{field, value}` with the item as value), in that order.
 */
export function normalizePageMessaging(
  channel: PageChannel,
  entries: readonly unknown[],
  sink: EventSink,
): void {
  for (const entry of entries) {
    const e = recordOf(entry);
    const account = { id: idOf(e?.id) ?? UNKNOWN_ACCOUNT };
    if (
      e === undefined ||
      (!Array.isArray(e.messaging) && !Array.isArray(e.standby) && !Array.isArray(e.changes))
    ) {
      sink.unsupported({
        channel,
        account,
        reason: `malformed ${LABEL[channel]} entry: no messaging[], standby[] or changes[]`,
        raw: entry,
      });
      continue;
    }
    const scope: PageScope = { channel, account, entryTime: e.time };
    if (Array.isArray(e.messaging)) for (const item of e.messaging) emitItemSafely(item, scope, sink);
    if (Array.isArray(e.standby)) {
      // Another app owns the thread: consumers (bots) must know not to answer these.
      const from = sink.size;
      for (const item of e.standby) emitItemSafely(item, scope, sink);
      sink.markStandby(from);
    }
    if (Array.isArray(e.changes)) {
      for (const change of e.changes) emitChange(change, scope, sink);
    }
  }
}

function emitChange(change: unknown, scope: PageScope, sink: EventSink): void {
  const field = stringOf(recordOf(change)?.field);
  const value = recordOf(change)?.value;
  const salt = idOf(scope.entryTime) ?? fragmentHash(change);
  if (isRecord(value) && (isRecord(value.sender) || isRecord(value.recipient))) {
    emitItemSafely(value, { ...scope, salt }, sink);
    return;
  }
  // comments, mentions, story_insights, … (not messaging): nothing in the event kinds fits them.
  sink.unsupported({
    channel: scope.channel,
    account: scope.account,
    occurredAt: isoFromMetaTime(scope.entryTime),
    reason: `${LABEL[scope.channel]} change field ${field ?? '(none)'} is not normalized`,
    type: field,
    raw: change,
    discriminator: salt,
  });
}

function emitItemSafely(item: unknown, scope: PageScope, sink: EventSink): void {
  try {
    emitItem(item, scope, sink);
  } catch (error) {
    const it = recordOf(item);
    const mid =
      idOf(recordOf(it?.message)?.mid) ??
      idOf(recordOf(it?.postback)?.mid) ??
      idOf(recordOf(it?.reaction)?.mid);
    const sender = idOf(recordOf(it?.sender)?.id);
    sink.malformed(error, `${LABEL[scope.channel]} messaging item`, {
      channel: scope.channel,
      account: scope.account,
      contact: sender === undefined || sender === scope.account.id ? undefined : { id: sender },
      raw: item,
      ...(mid === undefined ? { discriminator: scope.salt } : identity(scope, mid)),
    });
  }
}

function emitItem(item: unknown, scope: PageScope, sink: EventSink): void {
  const it = required(recordOf(item), 'messaging item');
  const sender = idOf(recordOf(it.sender)?.id);
  const recipient = idOf(recordOf(it.recipient)?.id);
  // Instagram and Messenger timestamps are ms; the dashboard test sends seconds as a string (test/fixtures/SOURCES.md).
  const occurredAt = isoFromMetaTime(it.timestamp) ?? isoFromMetaTime(scope.entryTime) ?? sink.receivedAt;
  const base = { channel: scope.channel, account: scope.account, occurredAt, raw: it };

  const message = recordOf(it.message);
  if (message !== undefined) {
    const mid = required(idOf(message.mid), 'message.mid');
    // In an echo the business is the sender and the customer the recipient (test/fixtures/SOURCES.md instagram-echo).
    const echo = message.is_echo === true;
    const contact: Contact = { id: required(echo ? recipient : sender, echo ? 'recipient.id' : 'sender.id') };
    if (message.is_deleted === true) {
      // An unsend carries the original message's mid (chatwoot unsend event). It is not a new message,
      // and no event kind means "deleted", so it is `unsupported` with a reason consumers can match.
      sink.unsupported({
        ...base,
        contact,
        reason: `${LABEL[scope.channel]} message ${mid} was deleted (unsent) by the customer`,
        type: 'is_deleted',
        ...identity(scope, mid, 'deleted'),
      });
      return;
    }
    const content = pageMessageContent(message, mid);
    if (echo) {
      // `app_id` is a JSON number (MetaDocs-MSG message_echoes); it tells the gateway's own sends apart.
      const payload = { ...content, appId: idOf(message.app_id), metadata: stringOf(message.metadata) };
      sink.emit({ ...base, kind: 'echo', contact, payload }, identity(scope, mid));
    } else {
      sink.emit({ ...base, kind: 'message', contact, payload: content }, identity(scope, mid));
    }
    return;
  }

  const customer = (): Contact => ({ id: required(sender, 'sender.id') });

  const postback = recordOf(it.postback);
  if (postback !== undefined) {
    const contact = customer();
    const mid = idOf(postback.mid);
    const payload = {
      mid,
      title: stringOf(postback.title),
      payload: stringOf(postback.payload) ?? '',
      // Present when the thread was started from m.me or an ad (MetaDocs-MSG messaging_postbacks).
      referral: recordOf(postback.referral),
    };
    // Older Messenger postbacks have no mid: the customer, the time and the button identify the tap.
    const id =
      mid === undefined
        ? identity(
            scope,
            contact.id,
            JSON.stringify(['postback', it.timestamp ?? null, postback.payload ?? null]),
          )
        : identity(scope, mid);
    sink.emit({ ...base, kind: 'postback', contact, payload }, id);
    return;
  }

  const read = recordOf(it.read);
  if (read !== undefined) {
    const contact = customer();
    // Messenger reads are a watermark (everything before it was read), Instagram reads a mid (test/fixtures/SOURCES.md).
    const watermark = epochOf(read.watermark);
    const mid = idOf(read.mid);
    if (watermark === undefined && mid === undefined) {
      throw new MalformedFragmentError('read has neither watermark nor mid');
    }
    sink.emit(
      { ...base, kind: 'seen', contact, payload: { watermark, mid } },
      identity(scope, mid ?? contact.id, watermark),
    );
    return;
  }

  const delivery = recordOf(it.delivery);
  if (delivery !== undefined) {
    const contact = customer();
    const watermark = required(epochOf(delivery.watermark), 'delivery.watermark');
    // `mids` may be absent; the watermark alone then counts (MetaDocs-MSG message_deliveries).
    sink.emit(
      { ...base, kind: 'delivery', contact, payload: { mids: idsOf(delivery.mids), watermark } },
      identity(scope, contact.id, watermark),
    );
    return;
  }

  const reaction = recordOf(it.reaction);
  if (reaction !== undefined) {
    const contact = customer();
    const mid = required(idOf(reaction.mid), 'reaction.mid');
    // `unreact` has neither `reaction` nor `emoji` (MetaDocs-MSG message_reactions).
    const action = reaction.action === 'unreact' ? 'unreact' : 'react';
    const emoji = action === 'react' ? nonEmptyStringOf(reaction.emoji) : undefined;
    // One mid gets many reaction events (react, unreact, react again): the action, the reaction, who
    // and when tell them apart; a retry repeats all four.
    const discriminator = JSON.stringify([
      action,
      emoji ?? stringOf(reaction.reaction) ?? null,
      sender ?? null,
      it.timestamp ?? null,
    ]);
    sink.emit(
      { ...base, kind: 'reaction', contact, payload: { messageId: mid, emoji, action } },
      identity(scope, mid, discriminator),
    );
    return;
  }

  // optin, referral (without a message), message_edit, pass_thread_control, account_linking, …
  const type = Object.keys(it).find((key) => !ITEM_ENVELOPE_KEYS.has(key));
  sink.unsupported({
    ...base,
    contact: sender === undefined || sender === scope.account.id ? undefined : { id: sender },
    reason: `${LABEL[scope.channel]} messaging event ${type ?? '(empty)'} is not normalized`,
    type,
    discriminator: scope.salt,
  });
}

function identity(scope: PageScope, metaId: string, discriminator?: string | number): EventIdentity {
  if (scope.salt === undefined) return { metaId, discriminator };
  return { metaId, discriminator: JSON.stringify([discriminator ?? null, scope.salt]) };
}
