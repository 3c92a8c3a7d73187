import type { Queryable } from '@omnistream/db';
import { countIntegrations } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuthFailureReason } from './admin-auth.ts';

/** The gateway's domain metrics, listed in docs/services.md (api-gateway, "Metrics"). */
export interface GatewayMetrics {
  authFailure(reason: AuthFailureReason): void;
  /** Dead letters a replay published again, or skipped (by the skip's reason). */
  dlqReplayed(outcome: string, count: number): void;
  templateSync(outcome: 'ok' | 'failed'): void;
  tokenRefresh(outcome: 'refreshed' | 'refused' | 'deferred'): void;
  /** Media bytes that went through the gateway (download: to the caller; upload: to Meta). */
  mediaBytes(direction: 'download' | 'upload', channel: string, bytes: number): void;
  /** A media request that failed, by reason (not_found, expired, too_large, host_refused, …). */
  mediaError(reason: string): void;
}

/** Metrics that change nothing: for tests and tools that build parts of the gateway alone. */
export const NO_METRICS: GatewayMetrics = {
  authFailure() {},
  dlqReplayed() {},
  templateSync() {},
  tokenRefresh() {},
  mediaBytes() {},
  mediaError() {},
};

/**
 * Counters incremented where things happen, and two gauges read from PostgreSQL on each scrape
 * (one grouped count each, on small tables): the integrations by state and the dead letters not
 * replayed yet. A scrape while PostgreSQL is down leaves those two gauges empty rather than stale.
 */
export function createGatewayMetrics(deps: {
  registry: Registry;
  pool: Queryable;
  logger: Logger;
}): GatewayMetrics {
  const registers = [deps.registry];
  const authFailures = new Counter({
    name: 'omnistream_gateway_admin_auth_failures_total',
    help: 'Refused admin authentications by reason (missing, malformed, unknown, rate_limited, session, csrf)',
    labelNames: ['reason'] as const,
    registers,
  });
  const dlqReplays = new Counter({
    name: 'omnistream_gateway_dlq_replays_total',
    help: 'Dead letters replayed (outcome replayed) or skipped by a replay (outcome: the skip reason)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const mediaBytes = new Counter({
    name: 'omnistream_gateway_media_bytes_total',
    help: 'Media bytes streamed through the gateway, by direction (download to the caller, upload to Meta) and channel',
    labelNames: ['direction', 'channel'] as const,
    registers,
  });
  const mediaErrors = new Counter({
    name: 'omnistream_gateway_media_errors_total',
    help: 'Failed media downloads and uploads by reason (not_found, expired, too_large, host_refused, sha256_mismatch, bad_type, meta_throttled, token_refused, upstream)',
    labelNames: ['reason'] as const,
    registers,
  });
  const templateSyncs = new Counter({
    name: 'omnistream_gateway_template_syncs_total',
    help: 'WABA template syncs from Meta by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const tokenRefreshes = new Counter({
    name: 'omnistream_gateway_token_refreshes_total',
    help: 'Instagram token refreshes by outcome (refreshed, refused: needs re-authorization, deferred: retried next pass)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const onScrapeFailure = (err: unknown) =>
    deps.logger.warn({ err }, 'metrics: could not read counts from PostgreSQL');
  new Gauge({
    name: 'omnistream_gateway_integrations',
    help: 'Integrations by channel, status (active, disabled) and connection status',
    labelNames: ['channel', 'status', 'connection_status'] as const,
    registers,
    async collect() {
      this.reset();
      try {
        for (const c of await countIntegrations(deps.pool)) {
          this.set({ channel: c.channel, status: c.status, connection_status: c.connectionStatus }, c.count);
        }
      } catch (err) {
        onScrapeFailure(err);
      }
    },
  });
  new Gauge({
    name: 'omnistream_gateway_dlq_dead_letters',
    help: 'Dead letters mirrored from the DLQ topic and not replayed yet',
    registers,
    async collect() {
      this.reset();
      try {
        const { rows } = await deps.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL',
        );
        this.set(Number(rows[0]?.n ?? 0));
      } catch (err) {
        onScrapeFailure(err);
      }
    },
  });
  return {
    authFailure: (reason) => authFailures.inc({ reason }),
    dlqReplayed: (outcome, count) => {
      if (count > 0) dlqReplays.inc({ outcome }, count);
    },
    templateSync: (outcome) => templateSyncs.inc({ outcome }),
    mediaBytes: (direction, channel, bytes) => mediaBytes.inc({ direction, channel }, bytes),
    mediaError: (reason) => mediaErrors.inc({ reason }),
    tokenRefresh: (outcome) => tokenRefreshes.inc({ outcome }),
  };
}
