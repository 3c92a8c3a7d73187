import { defaultPartitions, defaultTopics, type TopicNames, type TopicRole } from '@omnistream/kafka';
import { Document } from 'yaml';
import { messageObjects } from './asyncapi-messages.ts';
import { componentSchemas, inboundComponentId, type JsonSchema } from './asyncapi-schemas.ts';
import { INBOUND_EVENT_KINDS } from './inbound-event.ts';
import { SCHEMA_VERSION } from './primitives.ts';

/**
 * docs/asyncapi.yaml, the published contract of the four topics, generated from the zod schemas so
 * that it cannot drift from what the services validate. `pnpm asyncapi` writes it; asyncapi.test.ts
 * fails when the committed file differs. Not exported from index.ts: the services never need it, and
 * its YAML dependency is a development one.
 */

export const ASYNCAPI_FILE = 'docs/asyncapi.yaml';

export interface AsyncApiTopology {
  topics: TopicNames;
  partitions: Record<TopicRole, number>;
}

const KAFKA_BINDING_VERSION = '0.5.0';

interface ChannelSpec {
  role: TopicRole;
  variable: string;
  title: string;
  description: string;
  /** Channel message key → component message name. */
  messages: Record<string, string>;
}

const CHANNELS: readonly ChannelSpec[] = [
  {
    role: 'inbound',
    variable: 'KAFKA_TOPIC_INBOUND',
    title: 'Inbound events',
    description:
      "Every message, status, postback, reaction, template and FBE change from Meta's webhooks, normalized. Written by the webhook-ingestor once the webhook's signature checked out; read by your consumers, the message-sender (statuses, marketing preferences) and the api-gateway (template_status, fbe_install, fbe_uninstall). At least once: deduplicate on `eventId`.",
    messages: Object.fromEntries(INBOUND_EVENT_KINDS.map((kind) => [kind, inboundComponentId(kind)])),
  },
  {
    role: 'outbound',
    variable: 'KAFKA_TOPIC_OUTBOUND',
    title: 'Send commands',
    description:
      'Messages to send through the Graph API. Written by the api-gateway (`POST /admin/messages`, dead-letter replays) and by your producers; read by the message-sender. A command that does not parse goes to the dead letters as `invalid`. `commandId` is the idempotency key: a command redelivered or produced again with the same id is not sent twice.',
    messages: { sendCommand: 'SendCommand' },
  },
  {
    role: 'outboundResults',
    variable: 'KAFKA_TOPIC_OUTBOUND_RESULTS',
    title: 'Send results',
    description:
      "One record per command the message-sender finished: `sent` with Meta's message id, or `failed` with the classified error. Delivery and read receipts come later, as `status` events on the inbound topic, with `payload.messageId` equal to `metaMessageId`.",
    messages: { sent: 'SendResultSent', failed: 'SendResultFailed' },
  },
  {
    role: 'outboundDlq',
    variable: 'KAFKA_TOPIC_OUTBOUND_DLQ',
    title: 'Dead letters',
    description:
      "Commands that could not be sent, with every attempt's error. Written by the message-sender; mirrored by the api-gateway into a table (`GET /admin/dlq`, `POST /admin/dlq/replay`).",
    messages: { deadLetter: 'DeadLetter' },
  },
];

interface OperationSpec {
  id: string;
  action: 'send' | 'receive';
  role: TopicRole;
  summary: string;
}

const OPERATIONS: readonly OperationSpec[] = [
  {
    id: 'publishInboundEvents',
    action: 'send',
    role: 'inbound',
    summary: 'The webhook-ingestor publishes each normalized event, keyed by conversation, with acks=all.',
  },
  {
    id: 'produceSendCommands',
    action: 'send',
    role: 'outbound',
    summary:
      'The api-gateway queues commands from POST /admin/messages and dead-letter replays (your producers may too).',
  },
  {
    id: 'consumeSendCommands',
    action: 'receive',
    role: 'outbound',
    summary:
      'The message-sender sends each command, in order per recipient (consumer group SENDER_GROUP_ID).',
  },
  {
    id: 'publishSendResults',
    action: 'send',
    role: 'outboundResults',
    summary: 'The message-sender publishes the outcome of each command.',
  },
  {
    id: 'publishDeadLetters',
    action: 'send',
    role: 'outboundDlq',
    summary: 'The message-sender dead-letters commands it cannot send.',
  },
];

export function buildAsyncApiDocument(topology: AsyncApiTopology): JsonSchema {
  const channels: JsonSchema = {};
  for (const spec of CHANNELS) {
    const topic = topology.topics[spec.role];
    channels[spec.role] = {
      address: topic,
      title: spec.title,
      description: `${spec.description}\n\nTopic name: \`${topic}\` by default, set by \`${spec.variable}\`. ${topology.partitions[spec.role]} partitions when \`pnpm topics:create\` creates it.`,
      messages: Object.fromEntries(
        Object.entries(spec.messages).map(([key, id]) => [key, { $ref: `#/components/messages/${id}` }]),
      ),
      bindings: {
        kafka: { topic, partitions: topology.partitions[spec.role], bindingVersion: KAFKA_BINDING_VERSION },
      },
    };
  }
  const operations: JsonSchema = {};
  for (const op of OPERATIONS) {
    const spec = CHANNELS.find((channel) => channel.role === op.role);
    operations[op.id] = {
      action: op.action,
      channel: { $ref: `#/channels/${op.role}` },
      summary: op.summary,
      messages: Object.keys(spec?.messages ?? {}).map((key) => ({
        $ref: `#/channels/${op.role}/messages/${key}`,
      })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'OmniStream Gateway event contract',
      version: String(SCHEMA_VERSION),
      description:
        'The records the gateway reads and writes on Kafka. Every value is UTF-8 JSON and carries `schemaVersion`; within a version, changes are additive only (new optional fields, new kinds, new enum values), so a consumer must ignore fields and kinds it does not know. Identity, deduplication, ordering and headers are explained in docs/events.md. Generated from the zod schemas in packages/events by `pnpm asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description:
          'Your brokers, as in KAFKA_BROKERS (comma-separated host:port). TLS and SASL as in the README, "Managed Kafka (TLS, SASL)".',
      },
    },
    channels,
    operations,
    components: { schemas: componentSchemas(), messages: messageObjects() },
  };
}

/**
 * Deterministic YAML: key order is the builder's, no anchors, fixed line width. Written with YAML
 * 1.1's scalar rules, so that strings such as `2025-06-08T20:59:43.000Z` or `on` come out quoted and
 * stay strings in 1.1 parsers too (which read them as a timestamp and a boolean); the text is valid
 * YAML 1.2 all the same.
 */
export function renderAsyncApiYaml(document: JsonSchema): string {
  const doc = new Document(document, { aliasDuplicateObjects: false, version: '1.1' });
  doc.commentBefore =
    ' Generated by `pnpm asyncapi` from the zod schemas in packages/events. Do not edit by hand.';
  return doc.toString({ lineWidth: 100 });
}

/** docs/asyncapi.yaml as it should be, for the default topic names and partition counts. */
export function generateAsyncApiYaml(): string {
  return renderAsyncApiYaml(
    buildAsyncApiDocument({ topics: { ...defaultTopics }, partitions: { ...defaultPartitions } }),
  );
}
