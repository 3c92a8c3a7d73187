import type { Kafka } from 'kafkajs';
import { type CreateKafkaOptions, createKafka } from './client.ts';
import { type CreateProducerOptions, createProducer, type Producer } from './producer.ts';
import { explainKafkaConnectError } from './security-errors.ts';

/**
 * A client and a connected producer, as the services that need Kafka to start (the api-gateway and
 * the message-sender) make them; a failed connection is explained (TLS, SASL, unreachable broker)
 * instead of kafkajs' bare error. The ingestor starts without Kafka (it has its spool) and does not
 * use this.
 */
export async function connectProducer(
  options: CreateKafkaOptions & { producer?: Omit<CreateProducerOptions, 'kafka' | 'logger'> },
): Promise<{ kafka: Kafka; producer: Producer }> {
  const { producer: producerOptions, ...clientOptions } = options;
  const kafka = createKafka(clientOptions);
  const producer = createProducer({ kafka, logger: options.logger, ...producerOptions });
  await producer.connect().catch((err: unknown) => {
    throw explainKafkaConnectError(err, {
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl as { mechanism: string; username: string } | undefined,
    });
  });
  return { kafka, producer };
}
