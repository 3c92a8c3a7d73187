import {
  commandKey,
  type DlqReason,
  type DlqRecord,
  type SendCommand,
  type SendError,
  type SendResult,
} from '@omnistream/events';
import { type GraphClient, GraphError } from '@omnistream/graph';
import type { IntegrationsRepository, ResolvedToken, TokenProvider } from '@omnistream/integrations';
import { ENV_FALLBACK_INTEGRATION_ID } from '@omnistream/integrations';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import {
  type MarketingPreferencesRepository,
  type OutboundMessage,
  type OutboundMessagesRepository,
  SENT_OR_LATER,
} from '@omnistream/outbound';
import pRetry from 'p-retry';
import { awaitLiveClaim, type InDoubtPolicy, inDoubtError } from './in-doubt.ts';
import type { RateKey, RateLimits } from './rate-limits.ts';
import type { SenderMetrics } from './sender-metrics.ts';

export interface SendSettings {
  maxAttempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** How long commands wait for a new token after error 190 (or for an unknown integration). */
  reauthWaitMs: number;
  reauthPollMs: number;
  /** A command left in sending by a sender that is gone: send it again, or dead-letter it (default resend). */
  inDoubt?: InDoubtPolicy | undefined;
  /** How often a command another live sender holds is checked while waiting for its outcome (default 1 s). */
  claimPollMs?: number | undefined;
}

export interface SendProcessorDeps {
  graph: Pick<GraphClient, 'send'>;
  tokens: Pick<TokenProvider, 'byIntegrationId'>;
  integrations: Pick<IntegrationsRepository, 'flagNeedsReauth'>;
  outbound: OutboundMessagesRepository;
  preferences: Pick<MarketingPreferencesRepository, 'marketingStoppedAt'>;
  producer: Pick<Producer, 'send'>;
  topics: { results: string; dlq: string };
  limits: RateLimits;
  logger: Logger;
  metrics: SenderMetrics;
  settings: SendSettings;
  /** This process in sender_instances: the claimant it records on the rows it sends. */
  instanceId: string;
}

/** Shutdown began: the command is left unfinished (uncommitted) and will be redelivered. */
export class SendAbandoned extends Error {
  override name = 'SendAbandoned';
}

interface AttemptError {
  at: string;
  message: string;
  code?: string;
  retryable?: boolean;
}

