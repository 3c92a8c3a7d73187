/**
 * Kafka turned the client away for a reason no retry fixes: it refused the SASL credentials, or its
 * TLS certificate is not one we trust. The message names the variables to fix, never a secret.
 */
export class KafkaSecurityError extends Error {
  override name = 'KafkaSecurityError';
  readonly code: 'KAFKA_SASL_REFUSED' | 'KAFKA_TLS_UNTRUSTED';
  readonly retryable = false;
  constructor(code: KafkaSecurityError['code'], message: string, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

export interface KafkaSecurityContext {
  brokers: readonly string[];
  ssl?: unknown;
  /** Only the mechanism and user are read (the password never goes into a message). */
  sasl?: { mechanism: string; username: string } | undefined;
}

// Node's certificate verification failures (https://nodejs.org/api/tls.html#x509-certificate-error-codes)
// and its hostname check; kafkajs keeps the code on the KafkaJSConnectionError it wraps them in.
const UNTRUSTED_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * What to throw when connecting to Kafka at start-up failed: a KafkaSecurityError naming the
 * variables to fix when the brokers refused the credentials or presented a certificate we do not
 * trust, else `err` itself (an outage, which retrying or the spool rides out).
 */
export function explainKafkaConnectError(err: unknown, context: KafkaSecurityContext): unknown {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    // kafkajs' class; matched by name because kafkajs exports no instanceof-safe type guard.
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      const who = context.sasl
        ? `user "${context.sasl.username}" (KAFKA_SASL_USERNAME) with ${context.sasl.mechanism} (KAFKA_SASL_MECHANISM)`
        : 'this client';
      return new KafkaSecurityError(
        'KAFKA_SASL_REFUSED',
        `Kafka at ${context.brokers.join(',')} refused the SASL credentials for ${who}; check ` +
          `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (${e.message})`,
        err,
      );
    }
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED_CERT_CODES.has(code)) {
      return new KafkaSecurityError('KAFKA_TLS_UNTRUSTED', untrustedMessage(code, e, context), err);
    }
  }
  return err;
}

function untrustedMessage(code: string, e: Error, context: KafkaSecurityContext): string {
  const at = (e as Error & { broker?: unknown }).broker ?? context.brokers.join(',');
  const detail = e.message.replace(/^Connection error: /, '');
  const hasCa = typeof context.ssl === 'object' && context.ssl !== null && 'ca' in context.ssl;
  const fix =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? 'KAFKA_BROKERS must use a host name the certificate names'
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? "the broker's certificate is outside its validity period (or this machine's clock is off)"
        : hasCa
          ? "KAFKA_SSL_CA_FILE does not hold the CA that signed the broker's certificate"
          : "set KAFKA_SSL_CA_FILE to the CA that signed the broker's certificate";
  return `Kafka's TLS certificate at ${String(at)} is not trusted (${code}: ${detail}); ${fix}`;
}
