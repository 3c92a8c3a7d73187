// A CRM-style consumer of the gateway's inbound topic, to copy from (docs/events.md explains the
// contract it relies on). It reads the normalized events, skips the ones it has already handled,
// answers each customer text with a text of its own through the admin API, and saves the media
// customers send (images, voice notes, documents) by downloading it through the gateway, which holds
// the Meta token (docs/events.md, "Media").
//
//   KAFKA_BROKERS=127.0.0.1:19092 GATEWAY_URL=http://127.0.0.1:3101 \
//   ADMIN_API_KEY=osk_dev-admin-key-for-local-development-only node examples/crm-consumer.ts
//
// Optional: KAFKA_TOPIC_INBOUND (default omnistream.inbound.v1), CRM_GROUP_ID (default
// crm-consumer-example; use your own, never one of the gateway's groups), CRM_FROM_BEGINNING=true
// (a new group reads the topic from its start instead of only new events), CRM_MEDIA_DIR (where
// media is saved; default: a new directory under the system's temp dir).
//
// It prints one JSON line per decision. Only kafkajs and Node's own fetch are used, so it carries
// over to any project; it reads process.env itself because it is a stand-alone program.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`set ${name} (see the header of this file)`);
  return value;
};

const brokers = env('KAFKA_BROKERS').split(',');
const topic = env('KAFKA_TOPIC_INBOUND', 'omnistream.inbound.v1');
const groupId = env('CRM_GROUP_ID', 'crm-consumer-example');
const fromBeginning = process.env.CRM_FROM_BEGINNING === 'true';
const gatewayUrl = env('GATEWAY_URL').replace(/\/$/, '');
const adminKey = env('ADMIN_API_KEY');
const mediaDir = process.env.CRM_MEDIA_DIR || mkdtempSync(join(tmpdir(), 'crm-media-'));
mkdirSync(mediaDir, { recursive: true });

const log = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** The fields of an inbound event this program reads (docs/asyncapi.yaml has all of them). */
interface InboundEvent {
  eventId: string;
  kind: string;
  channel: string;
  integrationId: string | null;
  contact?: { id: string; name?: string };
  occurredAt: string;
  history?: unknown;
  standby?: true;
  payload: {
    type?: string;
    text?: string;
    messageId?: string;
    groupId?: string;
    /** WhatsApp image, audio, video, document, sticker. */
    media?: { fetchPath?: string };
    /** Instagram / Messenger. */
    attachments?: { type: string; fetchPath?: string }[];
  };
}

/**
 * Event ids seen recently, oldest first (a Map keeps insertion order). It catches the common
 * duplicates, Meta's redeliveries and a replay after a rebalance, which arrive close together.
 * It is per process and forgotten on restart, and a bounded set also forgets old ids: a CRM that
 * stores events should put `eventId` under a UNIQUE constraint and insert with
 * `ON CONFLICT (event_id) DO NOTHING`, in the same transaction as its own writes. That is the
 * durable check; this one only saves work.
 */
class RecentIds {
  private readonly ids = new Map<string, true>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }

  /** True the first time an id is offered (until it falls out of the window). */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.set(id, true);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value as string);
    return true;
  }

  forget(id: string): void {
    this.ids.delete(id);
  }
}
const seen = new RecentIds(10_000);

/** WhatsApp refuses free-form replies once 24 hours have passed since the customer wrote. */
const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

function replyFor(event: InboundEvent): string | undefined {
  if (event.kind !== 'message' || event.payload.type !== 'text') return 'not a text message';
  // History syncs are old messages and standby events belong to another app: neither is answered.
  if (event.history !== undefined || event.standby) return 'history or standby';
  if (event.integrationId === null || !event.contact) return 'no integration serves this account';
  if (Date.now() - Date.parse(event.occurredAt) > REPLY_WINDOW_MS) return 'older than 24 hours';
  return undefined;
}

/** Thrown for answers worth retrying (Kafka redelivers the event: the offset is not committed). */
class RetryLater extends Error {}

/** The gateway's error body: `{"error":{"code":"GW_…","message":"…"}}` (docs/admin-api.md, Conventions). */
async function errorOf(response: Response): Promise<{ code?: string; message?: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  return body.error ?? {};
}

