import { describe, expect, it } from 'vitest';
import { mokapiSpec, scratchTopicNames } from './kafka-spec.ts';

describe('mokapi spec', () => {
  it('declares every topic with its partitions and accepts any bytes as values', () => {
    const spec = mokapiSpec({
      host: '127.0.0.1',
      port: 45123,
      topics: [
        { name: 'omnistream.inbound.v1', partitions: 6 },
        { name: 'omnistream.test.0', partitions: 3 },
      ],
    });
    expect(spec).toContain("url: '127.0.0.1:45123', protocol: kafka");
    expect(spec).toContain("  'omnistream.inbound.v1':\n    bindings: {kafka: {partitions: 6}}");
    expect(spec).toContain("  'omnistream.test.0':\n    bindings: {kafka: {partitions: 3}}");
    // Without it mokapi rejects non-JSON values with INVALID_RECORD.
    expect(spec.match(/contentType: application\/octet-stream/g)).toHaveLength(4);
  });

  it('refuses names Kafka would refuse, duplicates and empty topics', () => {
    const spec =
      (name: string, partitions = 1) =>
      () =>
        mokapiSpec({ host: 'h', port: 1, topics: [{ name, partitions }] });
    expect(spec("it's")).toThrow(/illegal Kafka topic name/);
    expect(spec('a'.repeat(250))).toThrow(/illegal Kafka topic name/);
    expect(spec('ok', 0)).toThrow(/bad partition count/);
    expect(() =>
      mokapiSpec({
        host: 'h',
        port: 1,
        topics: [
          { name: 'a', partitions: 1 },
          { name: 'a', partitions: 1 },
        ],
      }),
    ).toThrow(/declared twice/);
  });

  it('names the scratch pool omnistream.test.0..n-1', () => {
    expect(scratchTopicNames(3)).toEqual(['omnistream.test.0', 'omnistream.test.1', 'omnistream.test.2']);
  });
});
