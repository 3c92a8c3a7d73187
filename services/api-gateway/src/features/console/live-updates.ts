import type { InboundEventOf } from '@omnistream/events';
import { AppError } from '@omnistream/service-kit';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { type AdminAuthDeps, credentialStillValid } from '../../shared/admin-auth.ts';

/** What the stream tells: something to show changed in a conversation (fetch it again to see it). */
export type LiveUpdate =
  | { type: 'message'; integrationId: string; contactId: string; messageId: string }
  | { type: 'status'; integrationId: string; contactId: string; messageId: string; status: string };

export interface LiveUpdates {
  publish(update: LiveUpdate): void;
  /** Open streams now. */
  readonly open: number;
  routes(app: AdminApp): void;
  /** Ends every stream (at shutdown, before the server waits for its connections). */
  closeAll(): void;
  /** Inbound-event handlers feeding the stream (after the message log stored the message). */
  onMessage(event: InboundEventOf<'message'> | InboundEventOf<'echo'>): void;
  onStatus(event: InboundEventOf<'status'>): Promise<void>;
}

/** A comment line every 20 s keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events for the console (docs/console.md, "Live updates"): one stream per open console,
 * at most `maxStreams` at once (503 beyond). Each event only names the conversation and the message;
 * the console fetches the conversation again through the admin API, so the stream carries nothing
 * the admin API would not show. Fed by this replica's inbound-events consumer: with several gateway
 * replicas a console hears the events of the partitions its replica reads, and its periodic refresh
 * shows the rest.
 */
export function createLiveUpdates(deps: {
  maxStreams: number;
  registry?: Registry;
  /** Checks, at every heartbeat, that the stream's session or key still holds. */
  auth?: AdminAuthDeps;
  /** Default 20 s. */
  heartbeatMs?: number;
}): LiveUpdates {
  const streams = new Set<(chunk: string) => void>();
  new Gauge({
    name: 'omnistream_gateway_live_streams',
    help: 'Open live update streams (GET /admin/stream); at most CONSOLE_MAX_STREAMS',
    registers: deps.registry ? [deps.registry] : [],
    collect() {
      this.set(streams.size);
    },
  });
  const enders = new Set<() => void>();
  const send = (update: LiveUpdate) => {
    const chunk = `event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`;
    for (const write of streams) write(chunk);
  };
  const live: LiveUpdates = {
    publish: send,
    get open() {
      return streams.size;
    },
    closeAll() {
      for (const end of [...enders]) end();
    },
    onMessage(event) {
      if (!event.integrationId || !event.contact) return;
      send({
        type: 'message',
        integrationId: event.integrationId,
        contactId: event.contact.id,
        messageId: event.payload.messageId,
      });
    },
    async onStatus(event) {
      if (!event.integrationId || !event.contact) return;
      send({
        type: 'status',
        integrationId: event.integrationId,
        contactId: event.contact.id,
        messageId: event.payload.messageId,
        status: event.payload.status,
      });
    },
    routes(app) {
      // Before the server waits for its connections to end: a stream never ends by itself.
      app.addHook('preClose', async () => live.closeAll());
      app.get(
        '/stream',
        {
          schema: {
            tags: ['console'],
            summary: 'Live updates as server-sent events: a message or a status arrived in a conversation',
            description:
              '`text/event-stream` with `message` and `status` events, each `{type, integrationId, ' +
              'contactId, messageId[, status]}`; fetch the conversation to see what changed. 503 ' +
              'when CONSOLE_MAX_STREAMS streams are open.',
            produces: ['text/event-stream'],
            response: { 200: z.string().describe('the event stream') },
          },
        },
        async (request, reply) => {
          if (streams.size >= deps.maxStreams) {
            throw new AppError('GW_UNAVAILABLE', `${deps.maxStreams} live update streams are open already`, {
              status: 503,
              headers: { 'retry-after': '10' },
            });
          }
          reply.hijack();
          const res = reply.raw;
          res.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-store',
            'x-accel-buffering': 'no',
            // The connection ends with the stream: at shutdown it is not left open as keep-alive.
            connection: 'close',
          });
          const write = (chunk: string) => {
            res.write(chunk);
          };
          // Every heartbeat also asks whether the session or key still holds: a signed-out session or
          // a revoked key loses its stream within one interval, on every replica.
          const heartbeat = setInterval(() => {
            write(': keep-alive\n\n');
            if (deps.auth)
              void credentialStillValid(request, deps.auth).then(
                (valid) => {
                  if (!valid) {
                    request.log.info('live update stream ended: its session or key no longer holds');
                    end();
                  }
                },
                (err) => request.log.warn({ err }, 'live update stream: could not check its credential'),
              );
          }, deps.heartbeatMs ?? HEARTBEAT_MS);
          heartbeat.unref();
          const end = () => {
            clearInterval(heartbeat);
            streams.delete(write);
            enders.delete(end);
            if (!res.writableEnded) res.end();
          };
          streams.add(write);
          enders.add(end);
          request.raw.once('close', end);
          res.once('error', end);
          write('retry: 3000\n: connected\n\n');
          request.log.debug({ open: streams.size }, 'live update stream opened');
        },
      );
    },
  };
  return live;
}
