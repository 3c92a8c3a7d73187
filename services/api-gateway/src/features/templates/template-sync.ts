import type { GraphClient } from '@omnistream/graph';
import type { Logger } from '@omnistream/logger';
import type { SyncCounts } from './template.ts';
import type { TemplatesRepository } from './templates.repository.ts';

/** Page size asked of Meta (its default is 25; a WABA holds up to 250 templates, 6000 when verified). */
const PAGE_SIZE = 100;

export interface SyncTarget {
  wabaId: string;
  /** The integration whose token reads the WABA. */
  integrationId: string;
  token: string;
}

export interface SyncReport extends SyncCounts {
  wabaId: string;
}

export interface TemplateSync {
  /**
   * Re-reads the WABA's templates from Meta (every page) and mirrors them into the table. Syncs of
   * one WABA never run at once: a call made while one runs waits for it and then gets the next run
   * (shared by every caller that arrived meanwhile), so its result reflects Meta after the call.
   */
  syncWaba(target: SyncTarget): Promise<SyncReport>;
}

export function createTemplateSync(deps: {
  repository: Pick<TemplatesRepository, 'now' | 'replaceFromMeta'>;
  graph: Pick<GraphClient, 'listTemplates'>;
  logger: Logger;
}): TemplateSync {
  const { repository, graph, logger } = deps;
  const running = new Map<string, Promise<unknown>>();
  const queued = new Map<string, Promise<SyncReport>>();

  async function run(target: SyncTarget): Promise<SyncReport> {
    const listedSince = await repository.now();
    const templates = await graph.listTemplates({
      wabaId: target.wabaId,
      token: target.token,
      limit: PAGE_SIZE,
    });
    const counts = await repository.replaceFromMeta({
      wabaId: target.wabaId,
      integrationId: target.integrationId,
      templates,
      listedSince,
    });
    const changed = counts.added + counts.updated + counts.removed > 0;
    logger[changed ? 'info' : 'debug'](
      { wabaId: target.wabaId, integrationId: target.integrationId, ...counts },
      'templates synced from Meta',
    );
    return { wabaId: target.wabaId, ...counts };
  }

  function start(target: SyncTarget): Promise<SyncReport> {
    const work = run(target);
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    running.set(target.wabaId, settled);
    void settled.then(() => {
      if (running.get(target.wabaId) === settled) running.delete(target.wabaId);
    });
    return work;
  }

  return {
    syncWaba(target) {
      const waiting = queued.get(target.wabaId);
      if (waiting) return waiting;
      const current = running.get(target.wabaId);
      if (!current) return start(target);
      const next = current.then(() => {
        queued.delete(target.wabaId);
        return start(target);
      });
      queued.set(target.wabaId, next);
      return next;
    },
  };
}
