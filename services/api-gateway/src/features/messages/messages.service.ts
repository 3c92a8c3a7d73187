import { randomUUID } from 'node:crypto';
import { commandKey, outboundPreview, type SendCommand, SendCommandSchema } from '@omnistream/events';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type { OutboundMessage, OutboundMessagesRepository, OutboundStatus } from '@omnistream/outbound';
import { AppError } from '@omnistream/service-kit';
import { aChannel } from '../../shared/a-channel.ts';
import {
  IdempotencyKeyBusyError,
  type IdempotencyKeysRepository,
  requestHash,
} from './idempotency-keys.repository.ts';
import { bodyValidationError, type SendMessageBody } from './send-request.ts';

/** Keys of one endpoint share a namespace; every admin key does (one business, one gateway). */
const SCOPE = 'POST /admin/messages';

export interface SendOutcome {
  commandId: string;
  status: OutboundStatus;
  /** Answered from an earlier request with the same Idempotency-Key or commandId: nothing published. */
  replayed: boolean;
}

export interface MessageService {
  send(body: SendMessageBody, options?: { idempotencyKey?: string | undefined }): Promise<SendOutcome>;
  get(commandId: string): Promise<OutboundMessage | null>;
}

export interface MessageServiceDeps {
  integrations: Pick<IntegrationsRepository, 'get'>;
  outbound: Pick<OutboundMessagesRepository, 'claim' | 'get'>;
  idempotency: IdempotencyKeysRepository;
  producer: Pick<Producer, 'send'>;
  /** The outbound (send command) topic. */
  topic: string;
  idempotencyTtlHours: number;
  logger: Logger;
}

/**
 * Turns an admin's send request into a command on the outbound topic. The command is published
 * first and its outbound_messages row recorded as queued after, before answering: GET shows it at
 * once, and a publish that fails leaves no queued row for a command that never went anywhere (the
 * sender's claim is insert-if-absent, so it finds the row, or writes it itself when we could not).
 */
