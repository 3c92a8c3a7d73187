import type { DlqRecord } from './dlq-record.ts';
import type { SendCommand } from './send-command.ts';
import type { SendResult } from './send-result.ts';

/**
 * Examples of the outbound topics for docs/asyncapi.yaml: a reply to the WhatsApp text of
 * INBOUND_EXAMPLES, its result both ways, and the dead letter of the failed one (Meta's 131047, the
 * 24-hour window closed; the error text is Meta's, as packages/graph classifies it).
 * asyncapi.test.ts checks each against its zod schema.
 */
const INTEGRATION_ID = '6f1d8c1e-8a55-4b5e-9a57-3f2f4f0c6c11';
const CUSTOMER = '16505551234';
/** A later reply, sent after the customer's 24-hour window had closed. */
const FAILED_COMMAND_ID = '3c9b1e0a-7f4d-4e2b-8a61-5d0c9e2f7b14';

export const SEND_COMMAND_EXAMPLES: readonly { summary: string; command: SendCommand }[] = [
  {
    summary: "A WhatsApp text reply quoting the customer's message (as POST /admin/messages writes it)",
    command: {
      schemaVersion: 1,
      commandId: 'crm-reply-ef0cc8ddb6d8f3fa95e4ad591b01ea9b',
      integrationId: INTEGRATION_ID,
      channel: 'whatsapp',
      to: CUSTOMER,
      message: { type: 'text', text: 'Yes: blue, green and black. Want a link?' },
      replyTo: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0QTAA==',
      createdAt: '2025-06-08T20:59:45.120Z',
    },
  },
  {
    summary: 'A WhatsApp template (outside the 24-hour window a template is the only way in)',
    command: {
      schemaVersion: 1,
      commandId: '8d7f3c2e-5b1a-4c9e-9f00-2a6b8e4d1c77',
      integrationId: INTEGRATION_ID,
      channel: 'whatsapp',
      to: CUSTOMER,
      message: {
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1001' }] }],
      },
      createdAt: '2025-06-10T08:00:00.000Z',
    },
  },
];

export const SEND_RESULT_EXAMPLES: readonly { summary: string; result: SendResult }[] = [
  {
    summary: 'Meta accepted the reply; metaMessageId is the wamid its statuses will carry',
    result: {
      schemaVersion: 1,
      commandId: 'crm-reply-ef0cc8ddb6d8f3fa95e4ad591b01ea9b',
      integrationId: INTEGRATION_ID,
      channel: 'whatsapp',
      to: CUSTOMER,
      outcome: 'sent',
      metaMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      attempts: 1,
      sentAt: '2025-06-08T20:59:45.398Z',
    },
  },
  {
    summary: 'Meta refused a later reply for good: the 24-hour window had closed',
    result: {
      schemaVersion: 1,
      commandId: FAILED_COMMAND_ID,
      integrationId: INTEGRATION_ID,
      channel: 'whatsapp',
      to: CUSTOMER,
      outcome: 'failed',
      error: {
        code: 'GRAPH_131047',
        metaCode: 131047,
        message:
          '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        retryable: false,
        fbtraceId: 'AdPfV9q1Qm3Xb5sT0nKf2hL',
      },
      attempts: 1,
      failedAt: '2025-06-10T09:12:03.551Z',
    },
  },
];

export const DLQ_EXAMPLES: readonly { summary: string; record: DlqRecord }[] = [
  {
    summary: 'That failed reply, dead-lettered as non_retryable; replaying it needs the window open again',
    record: {
      schemaVersion: 1,
      command: {
        schemaVersion: 1,
        commandId: FAILED_COMMAND_ID,
        integrationId: INTEGRATION_ID,
        channel: 'whatsapp',
        to: CUSTOMER,
        message: { type: 'text', text: 'Here is the link to the blue one.' },
        createdAt: '2025-06-10T09:12:03.102Z',
      },
      reason: 'non_retryable',
      errors: [
        {
          at: '2025-06-10T09:12:03.548Z',
          message:
            '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          code: 'GRAPH_131047',
          retryable: false,
        },
      ],
      attempts: 1,
      deadLetteredAt: '2025-06-10T09:12:03.553Z',
    },
  },
];
