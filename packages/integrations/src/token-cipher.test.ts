import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, TokenDecryptionError } from './token-cipher.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const TOKEN = 'EAAGexampleSystemUserToken0123456789';

describe('token cipher (AES-256-GCM)', () => {
  it('round-trips a token and never stores it in the clear', () => {
    const cipher = createTokenCipher([k1]);
    const enc = cipher.encrypt(TOKEN);
    expect(enc.keyId).toBe('k1');
    expect(enc.ciphertext).not.toContain(TOKEN);
    expect(Buffer.from(enc.ciphertext.slice(3), 'base64').toString('latin1')).not.toContain('EAAG');
    expect(cipher.decrypt(enc)).toBe(TOKEN);
  });

  it('uses a fresh IV each time, so equal tokens give different ciphertexts', () => {
    const cipher = createTokenCipher([k1]);
    expect(cipher.encrypt(TOKEN).ciphertext).not.toBe(cipher.encrypt(TOKEN).ciphertext);
  });

  it('after rotation the newest key encrypts and old ciphertexts still decrypt', () => {
    const before = createTokenCipher([k1]).encrypt(TOKEN);
    const rotated = createTokenCipher([k2, k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.encrypt(TOKEN).keyId).toBe('k2');
    expect(rotated.decrypt(before)).toBe(TOKEN);
  });

  it('fails loudly for a removed key, a tampered ciphertext or a relabelled key id', () => {
    const enc = createTokenCipher([k1]).encrypt(TOKEN);
    expect(() => createTokenCipher([k2]).decrypt(enc)).toThrow(
      /key "k1", which is not in TOKEN_ENCRYPTION_KEYS/,
    );
    const raw = Buffer.from(enc.ciphertext.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() =>
      createTokenCipher([k1]).decrypt({ keyId: 'k1', ciphertext: `v1.${raw.toString('base64')}` }),
    ).toThrow(TokenDecryptionError);
    const sameKeyOtherId = createTokenCipher([{ id: 'k9', key: k1.key }, k1]);
    expect(() => sameKeyOtherId.decrypt({ ...enc, keyId: 'k9' })).toThrow(/failed authentication/);
  });
});
