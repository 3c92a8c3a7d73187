import type { Logger } from '@omnistream/logger';
import type { WhatsAppNumber } from './account-types.ts';
import type { SimClock } from './clock.ts';
import { createRawPoster } from './post-raw.ts';
import { signedWebhookHeaders, statusWebhookBody } from './status-webhook-body.ts';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusWebhookSettings {
  /** Where Meta would POST: the webhook-ingestor's `/webhook/whatsapp`. */
  webhookUrl: string;
  /** Key of X-Hub-Signature-256 (and the legacy SHA-1 X-Hub-Signature). */
  appSecret: string;
  /** Statuses to send for every accepted message, in this order. Default sent, delivered, read. */
  statuses?: ('sent' | 'delivered' | 'read')[];
  /** Pause before each status of a message. Default 0. */
  delayMs?: number;
  /** Extra attempts after a non-200 answer or a network error. Default 3. */
  retries?: number;
  /** First retry delay; doubles per attempt. Default 500. */
  retryDelayMs?: number;
  /** Per-POST timeout. Default 10 000. */
  timeoutMs?: number;
  /** POSTs in flight at once. Default 32. */
  concurrency?: number;
}

export interface StatusEventInput {
  phoneNumberId: string;
  messageId: string;
  recipientId: string;
  /** `user`: the recipient is a BSUID (sent as `recipient_user_id`, no `recipient_id`); `group`: a
   * group id (`recipient_type: "group"`). Default `phone`. */
  recipientKind?: 'phone' | 'user' | 'group';
  status: DeliveryStatus;
  bizOpaqueCallbackData?: string;
  /** `service` for free-form replies, else the template's category (lower case). */
  category?: string;
  errors?: { code: number; title: string; message?: string; error_data?: { details: string } }[];
}

export interface WebhookStats {
  /** POSTs answered 200. */
  delivered: number;
  /** Statuses given up on after every retry. */
  failed: number;
  /** Non-200 answers or network errors that were retried. */
  retried: number;
  /** Statuses scheduled or in flight. */
  pending: number;
}

export interface StatusWebhooks {
  configure(settings: StatusWebhookSettings | null): void;
  readonly settings: Readonly<Required<StatusWebhookSettings>> | null;
  /** Schedules the configured statuses for an accepted send. */
  onAccepted(input: {
    number: WhatsAppNumber;
    messageId: string;
    recipientId: string;
    recipientKind?: 'phone' | 'user' | 'group';
    bizOpaqueCallbackData?: string;
    category: string;
  }): void;
  /** Sends one status now (e.g. a `failed` with errors[]), signed like the others. */
  emit(input: StatusEventInput): void;
  /** Sends any webhook body (an inbound message, see inbound-webhooks.ts), signed and retried alike. */
  post(body: string, label: string): void;
  stats(): WebhookStats;
  /** Resolves once nothing is scheduled or in flight. */
  idle(): Promise<void>;
  /** Drops everything scheduled (reset). */
  cancelAll(): void;
  close(): void;
}

interface Job {
  body: string;
  attempt: number;
  /** What is delivered, for the logs: a status, or `message` for an inbound message. */
  status: string;
  messageId: string;
  /** Runs once this status is delivered or given up: schedules the message's next status. */
  onDone?: () => void;
}

