import { commandKey, parseSendCommand, type SendCommand } from '@omnistream/events';
import { type ConsumerState, superviseConsumer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type { ConsumerRunConfig, Kafka } from 'kafkajs';
import { ConversationScheduler } from './conversation-scheduler.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { SendAbandoned, type SendProcessor } from './send-processor.ts';
import type { SenderMetrics } from './sender-metrics.ts';

export interface CommandConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  processor: SendProcessor;
  logger: Logger;
  metrics: SenderMetrics;
  maxConcurrentChats: number;
  maxBuffered: number;
  commitIntervalMs?: number;
}

interface Item {
  command: SendCommand;
  partition: number;
  offset: string;
}

/**
 * Feeds the outbound topic into per-conversation queues without waiting for sends: a throttled or
 * slow recipient holds only its own conversation while the partition keeps flowing to the others.
 * Offsets are committed behind the lowest unfinished command of each partition (OffsetTracker),
 * so a crash redelivers what was not finished and outbound_messages keeps what was from going twice.
 */
export async function startCommandConsumer(options: CommandConsumerOptions) {
  const { kafka, topic, processor, logger, metrics } = options;
  const log = logger.child({ component: 'command-consumer' });
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  const tracker = new OffsetTracker();
  const shutdown = new AbortController();
  let stopping = false;
  let infraFailures = 0;

  const scheduler = new ConversationScheduler<Item>({
    maxConcurrent: options.maxConcurrentChats,
    run: async (_key, item) => {
      // Shutting down: commands not started yet stay unfinished and are redelivered.
      if (shutdown.signal.aborted) return;
      // Infrastructure failures (PostgreSQL or Kafka down while recording) retry in place so the
      // conversation keeps its order; only shutdown leaves the command unfinished.
      for (let attempt = 0; ; attempt++) {
        try {
          await processor.process(item.command, shutdown.signal);
          tracker.complete(topic, item.partition, item.offset);
          infraFailures = 0;
          return;
        } catch (err) {
          if (err instanceof SendAbandoned || shutdown.signal.aborted) return;
          infraFailures++;
          log.error(
            { err, commandId: item.command.commandId, attempt },
            'could not finish a command; retrying it',
          );
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))));
          if (shutdown.signal.aborted) return;
        }
      }
    },
    onError: (err, _key, item) =>
      log.error({ err, commandId: item.command.commandId }, 'command runner failed'),
  });

  // One offset commit at a time: two in flight for the same partitions could land out of order and
  // move the committed offset back. The final commit at shutdown waits for the one in flight.
  let committing: Promise<void> | null = null;
  async function commitOnce(): Promise<void> {
    const points = tracker.commitPoints();
    if (points.length > 0) await consumer.commitOffsets(points);
  }
  async function commit(): Promise<void> {
    while (committing) await committing.catch(() => {});
    committing = commitOnce();
    try {
      await committing;
    } finally {
      committing = null;
    }
  }
  const commitTimer = setInterval(() => {
    if (committing) return; // the next tick commits whatever finished meanwhile
    commit().catch((err) => log.warn({ err }, 'offset commit failed; will retry'));
  }, options.commitIntervalMs ?? 200);
  commitTimer.unref();

  // After a rebalance, partitions that moved to another replica are no longer ours to commit; their
  // unfinished commands are redelivered there, where those this replica is sending wait for its
  // outcome (its lease is live) and the others are sent (docs/services.md, "In-doubt sends").
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = new Set(event.payload.memberAssignment[topic] ?? []);
    for (const [t, partition] of tracker.partitions()) {
      if (t === topic && !assigned.has(partition)) tracker.forget(t, partition);
    }
  });
  const runConfig: ConsumerRunConfig = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || stopping) break;
        // Backpressure: stop taking commands while too many are buffered (heartbeats keep the
        // membership alive meanwhile).
        while (scheduler.size >= options.maxBuffered && !stopping) {
          await new Promise((r) => setTimeout(r, 50));
          await heartbeat();
        }
        if (stopping) break;
        tracker.track(batch.topic, batch.partition, message.offset);
        const key = message.key?.toString('utf8') ?? null;
        let raw: unknown;
        try {
          raw = JSON.parse(message.value?.toString('utf8') ?? '');
        } catch {
          raw = message.value?.toString('utf8') ?? null;
        }
        const parsed = parseSendCommand(raw);
        if (!parsed.success) {
          const reason = parsed.error.issues
            .map((i) => `${i.path.join('.') || '(command)'}: ${i.message}`)
            .join('; ');
          await processor.rejectInvalid(raw, key, reason.slice(0, 2000));
          tracker.complete(batch.topic, batch.partition, message.offset);
        } else {
          scheduler.enqueue(commandKey(parsed.data), {
            command: parsed.data,
            partition: batch.partition,
            offset: message.offset,
          });
        }
        resolveOffset(message.offset);
        metrics.buffered.set(scheduler.size);
      }
      const last = batch.lastOffset();
      metrics.consumerLag.set(
        { partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - 1 - Number(last)),
      );
      await heartbeat();
    },
  };
  // After a crash kafkajs will not restart, the supervisor starts the consumer again (readiness is
  // false meanwhile). Commands already buffered keep going; the ones redelivered from the committed
  // offset are queued behind them in their conversation and skipped as sent.
  const supervisor = superviseConsumer(consumer, {
    logger: log,
    restart: async () => {
      await consumer.connect();
      await consumer.run(runConfig);
    },
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run(runConfig);

  const gaugeTimer = setInterval(() => {
    metrics.buffered.set(scheduler.size);
    metrics.activeConversations.set(scheduler.activeConversations);
  }, 1_000);
  gaugeTimer.unref();

  return {
    /** `running` when in the group and fetching; `restarting` after a crash until it is back. */
    get state(): ConsumerState {
      return supervisor.state;
    },
    get healthy() {
      return !stopping && supervisor.state === 'running' && infraFailures < 5;
    },
    /**
     * Stops fetching, lets sends in progress finish (sleeping retries are abandoned and come back
     * on redelivery), commits what finished, then leaves.
     */
    async stop(): Promise<void> {
      stopping = true;
      await supervisor.stop();
      try {
        consumer.pause([{ topic }]);
      } catch {
        // Crashed and not restarted yet: nothing is being fetched.
      }
      shutdown.abort();
      await scheduler.idle();
      clearInterval(commitTimer);
      clearInterval(gaugeTimer);
      await commit().catch((err) =>
        log.warn({ err }, 'final offset commit failed; finished commands will be redelivered and skipped'),
      );
      await consumer.disconnect();
    },
  };
}
