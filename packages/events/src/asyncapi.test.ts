import { readFileSync } from 'node:fs';
import { defaultTopics } from '@omnistream/kafka';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ASYNCAPI_FILE, generateAsyncApiYaml } from './asyncapi.ts';
import { INBOUND_EXAMPLES } from './asyncapi-inbound-examples.ts';
import { DLQ_EXAMPLES, SEND_COMMAND_EXAMPLES, SEND_RESULT_EXAMPLES } from './asyncapi-outbound-examples.ts';
import { DlqRecordSchema } from './dlq-record.ts';
import { eventId } from './event-id.ts';
import { INBOUND_EVENT_KINDS, InboundEventSchema } from './inbound-event.ts';
import { SendCommandSchema } from './send-command.ts';
import { SendResultSchema } from './send-result.ts';

const committedPath = new URL(`../../../${ASYNCAPI_FILE}`, import.meta.url);

/** Every `$ref` in the document, with the place it was found. */
function refsOf(node: unknown, path = '#'): { ref: string; at: string }[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${path}/${i}`));
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string'
      ? [{ ref: value, at: path }]
      : refsOf(value, `${path}/${key}`),
  );
}

function resolve(document: unknown, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
}

interface AsyncApiExample {
  payload: unknown;
  headers?: Record<string, string>;
}

describe('docs/asyncapi.yaml', () => {
  const generated = generateAsyncApiYaml();

  it('is what `pnpm asyncapi` generates from the zod schemas (run pnpm asyncapi after changing them)', () => {
    const committed = readFileSync(committedPath, 'utf8');
    // toEqual on the text shows the differing lines; the hint says how to fix it.
    expect(committed, 'docs/asyncapi.yaml is stale: run pnpm asyncapi').toEqual(generated);
  });

  it('is generated the same way twice (no dates, no random ids)', () => {
    expect(generateAsyncApiYaml()).toBe(generated);
  });

  const document = parse(generated) as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    operations: Record<string, { channel: { $ref: string }; messages: { $ref: string }[] }>;
    components: { messages: Record<string, { examples?: AsyncApiExample[] }> };
  };

  it('is AsyncAPI 3.0 with the four topics under their default names, and every $ref resolves', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual([
      defaultTopics.inbound,
      defaultTopics.outbound,
      defaultTopics.outboundResults,
      defaultTopics.outboundDlq,
    ]);
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(100);
    const dangling = refs.filter(({ ref }) => resolve(document, ref) === undefined);
    expect(dangling).toEqual([]);
    // An operation may only name messages of its own channel (AsyncAPI 3.0, Operation Object).
    for (const operation of Object.values(document.operations)) {
      for (const message of operation.messages)
        expect(message.$ref.startsWith(operation.channel.$ref)).toBe(true);
    }
  });

  it('every example in the document, read back from the YAML, passes its zod schema', () => {
    const schemaOf = (name: string) =>
      name.startsWith('InboundEvent')
        ? InboundEventSchema
        : name === 'SendCommand'
          ? SendCommandSchema
          : name === 'DeadLetter'
            ? DlqRecordSchema
            : SendResultSchema;
    let checked = 0;
    for (const [name, message] of Object.entries(document.components.messages)) {
      for (const example of message.examples ?? []) {
        const parsed = schemaOf(name).safeParse(example.payload);
        expect(parsed.error?.issues, `${name} example`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBe(
      INBOUND_EXAMPLES.length +
        SEND_COMMAND_EXAMPLES.length +
        SEND_RESULT_EXAMPLES.length +
        DLQ_EXAMPLES.length,
    );
  });

  it('has an example of every inbound event kind on the inbound channel', () => {
    const inbound = document.channels.inbound?.messages ?? {};
    expect(Object.keys(inbound)).toEqual([...INBOUND_EVENT_KINDS]);
    for (const kind of INBOUND_EVENT_KINDS) {
      const message = resolve(document, inbound[kind]?.$ref ?? '') as { examples?: AsyncApiExample[] };
      expect(message.examples?.length, `examples of ${kind}`).toBeGreaterThan(0);
      for (const example of message.examples ?? []) {
        expect((example.payload as { kind: string }).kind).toBe(kind);
        expect(example.headers?.['event-kind']).toBe(kind);
      }
    }
  });
});

describe('the examples of the contract', () => {
  it.each(INBOUND_EXAMPLES.map((example) => [example.event.kind, example] as const))(
    'inbound %s passes InboundEventSchema as JSON',
    (_kind, example) => {
      const parsed = InboundEventSchema.safeParse(JSON.parse(JSON.stringify(example.event)));
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data).toEqual(example.event);
    },
  );

  it("the message example's eventId is eventId() of Meta's wamid, as docs/events.md says", () => {
    const message = INBOUND_EXAMPLES.find((example) => example.event.kind === 'message')?.event;
    expect(message?.kind).toBe('message');
    if (message?.kind !== 'message') return;
    expect(eventId({ channel: message.channel, kind: 'message', metaId: message.payload.messageId })).toBe(
      message.eventId,
    );
  });

  it.each(SEND_COMMAND_EXAMPLES.map((example) => [example.summary, example.command] as const))(
    'send command passes SendCommandSchema: %s',
    (_summary, command) => {
      expect(SendCommandSchema.safeParse(command).error?.issues).toBeUndefined();
    },
  );

  it.each(SEND_RESULT_EXAMPLES.map((example) => [example.summary, example.result] as const))(
    'send result passes SendResultSchema: %s',
    (_summary, result) => {
      expect(SendResultSchema.safeParse(result).error?.issues).toBeUndefined();
    },
  );

  it.each(DLQ_EXAMPLES.map((example) => [example.summary, example.record] as const))(
    'dead letter passes DlqRecordSchema, and its command SendCommandSchema: %s',
    (_summary, record) => {
      expect(DlqRecordSchema.safeParse(record).error?.issues).toBeUndefined();
      expect(SendCommandSchema.safeParse(record.command).error?.issues).toBeUndefined();
    },
  );
});