async function reply(event: InboundEvent): Promise<void> {
  // Derived from the event, so a second attempt at the same reply (after a crash, on another
  // replica) is the same command: the gateway answers it again instead of sending twice.
  const commandId = `crm-reply-${event.eventId}`;
  const groupId = event.payload.groupId;
  const body = {
    commandId,
    integrationId: event.integrationId,
    to: groupId ?? event.contact?.id,
    ...(groupId ? { recipientType: 'group' } : {}),
    replyTo: event.payload.messageId,
    message: {
      type: 'text',
      text: `Thanks${event.contact?.name ? `, ${event.contact.name}` : ''}! We got: "${event.payload.text}"`,
    },
  };
  const response = await fetch(`${gatewayUrl}/admin/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${adminKey}`,
      'content-type': 'application/json',
      'idempotency-key': commandId,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  }).catch((err: unknown) => {
    throw new RetryLater(`gateway unreachable: ${(err as Error).message}`);
  });
  const answer = await errorOf(response); // read in every case: it frees the connection
  if (response.status === 202) {
    const replayed = response.headers.get('idempotent-replayed') === 'true';
    log({ msg: 'replied', eventId: event.eventId, commandId, replayed });
    return;
  }
  // 429 (too many failed keys), 503 (Kafka or PostgreSQL unavailable) and 5xx pass: try again later.
  if (response.status === 429 || response.status >= 500) {
    throw new RetryLater(`gateway answered ${response.status} ${answer.code ?? ''}`);
  }
  // 400, 404 (no such integration), 409 (disabled): retrying cannot help; a person should look.
  log({
    msg: 'reply refused',
    eventId: event.eventId,
    status: response.status,
    code: answer.code,
    detail: answer.message,
  });
}

/**
 * The gateway paths of the media of a customer message. `fetchPath` is set only when an integration
 * serves the account; it is relative, so it works with whatever GATEWAY_URL reaches the gateway.
 */
function fetchPathsOf(event: InboundEvent): string[] {
  if (event.kind !== 'message') return [];
  const { media, attachments = [] } = event.payload;
  return [media?.fetchPath, ...attachments.map((a) => a.fetchPath)].filter((p) => p !== undefined);
}

/** `image/jpeg` → `.jpeg`, `application/pdf` → `.pdf`: enough for a file manager to open it. */
function extensionOf(contentType: string | null): string {
  const subtype = /^[a-z]+\/([a-z0-9]+)/i.exec(contentType ?? '')?.[1];
  return subtype ? `.${subtype.toLowerCase()}` : '.bin';
}

/**
 * Streams one media file from the gateway to CRM_MEDIA_DIR, hashing it on the way (never whole in
 * memory: a document may be 100 MB). The file appears under its final name only once complete.
 */
async function saveMedia(event: InboundEvent, fetchPath: string, index: number): Promise<void> {
  const response = await fetch(`${gatewayUrl}${fetchPath}`, {
    headers: { authorization: `Bearer ${adminKey}` },
    signal: AbortSignal.timeout(5 * 60_000),
  }).catch((err: unknown) => {
    throw new RetryLater(`gateway unreachable: ${(err as Error).message}`);
  });
  if (response.status !== 200 || !response.body) {
    const answer = await errorOf(response);
    // 429 and 503 (Meta throttles; the gateway says when in Retry-After) pass: try again later.
    if (response.status === 429 || response.status === 503) {
      throw new RetryLater(`gateway answered ${response.status} ${answer.code ?? ''}`);
    }
    // 404 (media id unknown or expired), 410 (CDN URL expired), 413 (too large), 502 (token refused):
    // fetching again cannot help; a person should look.
    log({
      msg: 'media failed',
      eventId: event.eventId,
      status: response.status,
      code: answer.code,
      detail: answer.message,
    });
    return;
  }
  const path = join(
    mediaDir,
    `${event.eventId}-${index}${extensionOf(response.headers.get('content-type'))}`,
  );
  const partial = `${path}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial),
    );
  } catch (err) {
    rmSync(partial, { force: true });
    // A connection cut mid-file (the gateway aborts when Meta's sha256 does not match): again later.
    throw new RetryLater(`download of ${fetchPath} broke off: ${(err as Error).message}`);
  }
  renameSync(partial, path);
  log({ msg: 'media saved', eventId: event.eventId, path, bytes, sha256: hash.digest('hex') });
}

const kafka = new Kafka({ clientId: 'crm-consumer-example', brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId });

async function main(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  consumer.on(consumer.events.GROUP_JOIN, () => log({ msg: 'consuming', topic, groupId }));
  await consumer.run({
    // Offsets are committed after eachMessage resolves; a RetryLater leaves this record (and the rest
    // of its partition, so one conversation stays in order) to be read again after a backoff.
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as InboundEvent | null;
      if (!event || typeof event.eventId !== 'string') return;
      if (!seen.firstTime(event.eventId)) {
        log({ msg: 'duplicate skipped', eventId: event.eventId });
        return;
      }
      try {
        for (const [index, fetchPath] of fetchPathsOf(event).entries())
          await saveMedia(event, fetchPath, index);
        const skip = replyFor(event);
        if (skip) {
          log({ msg: 'skipped', eventId: event.eventId, kind: event.kind, why: skip });
          return;
        }
        await reply(event);
      } catch (err) {
        // Not handled after all: let the redelivery through the duplicate check.
        seen.forget(event.eventId);
        throw err;
      }
    },
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    consumer.disconnect().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((err: unknown) => {
  log({ msg: 'stopped', error: (err as Error).message });
  process.exit(1);
});
