import { EventSink } from './event-sink.ts';
import { normalizeFbe } from './fbe.normalizer.ts';
import { isRecord } from './meta-values.ts';
import type { NormalizeContext, NormalizeResult, WebhookRoute } from './normalize-context.ts';
import { normalizePageMessaging } from './page-messaging.normalizer.ts';
import { normalizeWhatsApp } from './whatsapp.normalizer.ts';

export { NormalizeContextError } from './event-sink.ts';
export type { NormalizeContext, NormalizeResult, WebhookRoute } from './normalize-context.ts';

const OBJECT_BY_ROUTE: Record<WebhookRoute, string> = {
  whatsapp: 'whatsapp_business_account',
  instagram: 'instagram',
  messenger: 'page',
  fbe: 'application',
};

/** What `object` each route accepts: whatsapp→'whatsapp_business_account', instagram→'instagram', messenger→'page', fbe→'application'. */
export function objectMatchesRoute(route: WebhookRoute, body: unknown): boolean {
  return isRecord(body) && body.object === OBJECT_BY_ROUTE[route];
}

/**
 * Turns one parsed webhook body into inbound events, in payload order. Pure apart from the context:
 * every entry, change, message, status and messaging item becomes an event, and anything not
 * understood or malformed becomes `unsupported` (with the fragment in `raw`) instead of throwing, so
 * one bad fragment never costs the others. A body without an `entry` array gives no events.
 *
 * Throws only NormalizeContextError, when a context dependency fails (integrations cache, token
 * encryption): the request should then fail so that Meta retries it.
 *
 * The body is not mutated, and events reference its fragments (`raw`) without copying, except FBE
 * fragments, which are copied to drop the access token: do not mutate the body after this call.
 */
export function normalizeWebhook(route: WebhookRoute, body: unknown, ctx: NormalizeContext): NormalizeResult {
  const sink = new EventSink(ctx);
  if (!isRecord(body) || !Array.isArray(body.entry)) return sink.result();
  switch (route) {
    case 'whatsapp':
      normalizeWhatsApp(body.entry, sink);
      break;
    case 'instagram':
    case 'messenger':
      normalizePageMessaging(route, body.entry, sink);
      break;
    case 'fbe':
      normalizeFbe(body.entry, sink);
      break;
  }
  return sink.result();
}