export function createStatusWebhooks(deps: {
  clock: SimClock;
  logger: Logger;
  numbers: (phoneNumberId: string) => WhatsAppNumber | undefined;
}): StatusWebhooks {
  const { clock, logger } = deps;
  let settings: Required<StatusWebhookSettings> | null = null;
  const queue: Job[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let outstanding = 0;
  let idleWaiters: (() => void)[] = [];
  let generation = 0;
  const stats = { delivered: 0, failed: 0, retried: 0 };
  const poster = createRawPoster();

  function settle(): void {
    outstanding--;
    if (outstanding === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function later(ms: number, fn: () => void): void {
    const gen = generation;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (gen === generation) fn();
    }, ms);
    timers.add(timer);
  }

  function pump(): void {
    while (settings && inFlight < settings.concurrency && queue.length > 0) {
      const job = queue.shift() as Job;
      inFlight++;
      void deliver(job, settings).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  async function deliver(job: Job, s: Required<StatusWebhookSettings>): Promise<void> {
    const gen = generation;
    const headers = signedWebhookHeaders(job.body, s.appSecret);
    let outcome: string;
    let ok = false;
    try {
      const status = await poster.post(s.webhookUrl, job.body, headers, s.timeoutMs);
      ok = status === 200;
      outcome = `HTTP ${status}`;
    } catch (err) {
      outcome = (err as Error).message;
    }
    // Reset while this POST was in flight: its chain is gone, count it out and stop.
    if (gen !== generation) return settle();
    if (ok) {
      stats.delivered++;
      job.onDone?.();
      settle();
      return;
    }
    if (job.attempt <= s.retries) {
      stats.retried++;
      const delay = s.retryDelayMs * 2 ** (job.attempt - 1);
      logger.warn(
        { messageId: job.messageId, status: job.status, attempt: job.attempt, outcome, retryInMs: delay },
        'status webhook not accepted; retrying',
      );
      later(delay, () => enqueue({ ...job, attempt: job.attempt + 1 }, false));
      return;
    }
    stats.failed++;
    logger.error(
      { messageId: job.messageId, status: job.status, attempts: job.attempt, outcome },
      'status webhook given up',
    );
    job.onDone?.();
    settle();
  }

  function enqueue(job: Job, isNew: boolean): void {
    if (isNew) outstanding++;
    queue.push(job);
    pump();
  }

  function payload(input: StatusEventInput): string | undefined {
    const number = deps.numbers(input.phoneNumberId);
    if (!number) return undefined;
    return statusWebhookBody(number, input, clock.now());
  }

  return {
    configure(next) {
      if (!next) this.cancelAll();
      settings = next
        ? {
            statuses: ['sent', 'delivered', 'read'],
            delayMs: 0,
            retries: 3,
            retryDelayMs: 500,
            timeoutMs: 10_000,
            concurrency: 32,
            ...next,
          }
        : null;
      pump();
    },
    get settings() {
      return settings;
    },
    onAccepted({ number, messageId, recipientId, recipientKind, bizOpaqueCallbackData, category }) {
      const s = settings;
      if (!s || s.statuses.length === 0) return;
      // One chain per message: each status is scheduled after the previous one was delivered (or
      // given up), so a receiver sees them in order unless the test asks for chaos with faults.
      const statuses = [...s.statuses];
      outstanding++;
      const next = (i: number): void => {
        const status = statuses[i];
        if (status === undefined) {
          settle();
          return;
        }
        later(s.delayMs, () => {
          const body = payload({
            phoneNumberId: number.phoneNumberId,
            messageId,
            recipientId,
            ...(recipientKind === undefined ? {} : { recipientKind }),
            status,
            category,
            ...(bizOpaqueCallbackData === undefined ? {} : { bizOpaqueCallbackData }),
          });
          if (body === undefined) {
            settle();
            return;
          }
          enqueue({ body, attempt: 1, status, messageId, onDone: () => next(i + 1) }, true);
        });
      };
      next(0);
    },
    emit(input) {
      if (!settings) throw new Error('status webhooks are not configured');
      const body = payload(input);
      if (body === undefined) throw new Error(`unknown phone number id ${input.phoneNumberId}`);
      enqueue({ body, attempt: 1, status: input.status, messageId: input.messageId }, true);
    },
    post(body, label) {
      if (!settings) throw new Error('webhooks are not configured');
      enqueue({ body, attempt: 1, status: 'message', messageId: label }, true);
    },
    stats: () => ({ ...stats, pending: outstanding }),
    idle() {
      if (outstanding === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    cancelAll() {
      generation++;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queue.length = 0;
      outstanding = inFlight;
      stats.delivered = 0;
      stats.failed = 0;
      stats.retried = 0;
      if (outstanding === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    },
    close() {
      this.cancelAll();
      settings = null;
      poster.close();
    },
  };
}
