import { readdirSync, readFileSync } from 'node:fs';
import { type InboundEvent, type InboundEventOf, InboundEventSchema } from '@omnistream/events';
import { expect } from 'vitest';
import { normalizeWebhook } from './index.ts';
import type { NormalizeContext, NormalizeResult, WebhookRoute } from './normalize-context.ts';

/** Test helpers for the normalizer tests (not used by production code). */

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
export const RECEIVED_AT = '2025-06-09T12:00:00.000Z';

/** Fixture files that are Meta webhook bodies (not signature or Graph API samples). */
export function webhookFixtureNames(prefix = ''): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json') && name.startsWith(prefix))
    .filter((name) => !name.startsWith('signature-') && !name.startsWith('graph-'))
    .sort();
}

/** WhatsApp fixtures of Meta's 2026 platform (BSUID, coexistence, groups, calls, preferences): their own test. */
export function isWhatsApp2026Fixture(name: string): boolean {
  return /^whatsapp-(bsuid-|smb-|history|group-|calls-|user-preferences-|status-played|system-user-changed-user-id|user-id-update)/.test(
    name,
  );
}

/** WhatsApp fixtures of statuses, batches, errors and account-level changes; the others hold one message. */
export function isWhatsAppChangeFixture(name: string): boolean {
  return (
    !isWhatsApp2026Fixture(name) &&
    /^whatsapp-(batch|status-|value-errors|template-|account-update-)/.test(name)
  );
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** A fresh parse per call, as the ingestor parses every request afresh. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export function routeOf(body: unknown): WebhookRoute {
  const object = (body as { object?: unknown }).object;
  switch (object) {
    case 'whatsapp_business_account':
      return 'whatsapp';
    case 'instagram':
      return 'instagram';
    case 'page':
      return 'messenger';
    case 'application':
      return 'fbe';
    default:
      throw new Error(`fixture with unexpected object ${String(object)}`);
  }
}

export interface FakeContext extends NormalizeContext {
  encrypted: string[];
}

/** Known accounts map `channel:accountId` to an integration id; everything else is unknown. */
export function fakeContext(known: Record<string, string> = {}): FakeContext {
  const encrypted: string[] = [];
  return {
    receivedAt: RECEIVED_AT,
    integrationIdFor: (channel, accountId) => known[`${channel}:${accountId}`] ?? null,
    encryptToken: (token) => {
      encrypted.push(token);
      return {
        ciphertext: `v1.${Buffer.from(token).toString('base64url')}.sealed`,
        keyId: 'k2025',
        last4: token.slice(-4),
      };
    },
    encrypted,
  };
}

/** Normalizes a body and checks every event against the published schema, as a consumer would. */
export function normalize(
  body: unknown,
  ctx: NormalizeContext = fakeContext(),
  route = routeOf(body),
): NormalizeResult {
  const result = normalizeWebhook(route, body, ctx);
  for (const [index, event] of result.events.entries()) {
    const parsed = InboundEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
    expect(parsed.error?.issues, `event ${index} (${event.kind}) fails InboundEventSchema`).toBeUndefined();
  }
  return result;
}

export function normalizeFixture(name: string, ctx?: NormalizeContext): InboundEvent[] {
  return normalize(fixture(name), ctx).events;
}

/** The only event of a fixture, narrowed to the expected kind. */
export function single<K extends InboundEvent['kind']>(events: InboundEvent[], kind: K): InboundEventOf<K> {
  expect(events.map((e) => e.kind)).toEqual([kind]);
  return events[0] as InboundEventOf<K>;
}
