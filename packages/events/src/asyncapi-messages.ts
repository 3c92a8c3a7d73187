import { INBOUND_EXAMPLES } from './asyncapi-inbound-examples.ts';
import { DLQ_EXAMPLES, SEND_COMMAND_EXAMPLES, SEND_RESULT_EXAMPLES } from './asyncapi-outbound-examples.ts';
import { inboundComponentId, type JsonSchema } from './asyncapi-schemas.ts';
import { INBOUND_EVENT_KINDS } from './inbound-event.ts';
import { commandKey, inboundKey } from './keys.ts';
import type { SendCommand } from './send-command.ts';

/** The AsyncAPI message objects of the four topics, keyed by component name. */
export type MessageObjects = Record<string, JsonSchema>;

const KAFKA_BINDING_VERSION = '0.5.0';
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const INBOUND_KEY = {
  type: 'string',
  description:
    "`channel:accountId:contactId` (one customer's conversation); `channel:accountId:group:groupId` for a WhatsApp group; the account id alone for events without a contact (templates, FBE). One key stays on one partition, in order.",
};
const COMMAND_KEY = {
  type: 'string',
  description:
    "`integrationId:to`, as the command it answers or carries: one recipient's commands, results and dead letters stay on one partition, in order. A dead letter of a command that was not valid keeps the key it was produced with (possibly none).",
};

/** Headers the ingestor sets on every inbound record (also on records that went through the spool). */
function inboundHeaders(kind: string): JsonSchema {
  return {
    type: 'object',
    properties: {
      'event-id': { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'The `eventId` of the value.' },
      'event-kind': {
        type: 'string',
        const: kind,
        description: 'The `kind` of the value: filter without parsing.',
      },
      'schema-version': {
        type: 'string',
        const: '1',
        description: 'The `schemaVersion` of the value, as text.',
      },
    },
    required: ['event-id', 'event-kind', 'schema-version'],
  };
}

const COMMAND_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    'omnistream-replay-of': {
      type: 'string',
      description:
        'Set only on commands replayed from the dead letters (`POST /admin/dlq/replay`): the comma-separated ids of the dead letters replayed. For tracing; the sender ignores it.',
    },
  },
};

function inboundMessages(): MessageObjects {
  const messages: MessageObjects = {};
  for (const kind of INBOUND_EVENT_KINDS) {
    const examples = INBOUND_EXAMPLES.filter((example) => example.event.kind === kind);
    messages[inboundComponentId(kind)] = {
      name: kind,
      title: `Inbound event: ${kind}`,
      contentType: 'application/json',
      headers: inboundHeaders(kind),
      payload: ref(inboundComponentId(kind)),
      bindings: { kafka: { key: INBOUND_KEY, bindingVersion: KAFKA_BINDING_VERSION } },
      examples: examples.map(({ summary, fixture, event }) => ({
        name: fixture.replace(/\.json$/, ''),
        summary: `${summary} (normalized from the Meta webhook fixture ${fixture}).`,
        headers: { 'event-id': event.eventId, 'event-kind': event.kind, 'schema-version': '1' },
        payload: event,
        'x-kafka-key': inboundKey(event),
      })),
    };
  }
  return messages;
}

function outboundMessages(): MessageObjects {
  const keyed = (command: Pick<SendCommand, 'integrationId' | 'to'>) => ({
    'x-kafka-key': commandKey(command),
  });
  const kafka = { kafka: { key: COMMAND_KEY, bindingVersion: KAFKA_BINDING_VERSION } };
  return {
    SendCommand: {
      name: 'sendCommand',
      title: 'Send command',
      contentType: 'application/json',
      headers: COMMAND_HEADERS,
      payload: ref('SendCommand'),
      bindings: kafka,
      examples: SEND_COMMAND_EXAMPLES.map(({ summary, command }, index) => ({
        name: `command-${index + 1}`,
        summary,
        payload: command,
        ...keyed(command),
      })),
    },
    SendResultSent: {
      name: 'sent',
      title: 'Send result: sent',
      contentType: 'application/json',
      payload: ref('SendResultSent'),
      bindings: kafka,
      examples: SEND_RESULT_EXAMPLES.filter(({ result }) => result.outcome === 'sent').map(
        ({ summary, result }) => ({ name: 'sent', summary, payload: result, ...keyed(result) }),
      ),
    },
    SendResultFailed: {
      name: 'failed',
      title: 'Send result: failed',
      contentType: 'application/json',
      payload: ref('SendResultFailed'),
      bindings: kafka,
      examples: SEND_RESULT_EXAMPLES.filter(({ result }) => result.outcome === 'failed').map(
        ({ summary, result }) => ({ name: 'failed', summary, payload: result, ...keyed(result) }),
      ),
    },
    DeadLetter: {
      name: 'deadLetter',
      title: 'Dead letter',
      contentType: 'application/json',
      payload: ref('DlqRecord'),
      bindings: kafka,
      examples: DLQ_EXAMPLES.map(({ summary, record }, index) => ({
        name: `dead-letter-${index + 1}`,
        summary,
        payload: record,
        ...keyed(record.command as SendCommand),
      })),
    },
  };
}

export function messageObjects(): MessageObjects {
  return { ...inboundMessages(), ...outboundMessages() };
}
