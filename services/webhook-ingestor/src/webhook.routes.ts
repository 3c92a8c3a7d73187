import type { Logger } from '@omnistream/logger';
import { AppError, collectGarbage, parseJsonBounded } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { EventPublisher } from './event-publisher.ts';
import type { IngestorMetrics } from './metrics.ts';
import {
  type NormalizeContext,
  NormalizeContextError,
  normalizeWebhook,
  objectMatchesRoute,
  type WebhookRoute,
} from './normalize/index.ts';
import { checkSignature, safeEqual } from './signature.ts';

export const WEBHOOK_ROUTES: readonly WebhookRoute[] = ['whatsapp', 'instagram', 'messenger', 'fbe'];

export interface WebhookRoutesOptions {
  verifyToken: string;
  /** Secrets a route's signature may be made with (Instagram Login apps sign with their own). */
  secretsFor(route: WebhookRoute): readonly string[];
  publisher: Pick<EventPublisher, 'publish'>;
  normalizeContext(): NormalizeContext;
  metrics: IngestorMetrics;
  logger: Logger;
}

interface VerifyQuery {
  'hub.mode'?: string;
  'hub.verify_token'?: string;
  'hub.challenge'?: string;
}

const MAX_CHALLENGE_LENGTH = 512;

/** A body this large leaves tens of MB of short-lived copies behind (parsed tree, event JSON, requests). */
const LARGE_BODY_BYTES = 1024 * 1024;
/**
 * After a large webhook, its copies are garbage at once; V8 would only notice at its next full
 * collection, while the next large webhook adds its own. With `--expose-gc` (pnpm
 * start:webhook-ingestor sets it), collect now, off the request's path.
 */
function collectAfterLargeBody(): void {
  collectGarbage('major');
}

export function registerWebhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): void {
  const { metrics } = options;

  for (const route of WEBHOOK_ROUTES) {
    const path = `/webhook/${route}`;

    // Meta's subscription check: echo hub.challenge when hub.verify_token is ours.
    app.get<{ Querystring: VerifyQuery }>(path, async (request, reply) => {
      const query = request.query;
      const mode = query['hub.mode'];
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      if (
        typeof mode !== 'string' ||
        typeof token !== 'string' ||
        typeof challenge !== 'string' ||
        challenge === ''
      ) {
        throw new AppError('GW_BAD_REQUEST', 'hub.mode, hub.verify_token and hub.challenge are required', {
          status: 400,
        });
      }
      if (challenge.length > MAX_CHALLENGE_LENGTH) {
        throw new AppError('GW_BAD_REQUEST', 'hub.challenge is too long', { status: 400 });
      }
      if (mode !== 'subscribe' || !safeEqual(token, options.verifyToken)) {
        request.log.warn({ channel: route }, 'webhook verification refused: wrong hub.mode or verify token');
        throw new AppError('GW_VERIFY_TOKEN_MISMATCH', 'verification refused', { status: 403 });
      }
      request.log.info({ channel: route }, 'webhook subscription verified');
      return reply.type('text/plain; charset=utf-8').send(challenge);
    });

    app.post(path, async (request, reply) => {
      const raw = request.body;
      if (!Buffer.isBuffer(raw)) {
        metrics.requests.inc({ channel: route, outcome: 'unsupported_media_type' });
        throw new AppError('GW_UNSUPPORTED_MEDIA_TYPE', 'unsupported content type; send application/json', {
          status: 415,
        });
      }
      const header = request.headers['x-hub-signature-256'];
      const verdict = checkSignature(
        raw,
        Array.isArray(header) ? header[0] : header,
        options.secretsFor(route),
      );
      if (verdict !== 'valid') {
        metrics.requests.inc({ channel: route, outcome: 'signature' });
        metrics.signatureFailures.inc({ channel: route, reason: verdict });
        request.log.warn({ channel: route, reason: verdict }, 'signature mismatch');
        throw new AppError('GW_SIGNATURE_MISMATCH', 'invalid or missing X-Hub-Signature-256', {
          status: 401,
        });
      }

      let body: unknown;
      try {
        // Depth first: the normalizers and the event serializer recurse (see MAX_JSON_DEPTH).
        body = parseJsonBounded(raw);
      } catch (err) {
        metrics.requests.inc({ channel: route, outcome: 'invalid_json' });
        throw err;
      }
      if (!objectMatchesRoute(route, body)) {
        metrics.requests.inc({ channel: route, outcome: 'object_mismatch' });
        const object = (body as { object?: unknown } | null)?.object;
        throw new AppError(
          'GW_OBJECT_MISMATCH',
          `payload object ${JSON.stringify(object ?? null)} does not belong to ${path}`,
          {
            status: 400,
          },
        );
      }

      let normalized: ReturnType<typeof normalizeWebhook>;
      try {
        normalized = normalizeWebhook(route, body, options.normalizeContext());
      } catch (err) {
        if (!(err instanceof NormalizeContextError)) throw err;
        // Encryption or the integrations cache failed: fail the request so Meta redelivers it,
        // rather than acknowledge a webhook whose token could not be kept.
        metrics.requests.inc({ channel: route, outcome: 'unavailable' });
        throw new AppError('GW_UNAVAILABLE', 'webhook could not be processed; retry later', {
          status: 503,
          cause: err,
          headers: { 'retry-after': '5' },
        });
      }
      const { events, unknownAccounts } = normalized;
      let destination: string;
      try {
        destination = await options.publisher.publish(events);
      } catch (err) {
        metrics.requests.inc({ channel: route, outcome: 'unavailable' });
        throw err;
      }
      metrics.requests.inc({ channel: route, outcome: destination });
      if (unknownAccounts > 0) metrics.unknownAccounts.inc({ channel: route }, unknownAccounts);
      for (const e of events) metrics.events.inc({ channel: e.channel, kind: e.kind });
      request.log.debug({ channel: route, events: events.length, destination }, 'webhook accepted');
      if (raw.length >= LARGE_BODY_BYTES) collectAfterLargeBody();
      return reply.status(200).type('text/plain; charset=utf-8').send('EVENT_RECEIVED');
    });
  }
}
