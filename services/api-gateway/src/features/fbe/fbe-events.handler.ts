import type { FbePayload, InboundEvent } from '@omnistream/events';
import { type TokenCipher, TokenDecryptionError, tokenLast4 } from '@omnistream/integrations';
import type { Logger, Redactor } from '@omnistream/logger';
import { DomainError } from '@omnistream/service-kit';
import type { FbeInstallState, StoredToken } from './fbe-installation.ts';
import type { FbeInstallationsRepository } from './fbe-installations.repository.ts';

export interface FbeEventHandlerDeps {
  installations: FbeInstallationsRepository;
  /** The integrations token cipher: the ingestor encrypted the webhook's token with it. */
  cipher: TokenCipher;
  logger: Logger;
  redactor?: Redactor | undefined;
}

export type FbeEventHandler = (event: InboundEvent) => Promise<void>;

/** What the handler map of the inbound-events consumer takes for the two FBE kinds. */
export interface FbeEventHandlers {
  fbe_install: FbeEventHandler;
  fbe_uninstall: FbeEventHandler;
}

/** Not retryable: the consumer dead-letters it at once instead of retrying something that cannot work. */
function permanent(message: string, cause?: unknown): DomainError {
  return new DomainError('GW_BAD_REQUEST', message, { retryable: false, cause });
}

function installState(p: FbePayload): FbeInstallState {
  return {
    businessManagerId: p.businessManagerId,
    pages: p.pages,
    instagramProfiles: p.instagramProfiles,
    pixelId: p.pixelId,
    catalogId: p.catalogId,
    adAccountId: p.adAccountId,
    commerceMerchantSettingsId: p.commerceMerchantSettingsId,
    onsiteEligible: p.onsiteEligible,
    flow: p.flow,
    tokenType: p.tokenType,
    installedFeatures: p.installedFeatures,
  };
}

/**
 * `fbe_install` / `fbe_uninstall` events (the ingestor's FBE normalizer) → fbe_installations. docs/meta-platform.md, "Business setup facts":
 * on install or change, store the token and its type, record the granted assets, enable the features
 * they allow and disable only those missing an asset; on uninstall disable every feature, keeping
 * the row. Redelivered events change nothing; an event older than what the row reflects (Meta does
 * not guarantee order) is ignored, by Meta's event time.
 */
export function createFbeEventHandlers(deps: FbeEventHandlerDeps): FbeEventHandlers {
  const { installations, cipher, logger } = deps;

  /** Re-encrypted under the newest key, so the row never depends on a key that may be retired first. */
  function storedToken(p: FbePayload): StoredToken | undefined {
    if (p.encryptedToken === undefined) return undefined;
    let token: string;
    try {
      token = cipher.decrypt({ ciphertext: p.encryptedToken.ciphertext, keyId: p.encryptedToken.keyId });
    } catch (err) {
      if (err instanceof TokenDecryptionError) {
        throw permanent(`the FBE install token cannot be decrypted: ${err.message}`, err);
      }
      throw err;
    }
    deps.redactor?.addSecret(token);
    return { ...cipher.encrypt(token), last4: tokenLast4(token) };
  }

  async function handle(event: InboundEvent): Promise<void> {
    if (event.kind !== 'fbe_install' && event.kind !== 'fbe_uninstall') {
      throw permanent(`the FBE handler cannot handle a ${event.kind} event`);
    }
    const p = event.payload;
    const { outcome, installation } = await installations.apply({
      externalBusinessId: p.externalBusinessId,
      change:
        event.kind === 'fbe_install'
          ? { kind: 'install', state: installState(p), token: storedToken(p) }
          : { kind: 'uninstall', state: installState(p) },
      at: new Date(event.occurredAt),
      eventId: event.eventId,
      source: 'webhook',
    });
    const context = {
      externalBusinessId: p.externalBusinessId,
      eventId: event.eventId,
      kind: event.kind,
      occurredAt: event.occurredAt,
    };
    if (outcome === 'stale') {
      logger.info(
        { ...context, lastEventAt: installation.lastEventAt.toISOString() },
        'FBE event older than the installation state; ignored',
      );
      return;
    }
    if (outcome === 'duplicate') {
      logger.debug(context, 'FBE event already applied');
      return;
    }
    logger.info(
      {
        ...context,
        status: installation.status,
        enabled: installation.features.filter((f) => f.enabled).map((f) => f.featureType),
        disabled: installation.features
          .filter((f) => !f.enabled)
          .map((f) => ({ type: f.featureType, reason: f.disabledReason, missing: f.missingAssets })),
      },
      event.kind === 'fbe_install' ? 'FBE install applied' : 'FBE uninstall applied',
    );
  }

  return { fbe_install: handle, fbe_uninstall: handle };
}
