import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.ts';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/**
 * The rules between kafkaBlock's TLS and SASL variables, which one field cannot check alone; every
 * schema that spreads kafkaBlock adds it: `z.object({ ...kafkaBlock }).superRefine(kafkaSecurityRules)`.
 */
export function kafkaSecurityRules(
  config: {
    KAFKA_SSL: boolean;
    KAFKA_SSL_CA_FILE?: string | undefined;
    KAFKA_SSL_CERT_FILE?: string | undefined;
    KAFKA_SSL_KEY_FILE?: string | undefined;
    KAFKA_SASL_MECHANISM?: string | undefined;
    KAFKA_SASL_USERNAME?: string | undefined;
    KAFKA_SASL_PASSWORD?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const issue = (variable: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });
  for (const variable of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
    // Silently connecting in plaintext with a CA configured would be the worst reading of it.
    if (config[variable] !== undefined && !config.KAFKA_SSL)
      issue(variable, 'is set but KAFKA_SSL is not true');
  }
  if (config.KAFKA_SSL_CERT_FILE !== undefined && config.KAFKA_SSL_KEY_FILE === undefined) {
    issue('KAFKA_SSL_KEY_FILE', 'is required with KAFKA_SSL_CERT_FILE (a client certificate needs its key)');
  }
  if (config.KAFKA_SSL_KEY_FILE !== undefined && config.KAFKA_SSL_CERT_FILE === undefined) {
    issue(
      'KAFKA_SSL_CERT_FILE',
      'is required with KAFKA_SSL_KEY_FILE (the key is useless without its certificate)',
    );
  }
  if (config.KAFKA_SASL_MECHANISM !== undefined) {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (config[variable] === undefined) issue(variable, 'is required when KAFKA_SASL_MECHANISM is set');
    }
  } else if (config.KAFKA_SASL_USERNAME !== undefined || config.KAFKA_SASL_PASSWORD !== undefined) {
    issue(
      'KAFKA_SASL_MECHANISM',
      'is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (plain, scram-sha-256 or scram-sha-512)',
    );
  }
}

/** createKafka's `ssl` and `sasl` (kafkajs' shapes), built from KAFKA_SSL* and KAFKA_SASL_*. */
export interface KafkaSecuritySettings {
  /** `true`: TLS that trusts Node's CA store; an object: the PEM files' contents. Unset: plaintext. */
  ssl?: true | { ca?: string; cert?: string; key?: string };
  /** One member per mechanism, as kafkajs' SASLOptions is. */
  sasl?: {
    [M in KafkaSaslMechanism]: { mechanism: M; username: string; password: string };
  }[KafkaSaslMechanism];
}

/**
 * The Kafka client's TLS and SASL settings, as every service builds them from its parsed
 * configuration. The PEM files are read here, once at start-up: a missing or unreadable one throws a
 * ConfigError naming its variable and path (never any content), rather than a TLS error later.
 */
export function kafkaSecuritySettings(
  config: {
    KAFKA_SSL: boolean;
    KAFKA_SSL_CA_FILE?: string | undefined;
    KAFKA_SSL_CERT_FILE?: string | undefined;
    KAFKA_SSL_KEY_FILE?: string | undefined;
    KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
    KAFKA_SASL_USERNAME?: string | undefined;
    KAFKA_SASL_PASSWORD?: string | undefined;
  },
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaSecuritySettings {
  const issues: ConfigIssue[] = [];
  const settings: KafkaSecuritySettings = {};
  if (config.KAFKA_SSL) {
    const pem: { ca?: string; cert?: string; key?: string } = {};
    const files = [
      ['ca', 'KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE],
      ['cert', 'KAFKA_SSL_CERT_FILE', config.KAFKA_SSL_CERT_FILE],
      ['key', 'KAFKA_SSL_KEY_FILE', config.KAFKA_SSL_KEY_FILE],
    ] as const;
    for (const [field, variable, path] of files) {
      if (path === undefined) continue;
      try {
        pem[field] = readFile(path);
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        issues.push({ variable, reason: `cannot read ${path} (${reason})` });
      }
    }
    settings.ssl = Object.keys(pem).length > 0 ? pem : true;
  }
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  if (mechanism !== undefined) {
    // kafkaSecurityRules already refuses this; a schema that forgot it must not connect anonymously.
    if (username === undefined || password === undefined) {
      issues.push({
        variable: 'KAFKA_SASL_MECHANISM',
        reason: 'needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
      });
    } else {
      settings.sasl = { mechanism, username, password };
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return settings;
}
