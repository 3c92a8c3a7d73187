// patches/kafkajs@2.2.4.patch changes kafkajs' Encoder: varints are written straight into the buffer
// (upstream built an array and a Buffer per varint), and buffers come from allocUnsafe (upstream
// zero-filled them). Record lengths, offsets and timestamps are varints, so a wrong byte would
// corrupt every batch: the output is checked here against upstream's algorithm.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface KafkaEncoder {
  writeInt8(value: number): KafkaEncoder;
  writeVarInt(value: number): KafkaEncoder;
  writeUVarInt(value: number): KafkaEncoder;
  writeVarIntBytes(value: Buffer | string): KafkaEncoder;
  readonly buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => KafkaEncoder;

/** Upstream's unsigned LEB128, byte by byte. */
function reference(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while ((v & 0xffffff80) !== 0) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v & 0x7f);
  return Buffer.from(bytes);
}
const zigZag = (v: number) => (v << 1) ^ (v >> 31);

describe('patched kafkajs Encoder', () => {
  it('writes varints exactly as upstream, at every length and sign', () => {
    const values = [
      0,
      1,
      -1,
      63,
      64,
      -64,
      -65,
      127,
      128,
      16_383,
      16_384,
      2 ** 21,
      2 ** 28,
      2 ** 31 - 1,
      -(2 ** 31),
    ];
    let seed = 0x2545f491;
    for (let i = 0; i < 20_000; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      values.push(seed | 0);
    }
    for (const v of values) {
      // Starting at an odd offset in a tiny encoder also exercises the buffer growing mid-varint.
      const encoder = new Encoder(1)
        .writeInt8(7)
        .writeVarInt(v)
        .writeUVarInt(v >>> 0);
      expect(encoder.buffer).toEqual(
        Buffer.concat([Buffer.from([7]), reference(zigZag(v)), reference(v >>> 0)]),
      );
    }
  });

  it('hands out exactly the bytes written, whatever the unused tail of its buffer held', () => {
    const value = Buffer.from('é'.repeat(3_000));
    const encoder = new Encoder().writeVarIntBytes(value).writeVarIntBytes('ok');
    expect(encoder.buffer).toEqual(
      Buffer.concat([reference(zigZag(value.length)), value, reference(zigZag(2)), Buffer.from('ok')]),
    );
  });
});
