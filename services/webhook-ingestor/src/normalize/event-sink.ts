import {
  attachmentFetchPath,
  type Contact,
  type EventChannel,
  eventId,
  type InboundEvent,
  type MessagingChannel,
  mediaFetchPath,
  SCHEMA_VERSION,
} from '@omnistream/events';
import { fragmentHash } from './meta-values.ts';
import type { NormalizeContext, NormalizeResult } from './normalize-context.ts';
import { stripSecrets } from './strip-secrets.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a normalizer builds it; the sink adds what is the same for the whole request. */
export type EventDraft = DistributiveOmit<
  InboundEvent,
  'schemaVersion' | 'eventId' | 'receivedAt' | 'integrationId'
>;

/** What `eventId()` hashes besides channel and kind (see packages/events/src/event-id.ts). */
export interface EventIdentity {
  metaId: string;
  discriminator?: string | number | undefined;
}

export interface UnsupportedDraft {
  channel: EventChannel;
  account: { id: string; wabaId?: string | undefined };
  contact?: Contact | undefined;
  /** Defaults to the request's receivedAt when the fragment has no usable timestamp. */
  occurredAt?: string | undefined;
  /** For humans: what was not understood and why. */
  reason: string;
  /** Meta's own name for the thing (change field, message type, messaging key). */
  type?: string | undefined;
  raw: unknown;
  /** Meta's id of the fragment when it has one; otherwise a hash of the account and the fragment. */
  metaId?: string | undefined;
  discriminator?: string | number | undefined;
}

/** Account id for fragments that do not say whose they are (an entry without `id`). */
export const UNKNOWN_ACCOUNT = 'unknown';

/** A fragment lacks something its event cannot do without (an id, a sender, a status). */
export class MalformedFragmentError extends Error {
  override name = 'MalformedFragmentError';
}

/**
 * A dependency in the NormalizeContext failed (token encryption, integrations cache). Never turned
 * into an `unsupported` event: answering 200 would make Meta drop the webhook (and an FBE token with
 * it), whereas letting it throw fails the request and Meta retries it.
 */
export class NormalizeContextError extends Error {
  override name = 'NormalizeContextError';
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new MalformedFragmentError(`${what} is missing or invalid`);
  return value;
}

/**
 * Sets `fetchPath` on the media of a message or echo: the gateway path that streams it with the
 * integration's token (docs/events.md, "Media"). Done here because the sink is the one place that knows
 * both the payload and the integration id. It writes into the draft's own media objects, which the
 * normalizer built for this event alone: no copy, no second pass over the events.
 */
function addFetchPaths(draft: EventDraft, integrationId: string): void {
  if (draft.kind !== 'message' && draft.kind !== 'echo') return;
  const payload = draft.payload;
  if ('media' in payload) {
    if (payload.media.id !== undefined)
      payload.media.fetchPath = mediaFetchPath(integrationId, payload.media.id);
  } else if (payload.type === 'attachment') {
    for (const attachment of payload.attachments) {
      // A `fallback` attachment is a shared link to any web page, not a file on Meta's CDN: the
      // gateway would refuse to fetch it (docs/events.md, "Media").
      if (attachment.url !== undefined && attachment.type !== 'fallback')
        attachment.fetchPath = attachmentFetchPath(integrationId, attachment.url);
    }
  }
}

/**
 * Collects the events of one webhook request. Builds them as plain objects, without validation: this
 * runs for every webhook at thousands per second, so correctness is the normalizers' typing plus the
 * unit tests, which parse every produced event with InboundEventSchema.
 */
export class EventSink {
  readonly #ctx: NormalizeContext;
  readonly #events: InboundEvent[] = [];
  #unknownAccounts = 0;

  constructor(ctx: NormalizeContext) {
    this.#ctx = ctx;
  }

  get receivedAt(): string {
    return this.#ctx.receivedAt;
  }

  emit(draft: EventDraft, identity: EventIdentity): void {
    const id = eventId({
      channel: draft.channel,
      kind: draft.kind,
      metaId: identity.metaId,
      discriminator: identity.discriminator,
    });
    // FBE installs are routed by external business id, not through an integration (events package).
    const integrationId =
      draft.channel === 'fbe' ? null : this.#integrationIdFor(draft.channel, draft.account.id);
    if (integrationId === null && draft.channel !== 'fbe') this.#unknownAccounts++;
    else if (integrationId !== null) addFetchPaths(draft, integrationId);
    this.#events.push({
      schemaVersion: SCHEMA_VERSION,
      eventId: id,
      ...draft,
      integrationId,
      receivedAt: this.#ctx.receivedAt,
    } as InboundEvent);
  }

  unsupported(u: UnsupportedDraft): void {
    // Unsupported fragments are by definition shapes nobody reviewed: strip credentials defensively.
    const raw = stripSecrets(u.raw);
    this.emit(
      {
        kind: 'unsupported',
        channel: u.channel,
        account: u.account,
        contact: u.contact,
        occurredAt: u.occurredAt ?? this.#ctx.receivedAt,
        payload: { reason: u.reason, type: u.type },
        raw: raw === undefined ? null : raw,
      },
      {
        metaId: u.metaId ?? fragmentHash([u.channel, u.account.id, raw]),
        discriminator: u.discriminator,
      },
    );
  }

  /**
   * Publishes a fragment that could not be normalized as `unsupported`, so that one bad fragment never
   * costs the others in the same webhook. Rethrows context failures (see NormalizeContextError).
   */
  malformed(error: unknown, what: string, u: Omit<UnsupportedDraft, 'reason'>): void {
    if (error instanceof NormalizeContextError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    const reason =
      error instanceof MalformedFragmentError
        ? `malformed ${what}: ${detail}`
        : `could not normalize ${what}: ${detail}`;
    this.unsupported({ ...u, reason });
  }

  encryptToken(token: string): { ciphertext: string; keyId: string; last4: string } {
    try {
      return this.#ctx.encryptToken(token);
    } catch (cause) {
      throw new NormalizeContextError('encryptToken failed', { cause });
    }
  }

  /** How many events were collected so far (see markStandby). */
  get size(): number {
    return this.#events.length;
  }

  /** Flags the events collected since `from` as delivered through `standby[]` (handover protocol). */
  markStandby(from: number): void {
    for (let i = from; i < this.#events.length; i++) (this.#events[i] as InboundEvent).standby = true;
  }

  result(): NormalizeResult {
    return { events: this.#events, unknownAccounts: this.#unknownAccounts };
  }

  #integrationIdFor(channel: MessagingChannel, accountId: string): string | null {
    try {
      return this.#ctx.integrationIdFor(channel, accountId);
    } catch (cause) {
      throw new NormalizeContextError('integrationIdFor failed', { cause });
    }
  }
}
