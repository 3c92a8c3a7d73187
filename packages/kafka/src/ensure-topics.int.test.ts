import { randomUUID } from 'node:crypto';
import { uniqueTopic } from '@omnistream/testing';
import { describe, it } from 'vitest';
import { ensureTopics } from './ensure-topics.ts';
import { silentLogger, testKafkaClient } from './test-kit.ts';

describe.concurrent('ensureTopics against a real broker', () => {
  it('creates a missing topic with its partitions, and a second call changes nothing', async ({ expect }) => {
    const kafka = testKafkaClient();
    const topic = `omnistream.test.ensure.${randomUUID().slice(0, 8)}`;
    const topics = [{ topic, numPartitions: 2 }];
    expect(await ensureTopics({ kafka, topics, logger: silentLogger })).toEqual({
      created: [topic],
      existing: [],
    });
    expect(await ensureTopics({ kafka, topics, logger: silentLogger })).toEqual({
      created: [],
      existing: [topic],
    });

    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  });

  it('leaves an existing topic alone even when asked for more partitions', async ({ expect }) => {
    const kafka = testKafkaClient();
    const topic = await uniqueTopic({ label: 'existing' });
    expect(
      await ensureTopics({ kafka, topics: [{ topic, numPartitions: 12 }], logger: silentLogger }),
    ).toEqual({
      created: [],
      existing: [topic],
    });
  });

  it('survives several services creating the same topics at once', async ({ expect }) => {
    const topic = `omnistream.test.race.${randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      [1, 2, 3].map(() => ensureTopics({ kafka: testKafkaClient(), topics: [{ topic, numPartitions: 3 }] })),
    );
    for (const r of results) expect([...r.created, ...r.existing]).toEqual([topic]);
  });
});
