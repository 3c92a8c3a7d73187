import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createKafka, ensureTopics } from '@omnistream/kafka';
import { createLogger, type Logger } from '@omnistream/logger';
import { dockerAvailable } from './container-runtime.ts';
import { startMokapi } from './kafka-mokapi.ts';
import { SCRATCH_TOPIC_PREFIX, scratchTopicNames } from './kafka-spec.ts';
import { DEFAULT_KAFKA_IMAGE, startKafkaContainer } from './kafka-testcontainers.ts';
import type { TopicPool } from './kafka-topic-pool.ts';

export type KafkaBrokerKind = 'env' | 'testcontainers' | 'mokapi';

export interface StartKafkaBrokerOptions {
  /** Topics that must exist (e.g. allTopics(defaultTopics)). */
  topics: readonly string[];
  logger?: Logger;
  /** Partitions of the topics created or declared here. */
  partitions?: number;
  /** Size of mokapi's scratch topic pool (topics cannot be created usable at run time there). */
  scratchTopics?: number;
  /** Try Docker at all; false goes straight to mokapi. */
  docker?: boolean;
  /** How long a Docker engine may take to answer before we conclude there is none. */
  dockerTimeoutMs?: number;
  kafkaImage?: string;
  /** How long mokapi may take to serve. */
  startTimeoutMs?: number;
}

export interface KafkaBroker {
  brokers: string[];
  kind: KafkaBrokerKind;
  description: string;
  /** Scratch topics to claim from, when the broker cannot create usable topics (mokapi). */
  topicPool: TopicPool | null;
  /** Stops what this call started; a broker given through KAFKA_BROKERS is left alone. */
  stop(): Promise<void>;
}

/**
 * A Kafka-protocol broker for tests, in order of preference: the one named by KAFKA_BROKERS
 * (topics are ensured there, nothing is stopped); Kafka 3.9 in KRaft mode in Docker via
 * testcontainers when a Docker engine answers; the pinned mokapi binary from npm (machines without
 * Docker, like CI). Throws saying what each option lacked when none works.
 */
export async function startKafkaBroker(options: StartKafkaBrokerOptions): Promise<KafkaBroker> {
  const logger = options.logger ?? createLogger({ name: 'test-kafka-broker', level: 'warn' });
  const partitions = options.partitions ?? 3;
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return useEnvBroker(fromEnv, options.topics, partitions, logger);

  const problems: string[] = ['KAFKA_BROKERS is not set'];
  if (options.docker === false) {
    problems.push('Docker: disabled by the caller');
  } else {
    const docker = await dockerAvailable(options.dockerTimeoutMs ?? 5_000);
    if (!docker.available) {
      problems.push(`Docker: ${docker.reason}`);
    } else {
      const image = options.kafkaImage ?? DEFAULT_KAFKA_IMAGE;
      try {
        const container = await startKafkaContainer(image);
        try {
          await createTopics(container.brokers, options.topics, partitions, logger);
        } catch (err) {
          await container.stop();
          throw err;
        }
        return {
          brokers: container.brokers,
          kind: 'testcontainers',
          description: container.description,
          topicPool: null,
          stop: container.stop,
        };
      } catch (err) {
        // e.g. Docker present but the image cannot be pulled offline: mokapi still works.
        problems.push(`Docker: ${image} did not start (${(err as Error).message})`);
        logger.warn({ err }, 'Kafka container did not start; falling back to mokapi');
      }
    }
  }

  try {
    return await startMokapiBroker(options, partitions);
  } catch (err) {
    problems.push(`mokapi: ${(err as Error).message}`);
  }
  throw new Error(`no Kafka-protocol broker for the tests:\n- ${problems.join('\n- ')}`);
}

async function useEnvBroker(
  raw: string,
  topics: readonly string[],
  partitions: number,
  logger: Logger,
): Promise<KafkaBroker> {
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  try {
    await createTopics(brokers, topics, partitions, logger);
  } catch (err) {
    throw new Error(
      `KAFKA_BROKERS=${raw} is set but topics could not be ensured there: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return {
    brokers,
    kind: 'env',
    description: `Kafka from KAFKA_BROKERS at ${brokers.join(',')}`,
    topicPool: null,
    stop: async () => {},
  };
}

async function startMokapiBroker(options: StartKafkaBrokerOptions, partitions: number): Promise<KafkaBroker> {
  const scratch = scratchTopicNames(options.scratchTopics ?? 256);
  const named = [...new Set(options.topics)].filter((t) => !scratch.includes(t));
  const mokapi = await startMokapi({
    topics: [...named, ...scratch].map((name) => ({ name, partitions })),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  });
  try {
    const claims = join(mokapi.dir, 'topic-claims');
    await mkdir(claims);
    const topicPool: TopicPool = {
      dir: claims,
      prefix: SCRATCH_TOPIC_PREFIX,
      size: scratch.length,
      partitions,
    };
    // mokapi 0.52 occasionally panics under load. A dead broker would fail every later test file
    // with ECONNREFUSED, so it is restarted on the same address (the files running at that moment
    // still fail, and say why on stderr).
    let current = mokapi;
    let stopping = false;
    const port = Number(mokapi.brokers[0]?.split(':')[1]);
    const supervise = (instance: typeof mokapi) => {
      void instance.exited.then(async (why) => {
        if (stopping) return;
        process.stderr.write(`[omnistream tests] mokapi died (${why}); restarting it on port ${port}\n`);
        try {
          current = await startMokapi({
            topics: [...named, ...scratch].map((name) => ({ name, partitions })),
            port,
          });
          supervise(current);
        } catch (err) {
          process.stderr.write(
            `[omnistream tests] mokapi could not be restarted: ${(err as Error).message}\n`,
          );
        }
      });
    };
    supervise(mokapi);
    return {
      brokers: mokapi.brokers,
      kind: 'mokapi',
      description: `mokapi (pid ${mokapi.pid}, ${mokapi.binary}) at ${mokapi.brokers.join(',')} with ${named.length} topics and ${scratch.length} scratch topics`,
      topicPool,
      stop: async () => {
        stopping = true;
        await current.stop();
        // The first instance's directory holds the topic claims; it outlives a restart.
        if (current !== mokapi) await mokapi.stop();
      },
    };
  } catch (err) {
    await mokapi.stop();
    throw err;
  }
}

async function createTopics(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
  logger: Logger,
): Promise<void> {
  if (topics.length === 0) return;
  await ensureTopics({
    kafka: createKafka({ brokers, clientId: 'omnistream-test-harness', logger, retry: { retries: 2 } }),
    topics: [...new Set(topics)].map((topic) => ({ topic, numPartitions: partitions })),
    logger,
  });
}
