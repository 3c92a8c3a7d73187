import type { InboundEventOf, TemplateStatusPayload } from '@omnistream/events';
import type { TokenProvider } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { integrationToken, type TokenSource } from '../../shared/integration-token.ts';
import type { TemplateChange } from './template.ts';
import type { TemplateSync } from './template-sync.ts';
import type { TemplatesRepository } from './templates.repository.ts';

// Meta's `event` says what happened, which is not always the template's status afterwards
// (message_template_status_update reference): REINSTATED and UNARCHIVED make it sendable again
// (APPROVED); FLAGGED (at risk), LOCKED / UNLOCKED (editing) and LIMIT_EXCEEDED (the WABA's template
// count) leave the status as it was. Every other event is the new status verbatim, including values
// Meta adds later.
const BECOMES_APPROVED = new Set(['REINSTATED', 'UNARCHIVED']);
const KEEPS_STATUS = new Set(['FLAGGED', 'LOCKED', 'UNLOCKED', 'LIMIT_EXCEEDED']);

function changeOf(payload: TemplateStatusPayload): TemplateChange {
  switch (payload.field) {
    case 'message_template_status_update': {
      const event = payload.event.toUpperCase();
      const status = BECOMES_APPROVED.has(event) ? 'APPROVED' : KEEPS_STATUS.has(event) ? null : event;
      // "NONE" (or nothing) when there is no rejection reason.
      const reason = payload.reason && payload.reason.toUpperCase() !== 'NONE' ? payload.reason : null;
      return { field: 'status', event, status, reason };
    }
    case 'message_template_quality_update':
      return { field: 'quality', quality: payload.quality.current };
    case 'template_category_update':
      return { field: 'category', category: payload.category.current };
  }
}

/**
 * `template_status` events → whatsapp_templates, at once. A webhook about a template the table does
 * not hold (created in WhatsApp Manager, or whose create response has not been stored yet) triggers
 * a sync of its WABA instead of inserting what the webhook knows: the webhook has no components and
 * (for status and quality updates) no category, and a half-filled row would look sendable-but-empty
 * to whoever reads the table. The sync brings the full definition, then the webhook is applied on
 * top (still subject to the newer-wins rule). If Meta cannot be reached the event is logged and
 * skipped rather than retried: the periodic sync will bring the template, and a Meta outage must
 * not hold up the inbound partition.
 */
export function createTemplateStatusHandler(deps: {
  repository: Pick<TemplatesRepository, 'applyChange'>;
  sync: TemplateSync;
  tokens: TokenSource & Pick<TokenProvider, 'integrationIdFor'>;
  logger: Logger;
}): (event: InboundEventOf<'template_status'>) => Promise<void> {
  const log = deps.logger.child({ component: 'template-status' });

  /** The integration that reads the WABA; an integration added since the last token poll counts. */
  async function integrationOfWaba(wabaId: string): Promise<string | null> {
    const known = deps.tokens.integrationIdFor('whatsapp', wabaId);
    if (known) return known;
    await deps.tokens.refresh();
    return deps.tokens.integrationIdFor('whatsapp', wabaId);
  }

  return async (event) => {
    const wabaId = event.account.wabaId ?? event.account.id;
    const { templateId, templateName, language } = event.payload;
    const change = changeOf(event.payload);
    const apply = () =>
      deps.repository.applyChange({ wabaId, ref: { templateId }, change, at: new Date(event.occurredAt) });
    const context = { eventId: event.eventId, wabaId, templateId, templateName, language, change };

    const outcome = await apply();
    if (outcome !== 'missing') {
      log.debug({ ...context, outcome }, 'template webhook applied');
      return;
    }

    const integrationId = event.integrationId ?? (await integrationOfWaba(wabaId));
    const access = integrationId ? await integrationToken(deps.tokens, integrationId) : null;
    if (!access) {
      log.info(context, 'template webhook for a WABA without an active integration; skipped');
      return;
    }
    try {
      await deps.sync.syncWaba({ wabaId, ...access });
    } catch (err) {
      log.warn(
        { ...context, err },
        'unknown template and its WABA could not be synced; the periodic sync will',
      );
      return;
    }
    const after = await apply();
    if (after === 'missing') log.info(context, 'template webhook for a template Meta does not list; skipped');
    else log.info({ ...context, outcome: after }, 'unknown template synced from Meta, webhook applied');
  };
}
