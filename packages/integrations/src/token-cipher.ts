import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface EncryptedToken {
  ciphertext: string;
  keyId: string;
}

export interface TokenCipher {
  /** Id of the key new tokens are encrypted with (the first configured). */
  readonly currentKeyId: string;
  encrypt(plaintext: string): EncryptedToken;
  decrypt(token: EncryptedToken): string;
}

export class TokenDecryptionError extends Error {
  override name = 'TokenDecryptionError';
}

// Format: "v1." + base64(iv[12] | tag[16] | ciphertext). The key id is bound as additional
// authenticated data, so a ciphertext relabelled with another key id fails to decrypt instead of
// silently producing garbage.
const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for tokens at rest. Keys are listed newest first: the first encrypts, all decrypt,
 * so a key is rotated by prepending a new one and re-encrypting (see reencryptAll).
 */
export function createTokenCipher(keys: readonly EncryptionKey[]): TokenCipher {
  const first = keys[0];
  if (!first) throw new Error('createTokenCipher needs at least one key');
  const byId = new Map<string, Buffer>();
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`encryption key "${k.id}" must be 32 bytes`);
    byId.set(k.id, k.key);
  }
  return {
    currentKeyId: first.id,
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', first.key, iv);
      cipher.setAAD(Buffer.from(first.id));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        keyId: first.id,
        ciphertext: PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      };
    },
    decrypt({ ciphertext, keyId }) {
      const key = byId.get(keyId);
      if (!key)
        throw new TokenDecryptionError(
          `token was encrypted with key "${keyId}", which is not in TOKEN_ENCRYPTION_KEYS`,
        );
      if (!ciphertext.startsWith(PREFIX))
        throw new TokenDecryptionError('token ciphertext has an unknown format');
      const raw = Buffer.from(ciphertext.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new TokenDecryptionError('token ciphertext is truncated');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new TokenDecryptionError(
          `token failed authentication under key "${keyId}" (wrong key or tampered row)`,
        );
      }
    },
  };
}

/** The last four characters shown to admins instead of a token. */
export function tokenLast4(token: string): string {
  return token.slice(-4);
}
