import fixtures from '../fixtures/graph-errors.json' with { type: 'json' };
import type { GraphErrorSpec } from './graph-error.ts';

interface FixtureEntry {
  http_status: number;
  headers?: Record<string, string>;
  body: {
    error: {
      message: string;
      type: string;
      code: number;
      error_subcode?: number;
      error_data?: { messaging_product?: string; details: string };
      error_user_title?: string;
      error_user_msg?: string;
      is_transient?: boolean;
    };
  };
}

const entries = Object.entries(fixtures as unknown as Record<string, FixtureEntry>);

/**
 * The fixture body (fixtures/graph-errors.json, copied from the shared Meta fixtures) for a code,
 * so a fault rule saying only `{ code: 131026 }` answers exactly what Meta sends for it. With a
 * subcode the entry carrying that subcode wins; without one, the entry keyed by the bare code.
 */
export function presetError(code: number, subcode?: number): GraphErrorSpec | undefined {
  const found =
    (subcode === undefined ? undefined : entries.find(([, e]) => sameCode(e, code, subcode))) ??
    entries.find(([key]) => key === String(code));
  return found ? toSpec(found[1]) : undefined;
}

function sameCode(e: FixtureEntry, code: number, subcode: number): boolean {
  return e.body.error.code === code && e.body.error.error_subcode === subcode;
}

function toSpec(entry: FixtureEntry): GraphErrorSpec {
  const e = entry.body.error;
  const spec: GraphErrorSpec = { status: entry.http_status, code: e.code, message: e.message, type: e.type };
  if (e.error_subcode !== undefined) spec.subcode = e.error_subcode;
  if (e.error_data !== undefined) {
    spec.details = e.error_data.details;
    if (e.error_data.messaging_product !== undefined) spec.messagingProduct = e.error_data.messaging_product;
  }
  if (e.error_user_title !== undefined) spec.userTitle = e.error_user_title;
  if (e.error_user_msg !== undefined) spec.userMsg = e.error_user_msg;
  if (e.is_transient !== undefined) spec.isTransient = e.is_transient;
  if (entry.headers !== undefined) {
    spec.headers = Object.fromEntries(Object.entries(entry.headers).map(([k, v]) => [k.toLowerCase(), v]));
  }
  return spec;
}
