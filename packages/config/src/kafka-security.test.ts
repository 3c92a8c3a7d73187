import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  kafkaBlock,
  kafkaSecurityRules,
  kafkaSecuritySettings,
  loadConfig,
  z,
} from './index.ts';

const schema = z.object({ ...kafkaBlock }).superRefine(kafkaSecurityRules);
const base = { KAFKA_BROKERS: 'broker-1.example.com:9092' };
const PASSWORD = 'sasl-password-do-not-print';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(schema, { ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('kafkaBlock TLS and SASL variables', () => {
  it('defaults to plaintext without SASL, as before', () => {
    const config = loadConfig(schema, base);
    expect(config.KAFKA_SSL).toBe(false);
    expect(kafkaSecuritySettings(config)).toEqual({});
  });

  it('reads KAFKA_SSL as a boolean word and refuses anything else', () => {
    expect(loadConfig(schema, { ...base, KAFKA_SSL: 'true' }).KAFKA_SSL).toBe(true);
    expect(loadConfig(schema, { ...base, KAFKA_SSL: 'false' }).KAFKA_SSL).toBe(false);
    expect(problems({ KAFKA_SSL: 'maybe' })).toContain('KAFKA_SSL: must be true or false');
  });

  it('refuses TLS files while KAFKA_SSL is off, rather than connecting in plaintext', () => {
    expect(problems({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toContain(
      'KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true',
    );
  });

  it('wants a client certificate and its key together', () => {
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/c.pem' })).toContain(
      'KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE',
    );
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/k.pem' })).toContain(
      'KAFKA_SSL_CERT_FILE: is required with KAFKA_SSL_KEY_FILE',
    );
  });

  it('wants the mechanism, user and password together, and never prints the password', () => {
    const noPassword = problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'alice' });
    expect(noPassword).toContain('KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set');
    const noMechanism = problems({ KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: PASSWORD });
    expect(noMechanism).toContain('KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME');
    expect(noMechanism).not.toContain(PASSWORD);
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi' })).toContain(
      'KAFKA_SASL_MECHANISM: must be plain, scram-sha-256 or scram-sha-512',
    );
  });
});

describe('kafkaSecuritySettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnistream-kafka-security-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

  it('gives kafkajs ssl: true (Node CAs) or the PEM files read at start-up, and the SASL options', () => {
    const tlsOnly = loadConfig(schema, { ...base, KAFKA_SSL: 'true' });
    expect(kafkaSecuritySettings(tlsOnly)).toEqual({ ssl: true });

    const managed = loadConfig(schema, {
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    expect(kafkaSecuritySettings(managed)).toEqual({
      ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: PASSWORD },
    });
  });

  it('names the variable and path of a file it cannot read', () => {
    const missing = join(dir, 'nope.pem');
    const config = loadConfig(schema, { ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing });
    expect(() => kafkaSecuritySettings(config)).toThrow(`KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT)`);
  });
});