export function createMessageService(deps: MessageServiceDeps): MessageService {
  const { integrations, outbound, idempotency, producer, topic, logger } = deps;

  /** The complete command, or the 4xx a user can act on. */
  async function buildCommand(body: SendMessageBody, commandId: string): Promise<SendCommand> {
    const integration = await integrations.get(body.integrationId);
    if (!integration) {
      throw new AppError('GW_NOT_FOUND', `no integration ${body.integrationId}`, { status: 404 });
    }
    if (integration.status !== 'active') {
      throw new AppError(
        'GW_CONFLICT',
        `integration ${body.integrationId} is ${integration.status}; enable it before sending through it`,
        { status: 409 },
      );
    }
    if (body.channel !== undefined && body.channel !== integration.channel) {
      throw bodyValidationError([
        {
          path: ['channel'],
          message: `integration ${body.integrationId} is ${aChannel(integration.channel)} integration, not ${body.channel}`,
        },
      ]);
    }
    const parsed = SendCommandSchema.safeParse({
      ...body,
      schemaVersion: 1,
      commandId,
      channel: integration.channel,
      createdAt: new Date().toISOString(),
    });
    if (!parsed.success) throw bodyValidationError(parsed.error.issues);
    return parsed.data;
  }

  /**
   * A commandId that outbound_messages knows already: the same message again (answered with its
   * status, not published twice) or another message reusing the id (refused).
   */
  async function known(command: SendCommand): Promise<SendOutcome | null> {
    const row = await outbound.get(command.commandId);
    if (!row) return null;
    const same =
      row.integrationId === command.integrationId &&
      row.recipient === command.to &&
      row.channel === command.channel &&
      row.messageType === command.message.type;
    if (!same) {
      throw new AppError(
        'GW_CONFLICT',
        `commandId ${command.commandId} already belongs to another message; use a new commandId`,
        { status: 409 },
      );
    }
    return { commandId: row.commandId, status: row.status, replayed: true };
  }

  async function publish(command: SendCommand): Promise<void> {
    try {
      await producer.send(topic, [{ key: commandKey(command), value: JSON.stringify(command) }]);
    } catch (err) {
      // The batch may have been written anyway (see Producer.send); the command id makes a retry safe.
      throw new AppError(
        'GW_UNAVAILABLE',
        'the message could not be queued (Kafka unavailable); retry with the same Idempotency-Key or commandId',
        { status: 503, cause: err },
      );
    }
  }

  /** After a successful publish: the queued row, so GET answers at once. Never fails the request. */
  async function recordQueued(command: SendCommand): Promise<OutboundStatus> {
    try {
      const row = await outbound.claim({
        commandId: command.commandId,
        integrationId: command.integrationId,
        channel: command.channel,
        recipient: command.to,
        messageType: command.message.type,
        preview: outboundPreview(command.message),
      });
      return row.status;
    } catch (err) {
      logger.warn(
        { err, commandId: command.commandId },
        'command queued; its status row is left to the sender',
      );
      return 'queued';
    }
  }

  async function sendOnce(body: SendMessageBody): Promise<SendOutcome> {
    const command = await buildCommand(body, body.commandId ?? randomUUID());
    const existing = await known(command);
    if (existing) return existing;
    await publish(command);
    return { commandId: command.commandId, status: await recordQueued(command), replayed: false };
  }

  /** The answer to a request already handled: its command id and where the sender has got to. */
  async function earlierAnswer(commandId: string): Promise<SendOutcome> {
    return { commandId, status: (await outbound.get(commandId))?.status ?? 'queued', replayed: true };
  }

  async function sendIdempotent(body: SendMessageBody, key: string): Promise<SendOutcome> {
    const hash = requestHash(body);
    const keyReused = () =>
      new AppError(
        'GW_IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request body; use a new key for a new message',
        { status: 422 },
      );
    const prior = await idempotency.find(SCOPE, key);
    if (prior && prior.requestHash !== hash) throw keyReused();
    if (prior?.publishedAt) return earlierAnswer(prior.commandId);

    // New, or recorded but never acknowledged by Kafka (a failed publish, a crash): checked against
    // today's integration, then published under the recorded command id, once, holding the key.
    const command = await buildCommand(body, prior?.commandId ?? body.commandId ?? randomUUID());
    const existing = await known(command);
    if (existing) return existing;
    await idempotency.reserve({
      scope: SCOPE,
      key,
      requestHash: hash,
      commandId: command.commandId,
      ttlHours: deps.idempotencyTtlHours,
    });

    const done: { published: SendCommand | null } = { published: null };
    try {
      const replayedId = await idempotency.withLock(SCOPE, key, async (record, markPublished) => {
        if (!record) throw new Error('idempotency key expired between reserving and locking it');
        if (record.requestHash !== hash) throw keyReused();
        // A concurrent request with the same key published it while this one waited for the lock.
        if (record.publishedAt) return record.commandId;
        const toPublish: SendCommand = { ...command, commandId: record.commandId };
        await publish(toPublish);
        done.published = toPublish;
        await markPublished();
        return null;
      });
      if (replayedId !== null) return earlierAnswer(replayedId);
    } catch (err) {
      if (err instanceof IdempotencyKeyBusyError) {
        throw new AppError('GW_CONFLICT', `${err.message}; retry later with the same key`, {
          status: 409,
          cause: err,
        });
      }
      // Published but not recorded as such: still a success. A retry finds the key unpublished and
      // publishes the same command id again, which the sender deduplicates.
      if (!done.published) throw err;
      logger.warn({ err, commandId: done.published.commandId }, 'idempotency key not marked published');
    }
    if (!done.published) throw new Error('idempotent send neither published nor replayed');
    const sent = done.published;
    return { commandId: sent.commandId, status: await recordQueued(sent), replayed: false };
  }

  return {
    send(body, options = {}) {
      return options.idempotencyKey === undefined
        ? sendOnce(body)
        : sendIdempotent(body, options.idempotencyKey);
    },
    get: (commandId) => outbound.get(commandId),
  };
}
