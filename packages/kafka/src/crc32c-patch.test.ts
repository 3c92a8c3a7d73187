// patches/kafkajs@2.2.4.patch replaces kafkajs' byte-at-a-time CRC-32C with slicing-by-8. Every
// record batch carries this checksum and a broker rejects a batch whose CRC is wrong, so the
// patched function is checked here against known vectors and a plain bitwise CRC-32C.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const crc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

/** CRC-32C one bit at a time: slow and obviously right. */
function reference(buffer: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs CRC-32C (patched)', () => {
  it('gives the published check values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, and of 0xff.
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
  });

  it('matches a bitwise CRC-32C for every length around the 8-byte steps and for random batches', () => {
    for (let length = 0; length < 80; length++) {
      const buffer = randomBytes(length);
      expect(crc32c(buffer)).toBe(reference(buffer));
    }
    for (let i = 0; i < 50; i++) {
      const buffer = randomBytes(1 + Math.floor(Math.random() * 20_000));
      expect(crc32c(buffer)).toBe(reference(buffer));
    }
  });

  it('reads a Buffer that is a view into a larger one (as kafkajs encodes batches)', () => {
    const backing = randomBytes(4096);
    const view = backing.subarray(13, 3001);
    expect(crc32c(view)).toBe(reference(new Uint8Array(view)));
  });
});
