import { randomBytes } from 'node:crypto';
import type { KafkaJarsSaslSsl } from './kafka-jars.ts';

// The files and environment a jars broker is started with: server.properties, log4j2.xml, the JVM's env.

/** KIP-853's dynamic quorum (`--standalone`, controller.quorum.bootstrap.servers) is 3.9+. */
export function dynamicQuorum(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 9);
}

// Kafka's Uuid.toString: 16 random bytes, base64url without padding. Kafka's own generator rejects
// ids starting with "-" because they read as command-line flags; so do we.
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function serverProperties(args: {
  version: string;
  host: string;
  port: number;
  controllerPort: number;
  quorum: 'dynamic' | 'static';
  dataDir: string;
  saslSsl?: { port: number; keystore: string; users: KafkaJarsSaslSsl['users'] };
}): string {
  const { host, port, controllerPort, saslSsl } = args;
  const major = Number(args.version.split('.')[0]);
  const saslSslListener = saslSsl ? `,SASL_SSL://${host}:${saslSsl.port}` : '';
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    args.quorum === 'dynamic'
      ? `controller.quorum.bootstrap.servers=${host}:${controllerPort}`
      : `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}${saslSslListener}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}${saslSslListener}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${saslSsl ? ',SASL_SSL:SASL_SSL' : ''}`,
    `log.dirs=${args.dataDir}`,
    // One broker: every internal topic with one replica, or it can never be created.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Internal topics are created on first use (the first consumer group, the first transaction);
    // the defaults of 50 partitions each make that first use take seconds.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    // Tests join a group and expect messages at once; the default 3 s wait for more members
    // would be added to every consumer's start.
    'group.initial.rebalance.delay.ms=0',
    // As in production: topics are created explicitly (ensureTopics), a typo must not make one.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    // The log cleaner reserves 128 MB of heap by default for __consumer_offsets compaction;
    // test data never needs that much.
    'log.cleaner.dedupe.buffer.size=16777216',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
  ];
  if (saslSsl) lines.push(...saslSslProperties(saslSsl));
  if (major >= 4) {
    // Kafka 4's share groups (KIP-932) have an internal topic of their own; 3.x does not know it.
    lines.push(
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'share.coordinator.state.topic.num.partitions=1',
    );
  }
  return `${lines.join('\n')}\n`;
}

// The SASL_SSL listener's own settings (listener.name.<listener>.<mechanism>.sasl.jaas.config, see
// https://kafka.apache.org/documentation/#security_sasl_brokerconfig); a PEM keystore file holds the
// key and the chain (KIP-651, https://cwiki.apache.org/confluence/display/KAFKA/KIP-651+-+Support+PEM+format+for+SSL+certificates+and+private+key).
export function saslSslProperties(saslSsl: { keystore: string; users: KafkaJarsSaslSsl['users'] }): string[] {
  const plainUsers = saslSsl.users.map((u) => ` user_${u.name}="${u.password}"`).join('');
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required${plainUsers};`,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${saslSsl.keystore}`,
  ];
}

// WARN from everything, INFO from the lines that say the server started or stopped: enough to see
// why a broker died without filling the temp dir during a long run.
export function log4jConfig(logFile: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="${escapeXml(logFile)}" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="warn"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.server.KafkaRaftServer" level="info"/>
    <Logger name="kafka.server.BrokerServer" level="info"/>
    <Logger name="kafka.server.ControllerServer" level="info"/>
  </Loggers>
</Configuration>
`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Options meant for someone's own Kafka scripts or JVMs must not change ours (heap, agents).
export function jvmEnv(dir: string): NodeJS.ProcessEnv {
  const {
    JAVA_TOOL_OPTIONS: _a,
    JDK_JAVA_OPTIONS: _b,
    KAFKA_OPTS: _c,
    KAFKA_HEAP_OPTS: _d,
    ...env
  } = process.env;
  return { ...env, LOG_DIR: dir };
}
