/** A WhatsApp message template as stored: Meta's definition plus what its webhooks told us. */
export interface WhatsAppTemplate {
  /** Meta's template id. */
  templateId: string;
  wabaId: string;
  /** The integration whose token last wrote the row (templates belong to the WABA, not to it). */
  integrationId: string;
  name: string;
  language: string;
  category: string | null;
  status: string;
  qualityScore: string | null;
  rejectedReason: string | null;
  parameterFormat: string | null;
  components: Record<string, unknown>[];
  lastStatusEvent: string | null;
  syncedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What one sync changed in the table. */
export interface SyncCounts {
  /** Templates Meta listed. */
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Rows deleted because Meta no longer lists them. */
  removed: number;
}

/** Which row a webhook is about: Meta's id, or name + language when only those are known. */
export type TemplateRef = { templateId: string } | { name: string; language: string };

/** One template webhook, already translated into what it changes (see template-status.handler.ts). */
export type TemplateChange =
  /** status null: the event says something (FLAGGED, LOCKED, …) without changing the status. */
  | { field: 'status'; event: string; status: string | null; reason: string | null }
  | { field: 'quality'; quality: string }
  | { field: 'category'; category: string };

/** applied: the row changed. stale: a newer webhook was already applied. missing: no such row. */
export type ApplyOutcome = 'applied' | 'stale' | 'missing';