class Terminal extends Error {
  override name = 'Terminal';
  readonly reason: DlqReason;
  readonly sendError: SendError;
  constructor(reason: DlqReason, sendError: SendError) {
    super(sendError.message);
    this.reason = reason;
    this.sendError = sendError;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new SendAbandoned('shutting down'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SendAbandoned('shutting down'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter between 1x and 2x, as p-retry's `randomize` did. */
function backoffDelay(settings: SendSettings, attemptNumber: number): number {
  const base = Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** Math.max(0, attemptNumber - 1));
  return Math.min(settings.maxDelayMs, Math.round(base * (1 + Math.random())));
}

function toSendError(err: unknown): SendError {
  if (err instanceof GraphError) return err.toSendError();
  return { code: 'SENDER_INTERNAL', message: (err as Error)?.message || 'unknown error', retryable: true };
}

/**
 * Sends one command: exactly once as far as this gateway can make it (the outbound_messages row
 * says whether it was sent already), within Meta's limits, retried with backoff on retryable
 * errors, dead-lettered with every attempt's error otherwise. Always publishes a result.
 */
export function createSendProcessor(deps: SendProcessorDeps) {
  const { graph, tokens, outbound, producer, topics, limits, logger, metrics, settings } = deps;
  const backoffMs = (attemptNumber: number) => backoffDelay(settings, attemptNumber);

  async function publishResult(command: SendCommand, result: SendResult): Promise<void> {
    await producer.send(topics.results, [{ key: commandKey(command), value: JSON.stringify(result) }]);
  }

  async function deadLetter(
    raw: unknown,
    key: string | null,
    reason: DlqReason,
    errors: AttemptError[],
    attempts: number,
    lastAttemptAt?: string,
  ) {
    const record: DlqRecord = {
      schemaVersion: 1,
      // null stands for a command that was not even JSON (its text is in the error).
      command: raw ?? null,
      reason,
      errors: errors.length > 0 ? errors : [{ at: new Date().toISOString(), message: reason }],
      attempts,
      ...(lastAttemptAt ? { lastAttemptAt } : {}),
      deadLetteredAt: new Date().toISOString(),
    };
    await producer.send(topics.dlq, [{ key, value: JSON.stringify(record) }]);
    metrics.deadLetters.inc({ reason });
  }

  /** The token to use, waiting (bounded) when the integration is unknown or its token was refused. */
  async function tokenFor(
    command: SendCommand,
    refused: string | null,
    signal: AbortSignal,
  ): Promise<ResolvedToken> {
    const deadline = Date.now() + settings.reauthWaitMs;
    for (;;) {
      const resolved = tokens.byIntegrationId(command.integrationId);
      if (resolved && resolved.channel !== command.channel) {
        throw new Terminal('non_retryable', {
          code: 'SENDER_CHANNEL_MISMATCH',
          message: `integration ${command.integrationId} is a ${resolved.channel} integration, the command is for ${command.channel}`,
          retryable: false,
        });
      }
      if (resolved && resolved.token !== refused) return resolved;
      if (Date.now() >= deadline) {
        throw new Terminal('needs_reauth_timeout', {
          code: resolved ? 'GRAPH_190' : 'SENDER_UNKNOWN_INTEGRATION',
          message: resolved
            ? `integration ${command.integrationId} needs a new token; none appeared within ${settings.reauthWaitMs} ms`
            : `no active integration ${command.integrationId} appeared within ${settings.reauthWaitMs} ms`,
          retryable: false,
        });
      }
      await sleep(settings.reauthPollMs, signal);
    }
  }

  /**
   * A MARKETING template to a WhatsApp customer who stopped marketing messages (`user_preferences`
   * webhook, recorded by the status tracker) is refused before any call: Meta would refuse it with
   * 131050 anyway, and each refused marketing send counts against the number's quality.
   */
  async function refuseStoppedMarketing(command: SendCommand): Promise<void> {
    if (command.channel !== 'whatsapp' || command.message.type !== 'template') return;
    const since = await deps.preferences.marketingStoppedAt({
      integrationId: command.integrationId,
      recipient: command.to,
      templateName: command.message.name,
      language: command.message.language,
    });
    if (since === null) return;
    throw new Terminal('marketing_opted_out', {
      code: 'SENDER_MARKETING_OPTED_OUT',
      message: `${command.to} stopped marketing messages on ${since.toISOString()} and has not resumed them; MARKETING template ${command.message.name} was not sent`,
      retryable: false,
    });
  }

  /** SENDER_IN_DOUBT=hold: not sent again; failed, dead-lettered and reported for a person to decide. */
  async function holdInDoubt(command: SendCommand, row: OutboundMessage): Promise<void> {
    const { error, lastAttemptAt } = inDoubtError(row);
    const attempts = Math.max(1, row.attempts);
    logger.warn(
      { commandId: command.commandId, claimedBy: row.claimedBy, lastAttemptAt },
      'send in doubt (SENDER_IN_DOUBT=hold): not sent again; dead-lettered for a person to check',
    );
    const at = new Date().toISOString();
    // The dead letter first: if it cannot be written, the row stays in sending and the retry holds
    // it again, instead of a failed row nobody is told about.
    await deadLetter(
      command,
      commandKey(command),
      'in_doubt',
      [{ at, message: error.message, code: error.code, retryable: false }],
      attempts,
      lastAttemptAt,
    );
    // failed (with no Meta message id) is what a DLQ replay requeues: a replay sends it.
    await outbound.markFailed(command.commandId, { error, attempts });
    metrics.sends.inc({ channel: command.channel, outcome: 'in_doubt' });
    await publishResult(command, {
      schemaVersion: 1,
      commandId: command.commandId,
      integrationId: command.integrationId,
      channel: command.channel,
      to: command.to,
      outcome: 'failed',
      error,
      attempts,
      failedAt: at,
    });
  }

  return {
    /** Dead-letters a command that failed its schema; nothing is sent. */
    async rejectInvalid(raw: unknown, key: string | null, reason: string): Promise<void> {
      await deadLetter(
        raw,
        key,
        'invalid',
        [{ at: new Date().toISOString(), message: reason, code: 'SENDER_INVALID_COMMAND', retryable: false }],
        0,
      );
    },

    async process(command: SendCommand, signal: AbortSignal): Promise<void> {
      const claimed = await outbound.claimForSend({
        commandId: command.commandId,
        integrationId: command.integrationId,
        channel: command.channel,
        recipient: command.to,
        messageType: command.message.type,
        claimant: deps.instanceId,
      });
      const { created } = claimed;
      // Before the try below: a shutdown while waiting leaves another sender's row alone.
      const existing = created
        ? claimed.message
        : await awaitLiveClaim({
            outbound,
            claimed,
            instanceId: deps.instanceId,
            pollMs: settings.claimPollMs ?? 1_000,
            sleep: (ms) => sleep(ms, signal),
            logger,
          });
      if (SENT_OR_LATER.has(existing.status) || existing.status === 'failed') {
        // Redelivered after a crash or a rebalance: never send twice; make sure the result exists.
        metrics.sends.inc({ channel: command.channel, outcome: 'duplicate_skipped' });
        const result: SendResult =
          existing.status === 'failed'
            ? {
                schemaVersion: 1,
                commandId: command.commandId,
                integrationId: command.integrationId,
                channel: command.channel,
                to: command.to,
                outcome: 'failed',
                error: existing.lastError ?? { code: 'SENDER_FAILED', message: 'failed', retryable: false },
                attempts: existing.attempts,
                failedAt: (existing.failedAt ?? existing.updatedAt).toISOString(),
              }
            : {
                schemaVersion: 1,
                commandId: command.commandId,
                integrationId: command.integrationId,
                channel: command.channel,
                to: command.to,
                outcome: 'sent',
                metaMessageId: existing.metaMessageId,
                attempts: Math.max(1, existing.attempts),
                sentAt: (existing.sentAt ?? existing.updatedAt).toISOString(),
              };
        await publishResult(command, result);
        return;
      }
      if (!created && existing.status === 'sending') {
        // Nobody live holds it: an earlier attempt ended without recording whether Meta took it.
        if (settings.inDoubt === 'hold') return holdInDoubt(command, existing);
        logger.warn(
          { commandId: command.commandId, claimedBy: existing.claimedBy },
          'send in doubt (SENDER_IN_DOUBT=resend): sending it again; Meta may already have it',
        );
      }

      const errors: AttemptError[] = [];
      let attempts = existing.attempts;
      let refusedToken: string | null = null;
      let rateKey: RateKey | null = null;
      // A command seen for the first time was recorded as sending by the claim itself.
      let recordedSending = created;

      let sent: Awaited<ReturnType<SendProcessorDeps['graph']['send']>>;
      try {
        await refuseStoppedMarketing(command);
        sent = await pRetry(
          async () => {
            if (signal.aborted) throw new SendAbandoned('shutting down');
            const resolved = await tokenFor(command, refusedToken, signal);
            rateKey = {
              channel: command.channel,
              integrationId: command.integrationId,
              accountId: resolved.accountId,
              recipient: command.to,
            };
            attempts += 1;
            if (recordedSending) recordedSending = false;
            else await outbound.markSending(command.commandId, attempts, deps.instanceId);
            // Pair rate first (this recipient only), then the account's pace. Booked after the
            // database write and immediately before the call, so the calls leave at the paced
            // instants instead of bunching behind PostgreSQL round trips.
            await sleep(limits.reservePair(rateKey), signal);
            await sleep(limits.reserveAccount(rateKey), signal);
            // Timers fire late when the event loop is busy and then release calls together: the
            // departure window holds them back so no second carries more than the limit.
            for (let wait = limits.departAccount(rateKey); wait > 0; wait = limits.departAccount(rateKey)) {
              await sleep(wait, signal);
            }
            const started = performance.now();
            try {
              const result = await graph.send(command, {
                token: resolved.token,
                accountId: resolved.accountId,
              });
              return result;
            } catch (err) {
              if (err instanceof GraphError && err.code === 190) {
                refusedToken = resolved.token;
                const refused = resolved.integration;
                if (resolved.integrationId !== ENV_FALLBACK_INTEGRATION_ID && refused) {
                  // Only while the row still holds the refused token: a rotation that landed since
                  // our last poll must not be flagged as needing re-authentication.
                  await deps.integrations
                    .flagNeedsReauth(resolved.integrationId, refused, {
                      message: err.message,
                      code: err.code,
                      subcode: err.subcode,
                    })
                    .catch((e) =>
                      logger.warn(
                        { err: e, integrationId: resolved.integrationId },
                        'could not flag needs_reauth',
                      ),
                    );
                }
                logger.warn(
                  { integrationId: resolved.integrationId, commandId: command.commandId },
                  'Meta refused the token (190); integration flagged needs_reauth, waiting for a new token',
                );
              }
              throw err;
            } finally {
              metrics.graphLatency.observe(
                { channel: command.channel },
                (performance.now() - started) / 1000,
              );
            }
          },
          {
            retries: settings.maxAttempts - 1,
            // The backoff is slept in onFailedAttempt, where shutdown can cut it short. p-retry is
            // given no signal: it checks one after a successful call and would throw the success
            // away, so a send Meta accepted during shutdown was never recorded and went out again
            // after the restart (seen on Apache Kafka, whose slower rebalance left calls in flight).
            minTimeout: 0,
            maxTimeout: 0,
            randomize: false,
            // A refused token (190) is waited out in tokenFor, not counted as an attempt at Meta.
            shouldConsumeRetry: ({ error }) => !(error instanceof GraphError && error.code === 190),
            onFailedAttempt: async ({ error, attemptNumber }) => {
              if (error instanceof Terminal || error instanceof SendAbandoned) return;
              const retryDelay = backoffMs(attemptNumber);
              const sendError = toSendError(error);
              errors.push({
                at: new Date().toISOString(),
                message: sendError.message,
                code: sendError.code,
                retryable: sendError.retryable,
              });
              await outbound.recordAttemptError(command.commandId, { error: sendError, attempts });
              if (!(error instanceof GraphError)) return;
              if (rateKey && error.category === 'pair_rate') {
                // 131056: this recipient only; the number's other conversations keep going.
                metrics.throttles.inc({ channel: command.channel, scope: 'recipient' });
                limits.penalizeRecipient(
                  rateKey,
                  error.retryAfterMs ?? Math.max(retryDelay, limits.pairIntervalMs),
                );
              } else if (rateKey && error.category === 'throttle') {
                metrics.throttles.inc({ channel: command.channel, scope: 'account' });
                limits.penalizeAccount(rateKey, error.retryAfterMs ?? retryDelay);
              }
            },
            // After onFailedAttempt (which records the attempt): wait before the next one, unless
            // there is none. Retry-After is a floor.
            shouldRetry: async ({ error, attemptNumber, retriesLeft }) => {
              if (error instanceof Terminal || error instanceof SendAbandoned) return false;
              const retry = error instanceof GraphError ? error.retryable || error.code === 190 : true;
              const consumes = !(error instanceof GraphError && error.code === 190);
              if (!retry || (consumes && retriesLeft <= 0)) return false;
              // Counted here, once the call is really going to be repeated: a permanent failure or
              // the last attempt is a dead letter, not a retry.
              if (error instanceof GraphError) {
                metrics.retries.inc({ channel: command.channel, category: error.category });
              }
              // A refused token (190) is waited out in tokenFor, not here.
              if (!consumes) return true;
              const floor = error instanceof GraphError ? (error.retryAfterMs ?? 0) : 0;
              await sleep(Math.max(backoffMs(attemptNumber), floor), signal);
              return true;
            },
          },
        );
      } catch (err) {
        if (err instanceof SendAbandoned || signal.aborted) {
          // No Graph call is in flight here (shutdown interrupts only the waits between them).
          await outbound
            .markRequeued(
              command.commandId,
              'sender shut down before sending; redelivered to the next consumer',
            )
            .catch((e) =>
              logger.warn({ err: e, commandId: command.commandId }, 'could not requeue on shutdown'),
            );
          throw new SendAbandoned('shutting down');
        }
        const sendError = err instanceof Terminal ? err.sendError : toSendError(err);
        if (err instanceof Terminal) {
          errors.push({
            at: new Date().toISOString(),
            message: sendError.message,
            code: sendError.code,
            retryable: false,
          });
        }
        const reason: DlqReason =
          err instanceof Terminal ? err.reason : sendError.retryable ? 'retries_exhausted' : 'non_retryable';
        await outbound.markFailed(command.commandId, { error: sendError, attempts });
        metrics.sends.inc({ channel: command.channel, outcome: 'failed' });
        logger.warn(
          { commandId: command.commandId, reason, code: sendError.code, attempts },
          'send failed; dead-lettered',
        );
        await deadLetter(command, commandKey(command), reason, errors, attempts);
        await publishResult(command, {
          schemaVersion: 1,
          commandId: command.commandId,
          integrationId: command.integrationId,
          channel: command.channel,
          to: command.to,
          outcome: 'failed',
          error: sendError,
          attempts,
          failedAt: new Date().toISOString(),
        });
        return;
      }
      // Outside the try: Meta accepted it, so failing to record or report that (PostgreSQL or
      // Kafka down) must not make it a failed, dead-lettered send, as it did when the broker
      // crashed mid-run (sender-broker-outage.int.test.ts). It throws instead; the command consumer
      // retries the command, which then finds it sent and republishes the result.
      await outbound.markSent(command.commandId, { metaMessageId: sent.metaMessageId, attempts });
      metrics.sends.inc({ channel: command.channel, outcome: 'sent' });
      await publishResult(command, {
        schemaVersion: 1,
        commandId: command.commandId,
        integrationId: command.integrationId,
        channel: command.channel,
        to: command.to,
        outcome: 'sent',
        metaMessageId: sent.metaMessageId,
        attempts: Math.max(1, attempts),
        sentAt: new Date().toISOString(),
      });
    },
  };
}

export type SendProcessor = ReturnType<typeof createSendProcessor>;
