import { createKafka, ensureTopics } from '@omnistream/kafka';
import { createLogger, type Logger } from '@omnistream/logger';
import { dockerAvailable } from './container-runtime.ts';
import { kafkaJarsStatus, kafkaJarsVersion, startKafkaFromJars } from './kafka-jars.ts';
import { DEFAULT_KAFKA_IMAGE, startKafkaContainer } from './kafka-testcontainers.ts';

/** `kafka`: Apache Kafka run from the Maven Central jars scripts/setup.sh fetched. */
export type KafkaBrokerKind = 'env' | 'testcontainers' | 'kafka';

export interface StartKafkaBrokerOptions {
  /** Topics that must exist (e.g. allTopics(defaultTopics)). */
  topics: readonly string[];
  logger?: Logger;
  /** Partitions of the topics created or declared here. */
  partitions?: number;
  /** Try Docker at all; false goes straight to the jars. */
  docker?: boolean;
  /** How long a Docker engine may take to answer before we conclude there is none. */
  dockerTimeoutMs?: number;
  kafkaImage?: string;
  /** How long the broker from the jars may take to answer. */
  startTimeoutMs?: number;
  /** Kafka version to run from jars; default OMNISTREAM_TEST_KAFKA_VERSION, else tools/kafka/pom.xml's. */
  kafkaVersion?: string;
  /** Try the jars at all (tests of the selection itself). */
  jars?: boolean;
}

export interface KafkaBroker {
  brokers: string[];
  kind: KafkaBrokerKind;
  description: string;
  /** The broker's process when this call started one on this machine (the jars), for CPU figures. */
  pid?: number;
  /** Stops what this call started; a broker given through KAFKA_BROKERS is left alone. */
  stop(): Promise<void>;
}

/**
 * A real Apache Kafka broker for tests, in order of preference: the one named by KAFKA_BROKERS
 * (topics are ensured there, nothing is stopped); Kafka in KRaft mode in Docker via testcontainers
 * when a Docker engine answers; a single-node KRaft Apache Kafka run from the jars scripts/setup.sh
 * copied from Maven Central, when Java >= 17 is present (machines without Docker, like CI). Throws
 * saying what each option lacked when none works.
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
          stop: container.stop,
        };
      } catch (err) {
        // e.g. Docker present but the image cannot be pulled offline: the jars may still work.
        problems.push(`Docker: ${image} did not start (${(err as Error).message})`);
        logger.warn({ err }, 'Kafka container did not start; trying Kafka from the jars');
      }
    }
  }

  if (options.jars === false) {
    problems.push('Kafka jars: disabled by the caller');
  } else {
    const version = options.kafkaVersion ?? kafkaJarsVersion();
    const status = await kafkaJarsStatus(version);
    if (!status.available) {
      problems.push(`Kafka jars: ${status.reason}`);
    } else {
      try {
        const kafka = await startKafkaFromJars({
          version,
          logger,
          ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
        });
        try {
          await createTopics(kafka.brokers, options.topics, partitions, logger);
        } catch (err) {
          await kafka.stop();
          throw err;
        }
        return {
          brokers: kafka.brokers,
          kind: 'kafka',
          description: kafka.description,
          pid: kafka.pid,
          stop: kafka.stop,
        };
      } catch (err) {
        problems.push(`Kafka jars: ${(err as Error).message}`);
      }
    }
  }
  throw new Error(`no Kafka broker for the tests:\n- ${problems.join('\n- ')}`);
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
    stop: async () => {},
  };
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
