export { createSendBatcher, type SendBatcher, type SendBatcherOptions } from './batcher.ts';
export { type CreateKafkaOptions, createKafka, kafkajsLevelFor, pinoLogCreator } from './client.ts';
export { connectProducer } from './connect-producer.ts';
export { type ConsumerRunner, nextOffset, type RunConsumerOptions, runConsumer } from './consumer.ts';
export {
  type ConsumerState,
  type ConsumerSupervisor,
  type SuperviseConsumerOptions,
  superviseConsumer,
} from './consumer-supervisor.ts';
export {
  createKafkaDeadLetterSink,
  type DeadLetter,
  type DeadLetterSink,
  deadLetterHeaders,
  defaultDeadLetterRecord,
  type KafkaDeadLetterSinkOptions,
} from './dead-letter.ts';
export { type EnsureTopicsOptions, type EnsureTopicsResult, ensureTopics } from './ensure-topics.ts';
export {
  type MessageContext,
  type MessageHandler,
  type ProcessMessageDeps,
  type ProcessOutcome,
  processMessage,
} from './message-processor.ts';
export type { ConsumedMessage, OutgoingMessage } from './messages.ts';
export { type CreateProducerOptions, createProducer, type Producer } from './producer.ts';
export {
  createRetryPolicy,
  type FailureDecision,
  type FailurePolicy,
  isRetryable,
  type RetryPolicyOptions,
} from './retry-policy.ts';
export {
  explainKafkaConnectError,
  type KafkaSecurityContext,
  KafkaSecurityError,
} from './security-errors.ts';
export {
  allTopics,
  defaultPartitions,
  defaultTopics,
  type TopicNames,
  type TopicRole,
  type TopicSpec,
  topicSpecs,
} from './topics.ts';
