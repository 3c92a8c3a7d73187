import { describe, expect, it } from 'vitest';
import { allTopics, defaultTopics, topicSpecs } from './topics.ts';

describe('topics', () => {
  it('uses the documented default names', () => {
    expect(allTopics()).toEqual([
      'omnistream.inbound.v1',
      'omnistream.outbound.v1',
      'omnistream.outbound.results.v1',
      'omnistream.outbound.dlq.v1',
    ]);
  });

  it('turns configured names into topic specs with per-topic partitions', () => {
    const names = { ...defaultTopics, inbound: 'acme.inbound' };
    expect(topicSpecs(names, { partitions: { outboundDlq: 1 }, replicationFactor: 3 })).toEqual([
      { topic: 'acme.inbound', numPartitions: 6, replicationFactor: 3 },
      { topic: 'omnistream.outbound.v1', numPartitions: 6, replicationFactor: 3 },
      { topic: 'omnistream.outbound.results.v1', numPartitions: 6, replicationFactor: 3 },
      { topic: 'omnistream.outbound.dlq.v1', numPartitions: 1, replicationFactor: 3 },
    ]);
  });
});
