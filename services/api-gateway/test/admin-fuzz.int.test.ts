// Property-based fuzzing of every operation the gateway publishes in /openapi.json: bodies built
// from each operation's own JSON Schema with hostile values mixed in (NUL, lone surrogates, huge and
// deeply nested values, wrong types), hostile path parameters and query strings. Whatever arrives,
// the answer is never a 5xx: bad input is the client's error and must be said so.
import { useTestDatabase } from '@omnistream/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
}

// Each operation gets this many generated requests; the seed is logged by fast-check on failure.
const RUNS_PER_OPERATION = 30;

// A 5,000-deep value cannot go through JSON.stringify (it recurses): it travels as this marker
// and is spliced into the serialized body.
const DEEP = '\u0001deep\u0001';
const DEEP_JSON = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;

function serialize(body: unknown): string {
  return JSON.stringify(body).replaceAll(JSON.stringify(DEEP), DEEP_JSON);
}

/** encodeURIComponent refuses lone surrogates; send their (invalid) UTF-8 bytes instead. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Strings PostgreSQL, JSON, URLs and Meta's id rules each refuse in their own way. */
const hostileString = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '../../etc/passwd',
  '%00',
  "' OR 1=1 --",
  '👍🏽',
  '   ',
  '1e309',
  '-1',
  '99999999999999999999999999',
  'null',
  'x'.repeat(5_000),
);

const anyString = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  fc.constantFrom(null, true, -1, 0, 1.5, Number.MAX_SAFE_INTEGER, 1e308, [], {}),
  fc.constant(DEEP),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A value shaped by `schema` most of the time, a hostile one otherwise. */
function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileValue;
  const shaped = shapedBy(schema, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

function shapedBy(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (branches && branches.length > 0) return fc.oneof(...branches.map((b) => fromSchema(b, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const names = Object.keys(properties);
      if (names.length === 0) return fc.dictionary(anyString, hostileValue, { maxKeys: 3 });
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const name of names) record[name] = fromSchema(properties[name], depth + 1);
      // Required keys are sometimes dropped too: a missing field must be a 400, not a crash.
      return fc.record(record, { requiredKeys: [] });
    }
    case 'array':
      return fc.array(fromSchema(schema.items, depth + 1), { maxLength: 3 });
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1e300));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyString;
  }
}

function operations(spec: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      };
      found.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return found;
}

function pathParameter(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: anyString.filter((s) => s.length > 0) },
  );
}

describe('admin API fuzz: no operation in /openapi.json answers 5xx to any input (real PostgreSQL, broker, meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let ops: Operation[];
  const known: string[] = [];

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    const n = String(Math.floor(Math.random() * 1e9));
    world.sim.accounts.addWhatsAppNumber({
      phoneNumberId: `1065${n}`,
      wabaId: `1022${n}`,
      tokens: [`EAAGfuzz${n}`],
    });
    const wa = await world.gateway.integrations.create({
      channel: 'whatsapp',
      phoneNumberId: `1065${n}`,
      wabaId: `1022${n}`,
      token: `EAAGfuzz${n}`,
    });
    known.push(wa.id, `1065${n}`, 'whatsapp');
    const spec = await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    // /readyz answers 503 by design while a dependency is down (a consumer rejoining its group on a
    // busy machine): a readiness probe, not an input to fuzz.
    // GET /admin/stream is the console's event stream: it has no input, and an answer that never
    // ends (console-session.int.test.ts tests it).
    ops = operations(spec.json()).filter((o) => o.path !== '/readyz' && o.path !== '/admin/stream');
  }, 90_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('publishes the operations the fuzzer walks', () => {
    expect(ops.length).toBeGreaterThan(20);
    expect(ops.some((o) => o.path.startsWith('/admin/') && o.body)).toBe(true);
  });

  it('never answers 5xx', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of ops) {
      const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.tuple(...pathNames.map(() => pathParameter(known))),
        query: fc.tuple(...queryParams.map((p) => fc.option(fromSchema(p.schema), { nil: undefined }))),
        body: op.body ? fromSchema(op.body) : fc.constant(undefined),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async ({ path, query, body }) => {
            let url = op.path;
            pathNames.forEach((name, i) => {
              url = url.replace(`{${name}}`, encodeSegment(String(path[i])));
            });
            const search = new URLSearchParams();
            queryParams.forEach((p, i) => {
              const value = query[i];
              if (value !== undefined)
                search.set(p.name, typeof value === 'string' ? value : serialize(value));
            });
            const qs = search.toString();
            const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
            const response = await world.call(
              op.method,
              qs ? `${url}?${qs}` : url,
              hasBody ? serialize(body ?? {}) : undefined,
              hasBody ? { 'content-type': 'application/json' } : {},
            );
            sent++;
            if (response.status >= 500) {
              failures.push(`${op.method} ${url} → ${response.status} ${response.text.slice(0, 300)}`);
              return false;
            }
            return true;
          }),
          { numRuns: RUNS_PER_OPERATION, endOnFailure: true },
        )
        .catch((err: Error) => {
          if (!failures.some((f) => f.startsWith(`${op.method} ${op.path.split('{')[0]}`)))
            failures.push(`${op.method} ${op.path}: ${err.message.split('\n').slice(0, 6).join(' | ')}`);
        });
    }
    expect(failures).toEqual([]);
    // Every operation got its full share of requests (a property stops early only on a failure).
    expect(sent).toBe(ops.length * RUNS_PER_OPERATION);
  }, 300_000);
});
