import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository, TokenProvider } from '@omnistream/integrations';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type { MarketingPreferencesRepository, OutboundMessagesRepository } from '@omnistream/outbound';
import type { InDoubtPolicy } from '../in-doubt.ts';
import type { RateLimits } from '../rate-limits.ts';
import type { SenderMetrics } from '../sender-metrics.ts';

export interface SendSettings {
  maxAttempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** How long commands wait for a new token after error 190 (or for an unknown integration). */
  reauthWaitMs: number;
  reauthPollMs: number;
  /** A command left in sending by a sender that is gone: send it again, or dead-letter it (default resend). */
  inDoubt?: InDoubtPolicy | undefined;
  /** How often a command another live sender holds is checked while waiting for its outcome (default 1 s). */
  claimPollMs?: number | undefined;
}

export interface SendProcessorDeps {
  graph: Pick<GraphClient, 'send'>;
  tokens: Pick<TokenProvider, 'byIntegrationId'>;
  integrations: Pick<IntegrationsRepository, 'flagNeedsReauth'>;
  outbound: OutboundMessagesRepository;
  preferences: Pick<MarketingPreferencesRepository, 'marketingStoppedAt'>;
  producer: Pick<Producer, 'send'>;
  topics: { results: string; dlq: string };
  limits: RateLimits;
  logger: Logger;
  metrics: SenderMetrics;
  settings: SendSettings;
  /** This process in sender_instances: the claimant it records on the rows it sends. */
  instanceId: string;
}

export type GraphSent = Awaited<ReturnType<SendProcessorDeps['graph']['send']>>;
