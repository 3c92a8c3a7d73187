import { Kafka, logLevel } from 'kafkajs';

/**
 * Records the broker holds in `topic` (sum over partitions of high watermark minus low): the
 * broker's own count, independent of what producers say they sent.
 */
export async function topicRecordCount(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'omnistream-offsets', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}
