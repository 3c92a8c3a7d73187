/**
 * Kafka in Docker through testcontainers, used when a Docker engine answers.
 *
 * @testcontainers/kafka 12's KafkaContainer drives Confluent's image (its start script runs
 * /etc/confluent/docker/run), so apache/kafka cannot be used with it; KRaft needs cp-kafka >= 7.0.
 * cp-kafka 7.9 is Apache Kafka 3.9, the last line that accepts every old protocol version; Kafka 4
 * removed some (KIP-896) and kafkajs 2.2.4, unmaintained, has not been checked against it here.
 */
export const DEFAULT_KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';

// The mapped plaintext listener of KafkaContainer.
const KAFKA_CLIENT_PORT = 9093;

export interface KafkaContainerBroker {
  brokers: string[];
  description: string;
  stop(): Promise<void>;
}

export async function startKafkaContainer(
  image: string = DEFAULT_KAFKA_IMAGE,
): Promise<KafkaContainerBroker> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(image).withKraft().start();
  const broker = `${container.getHost()}:${container.getMappedPort(KAFKA_CLIENT_PORT)}`;
  let stopped: Promise<void> | null = null;
  return {
    brokers: [broker],
    description: `Kafka ${image} (KRaft) in Docker via testcontainers at ${broker}, container ${container.getId().slice(0, 12)}`,
    stop: () => {
      stopped ??= container.stop().then(() => undefined);
      return stopped;
    },
  };
}
