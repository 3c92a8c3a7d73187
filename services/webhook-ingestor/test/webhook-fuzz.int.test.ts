// Property-based fuzzing of the webhook routes with validly signed bodies: every real payload in
// test/fixtures, mutated (values replaced by hostile ones, keys dropped, arrays emptied), plus
// arbitrary JSON. A signed webhook is Meta speaking, so whatever its shape the answer is 200 (the
// events, `unsupported` where a fragment is not understood, are on Kafka) or a 400 naming what is
// wrong with the body; never a 5xx, which Meta would retry for days.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testKafka, uniqueTopic, useTestDatabase } from '@omnistream/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../src/signature.ts';
import { APP_SECRET, startIngestor, type TestIngestor } from './harness.ts';

const ROUTE_BY_OBJECT: Record<string, string> = {
  whatsapp_business_account: 'whatsapp',
  instagram: 'instagram',
  page: 'messenger',
  application: 'fbe',
};

const fixturesDir = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as unknown)
  .filter((body): body is { object: string } => {
    const object = (body as { object?: unknown } | null)?.object;
    return typeof object === 'string' && object in ROUTE_BY_OBJECT;
  });

const DEEP = '\u0001deep\u0001';
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    '\uD800',
    'x'.repeat(10_000),
    '-1',
    '1e309',
    null,
    0,
    -1,
    1e308,
    true,
    [],
    {},
    DEEP,
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation = { at: number; action: 'replace' | 'delete' | 'empty'; value: unknown };

/** Applies each mutation to the node with that index in a depth-first walk of `body`. */
function mutate(body: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(body);
  for (const m of mutations) {
    const parents: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        parents.push({
          parent: node as Record<string, unknown>,
          key: Array.isArray(node) ? Number(key) : key,
        });
        walk(child);
      }
    };
    walk(copy);
    const target = parents[m.at % Math.max(parents.length, 1)];
    if (!target) continue;
    const { parent, key } = target;
    if (m.action === 'delete' && !Array.isArray(parent)) delete parent[key as string];
    else if (m.action === 'empty') (parent as Record<string | number, unknown>)[key] = [];
    else (parent as Record<string | number, unknown>)[key] = m.value;
  }
  return copy;
}

describe('webhook fuzz: signed, mutated Meta payloads never get a 5xx (real broker, PostgreSQL)', () => {
  const db = useTestDatabase();
  let ingestor: TestIngestor;

  beforeAll(async () => {
    const topic = await uniqueTopic({ label: 'fuzz' });
    ingestor = await startIngestor({ brokers: testKafka().brokers, topic, pool: db.pool });
  }, 60_000);

  afterAll(async () => {
    await ingestor?.close();
  });

  it('answers 200 or 400 to every signed body', async () => {
    expect(fixtures.length).toBeGreaterThan(80);
    const statuses = new Map<number, number>();
    const request = fc.record({
      fixture: fc.nat({ max: fixtures.length - 1 }),
      mutations: fc.array(
        fc.record({
          at: fc.nat(),
          action: fc.constantFrom('replace', 'replace', 'delete', 'empty'),
          value: hostile,
        }) as fc.Arbitrary<Mutation>,
        { minLength: 1, maxLength: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ fixture, mutations }) => {
        const original = fixtures[fixture] as { object: string };
        const route = ROUTE_BY_OBJECT[original.object];
        const body = JSON.stringify(mutate(original, mutations)).replaceAll(
          JSON.stringify(DEEP),
          `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
        );
        const response = await ingestor.app.inject({
          method: 'POST',
          url: `/webhook/${route}`,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
          payload: body,
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        return response.statusCode === 200 || response.statusCode === 400;
      }),
      { numRuns: 600 },
    );
    // Most mutated payloads are still Meta's shape and must be accepted, not refused wholesale.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(300);
  }, 120_000);
});
