import type { Integration, IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { TokenSource } from '../../shared/integration-token.ts';
import type { TemplateSync } from './template-sync.ts';

export interface PeriodicTemplateSync {
  /** Stops scheduling passes and waits for the one in progress (it ends after its current WABA). */
  stop(): Promise<void>;
}

/**
 * Syncs the templates of every active WhatsApp integration's WABA: once right after start, then
 * `intervalMs` after the previous pass ended, so passes never overlap however long one takes. A WABA
 * shared by several integrations is read once, with the oldest integration's token (the one the
 * token provider routes its webhooks to). A failed WABA is logged and the pass goes on; a failed
 * pass is logged and the next one is scheduled as usual: webhooks and the next pass catch up.
 */
export function startPeriodicTemplateSync(deps: {
  intervalMs: number;
  integrations: Pick<IntegrationsRepository, 'list'>;
  tokens: Pick<TokenSource, 'byIntegrationId'>;
  sync: TemplateSync;
  logger: Logger;
}): PeriodicTemplateSync {
  const log = deps.logger.child({ component: 'template-sync' });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | null = null;

  async function* activeWhatsApp(): AsyncGenerator<Integration> {
    let cursor: string | null = null;
    do {
      const page = await deps.integrations.list({
        channel: 'whatsapp',
        status: 'active',
        limit: 200,
        cursor,
      });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async function runPass(): Promise<void> {
    const started = Date.now();
    const seen = new Set<string>();
    let synced = 0;
    let failed = 0;
    for await (const integration of activeWhatsApp()) {
      if (stopped) return;
      const wabaId = integration.wabaId;
      if (!wabaId || seen.has(wabaId)) continue;
      // The provider's snapshot holds active integrations only; one not in it yet is picked up by
      // the next pass rather than forcing a reload of every token here.
      const token = deps.tokens.byIntegrationId(integration.id)?.token;
      if (!token) continue;
      seen.add(wabaId);
      try {
        await deps.sync.syncWaba({ wabaId, integrationId: integration.id, token });
        synced++;
      } catch (err) {
        failed++;
        log.warn({ err, wabaId, integrationId: integration.id }, 'template sync of a WABA failed');
      }
    }
    log.info({ wabas: synced, failed, ms: Date.now() - started }, 'template sync pass done');
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = runPass()
        .catch((err) => log.error({ err }, 'template sync pass failed'))
        .finally(() => {
          pass = null;
          schedule(deps.intervalMs);
        });
    }, delayMs);
    timer.unref();
  }

  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
