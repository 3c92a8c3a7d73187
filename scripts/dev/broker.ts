// The development broker of `pnpm dev` when KAFKA_BROKERS is unset: Apache Kafka from the jars
// scripts/setup.sh fetched, on 127.0.0.1 only, with the gateway's topics; mokapi where Java 17 is
// missing. Its data is a scratch folder, gone when it stops.
import { kafkaJarsStatus, startKafkaFromJars, startMokapi } from '@omnistream/testing/harness';
import { createKafka, ensureTopics, type TopicSpec } from '../../packages/kafka/src/index.ts';
import { createLogger } from '../../packages/logger/src/index.ts';
import type { DevProcess } from './pid-file.ts';

export async function startDevBroker(options: {
  port: number;
  topics: TopicSpec[];
  /** max.message.bytes per topic (the inbound topic's KAFKA_INBOUND_MAX_MESSAGE_BYTES). */
  maxMessageBytes: Readonly<Record<string, number>>;
  say: (line: string) => void;
  /** Called with the broker's process as soon as it runs. */
  onStarted: (proc: DevProcess) => void;
  /** Called when the broker ends without being stopped (mokapi only: the JVM does not do that). */
  onLost: (how: string) => void;
}): Promise<{ brokers: string[]; stop(): Promise<void> }> {
  const { port, topics, maxMessageBytes, say } = options;
  const jars = await kafkaJarsStatus();
  if (jars.available) {
    say(
      `Kafka: KAFKA_BROKERS is unset, starting Apache Kafka ${jars.version} from the jars on 127.0.0.1:${port}`,
    );
    const started = await startKafkaFromJars({ port });
    options.onStarted({ name: 'kafka', pid: started.pid, command: 'kafka.Kafka', group: true });
    const quiet = createLogger({ name: 'dev-topics', level: 'warn' });
    try {
      await ensureTopics({
        kafka: createKafka({ brokers: started.brokers, clientId: 'omnistream-dev', logger: quiet }),
        topics,
        maxMessageBytes,
        logger: quiet,
      });
    } catch (err) {
      // Not handed back yet, so nobody else would stop it.
      await started.stop();
      throw err;
    }
    say(`Kafka: ${started.description}; its data is a scratch folder, gone when pnpm dev stops`);
    return started;
  }
  say(
    `Kafka: KAFKA_BROKERS is unset and Apache Kafka cannot run here (${jars.reason}); starting the ` +
      `bundled mokapi broker on 127.0.0.1:${port} instead`,
  );
  const started = await startMokapi({
    topics: topics.map((s) => ({ name: s.topic, partitions: s.numPartitions })),
    port,
  });
  options.onStarted({ name: 'kafka (mokapi)', pid: started.pid, command: 'mokapi' });
  void started.exited.then(options.onLost);
  say(
    'Kafka: mokapi is a Kafka-protocol imitation from npm, a fallback for machines without Java 17: ' +
      'DEVELOPMENT ONLY, events kept in memory. Install Java 17 and run scripts/setup.sh for real Kafka, ' +
      'or set KAFKA_BROKERS.',
  );
  return started;
}
