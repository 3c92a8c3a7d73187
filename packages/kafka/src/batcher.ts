import type { TopicMessages } from 'kafkajs';
import { estimateSize, type OutgoingMessage } from './messages.ts';

export interface SendBatcherOptions {
  /**
   * Sends one request's worth of records; resolves once the broker acknowledged all of them.
   * `largestAddBytes`: the estimated bytes of the largest single `add` in the batch.
   */
  sendBatch: (topicMessages: TopicMessages[], info: { largestAddBytes: number }) => Promise<void>;
  /** Extra wait after the first queued send before a batch leaves; 0 means "end of this tick". */
  lingerMs: number;
  maxBatchMessages: number;
  maxBatchBytes: number;
  /** Batches in flight at once. 1 keeps batches, and so same-key records, in send order. */
  maxInFlight: number;
  onBatchSettled?: (info: { messages: number; callers: number; durationMs: number; error?: unknown }) => void;
}

export interface SendBatcher {
  /** Resolves when these messages were acknowledged; rejects with the error of their batch. */
  add(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Sends everything queued now, ignoring the linger, and waits for every batch to settle. */
  flush(): Promise<void>;
  readonly queuedMessages: number;
  readonly inFlight: number;
}

interface Entry {
  topic: string;
  messages: readonly OutgoingMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent `add` calls into few `sendBatch` requests. kafkajs sends one request per
 * `send` call and has no linger of its own, so 200 webhooks arriving together would otherwise be 200
 * round trips. One caller's messages always travel in one request, so its promise maps to exactly
 * one broker acknowledgement; a batch only grows past the limits when a single caller brought more.
 */
export function createSendBatcher(options: SendBatcherOptions): SendBatcher {
  const queue: Entry[] = [];
  const inFlight = new Set<Promise<void>>();
  let queuedMessages = 0;
  let queuedBytes = 0;
  let timer: { cancel: () => void } | null = null;

  function isFull(): boolean {
    return queuedMessages >= options.maxBatchMessages || queuedBytes >= options.maxBatchBytes;
  }

  function schedule(): void {
    if (inFlight.size >= options.maxInFlight) return; // the batch that settles first dispatches
    if (isFull()) {
      dispatch();
      return;
    }
    if (timer) return;
    if (options.lingerMs > 0) {
      const t = setTimeout(dispatch, options.lingerMs);
      timer = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(dispatch);
      timer = { cancel: () => clearImmediate(t) };
    }
  }

  function takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let messages = 0;
    let bytes = 0;
    while (queue.length > 0) {
      const next = queue[0] as Entry;
      const fits =
        messages + next.messages.length <= options.maxBatchMessages &&
        bytes + next.bytes <= options.maxBatchBytes;
      if (batch.length > 0 && !fits) break;
      queue.shift();
      batch.push(next);
      messages += next.messages.length;
      bytes += next.bytes;
    }
    queuedMessages -= messages;
    queuedBytes -= bytes;
    return batch;
  }

  function dispatch(): void {
    timer?.cancel();
    timer = null;
    while (queue.length > 0 && inFlight.size < options.maxInFlight) {
      const batch = takeBatch();
      const started = performance.now();
      const messages = batch.reduce((n, e) => n + e.messages.length, 0);
      const request = send(batch).then(
        () => {
          for (const e of batch) e.resolve();
          options.onBatchSettled?.({
            messages,
            callers: batch.length,
            durationMs: performance.now() - started,
          });
        },
        (error: unknown) => {
          for (const e of batch) e.reject(error);
          options.onBatchSettled?.({
            messages,
            callers: batch.length,
            durationMs: performance.now() - started,
            error,
          });
        },
      );
      inFlight.add(request);
      void request.finally(() => {
        inFlight.delete(request);
        // What queued up meanwhile has already waited at least one round trip: send it now.
        if (queue.length > 0) dispatch();
      });
    }
  }

  function send(batch: Entry[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    let largestAddBytes = 0;
    for (const e of batch) {
      if (e.bytes > largestAddBytes) largestAddBytes = e.bytes;
      const list = byTopic.get(e.topic);
      if (list) list.push(...e.messages);
      else byTopic.set(e.topic, [...e.messages]);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // Calling through a promise turns a synchronous throw into a rejection of this batch only.
    return Promise.resolve().then(() => options.sendBatch(topicMessages, { largestAddBytes }));
  }

  return {
    add(topic, messages) {
      if (messages.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const bytes = messages.reduce((n, m) => n + estimateSize(m), 0);
        queue.push({ topic, messages, bytes, resolve, reject });
        queuedMessages += messages.length;
        queuedBytes += bytes;
        schedule();
      });
    },
    async flush() {
      while (queue.length > 0 || inFlight.size > 0) {
        dispatch();
        await Promise.allSettled([...inFlight]);
      }
    },
    get queuedMessages() {
      return queuedMessages;
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
