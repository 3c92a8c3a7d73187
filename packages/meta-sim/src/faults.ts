import type { Channel } from './account-types.ts';
import { GraphError, type GraphErrorSpec } from './graph-error.ts';
import { presetError } from './preset-errors.ts';
import { createRng, type Rng } from './rng.ts';

/** What a call looked like, for matching. `graph` = any call that is not a send (tokens, media…). */
export interface CallContext {
  method: string;
  path: string;
  channel: Channel | 'graph';
  accountId: string | undefined;
  to: string | undefined;
}

export interface FaultMatch {
  method?: string;
  /** Glob on the path without query: `*` = one segment's characters, `**` = anything. Or a RegExp. */
  pathPattern?: string | RegExp;
  /** Regular expression source, for the HTTP control API. */
  pathRegex?: string;
  channel?: Channel | 'graph';
  accountId?: string;
  to?: string;
}

export type FaultAction =
  | {
      /** Answer with a Meta error body. Known codes (fixtures) fill in the rest of the body. */
      type: 'error';
      status?: number;
      code?: number;
      subcode?: number;
      errorType?: string;
      message?: string;
      details?: string;
      isTransient?: boolean;
      /** Seconds, sent as the Retry-After header. */
      retryAfter?: number;
      headers?: Record<string, string>;
    }
  | {
      /** Destroy the socket without an answer. `process: true` accepts the send first. */
      type: 'reset';
      process?: boolean;
    }
  | {
      /** Never answer (`ms` omitted), or answer normally after `ms`. `process: true` accepts first. */
      type: 'timeout';
      ms?: number;
      process?: boolean;
    }
  | {
      /** Extra delay before normal handling; several matching latency rules add up. */
      type: 'latency';
      ms: number;
    };

export interface FaultRuleInput {
  id?: string;
  match?: FaultMatch;
  action: FaultAction;
  /** Share of matching calls affected, drawn from a seeded RNG (default 1). */
  probability?: number;
  /** Affect only the next N matching calls (after the probability draw). */
  times?: number;
  /** RNG seed for this rule; default derived from the simulator seed and the rule's position. */
  seed?: number;
}

export interface FaultRule {
  id: string;
  match: FaultMatch;
  action: FaultAction;
  probability: number;
  times?: number;
  /** Calls this rule has affected. */
  hits: number;
  /** Matching calls seen (affected or not). */
  seen: number;
  exhausted: boolean;
}

export interface FaultDecision {
  latencyMs: number;
  /** The error/reset/timeout to apply, if a rule fired. */
  action?: Exclude<FaultAction, { type: 'latency' }>;
  ruleId?: string;
}

export interface Faults {
  add(rule: FaultRuleInput): FaultRule;
  remove(id: string): boolean;
  list(): FaultRule[];
  clear(): void;
  /** Re-seeds rules created from now on. */
  reseed(seed: number): void;
  readonly active: boolean;
  decide(ctx: CallContext): FaultDecision;
}

interface CompiledRule {
  rule: FaultRule;
  path: RegExp | undefined;
  rng: Rng;
}

export function createFaults(seed = 1): Faults {
  let compiled: CompiledRule[] = [];
  let baseSeed = seed;
  let created = 0;

  return {
    add(input) {
      created++;
      const rule: FaultRule = {
        id: input.id ?? `fault-${created}`,
        match: input.match ?? {},
        action: input.action,
        probability: input.probability ?? 1,
        hits: 0,
        seen: 0,
        exhausted: input.times !== undefined && input.times <= 0,
      };
      if (input.times !== undefined) rule.times = input.times;
      if (compiled.some((c) => c.rule.id === rule.id)) throw new Error(`fault rule ${rule.id} exists`);
      compiled.push({
        rule,
        path: compilePath(rule.match),
        rng: createRng(input.seed ?? baseSeed * 1_000_003 + created),
      });
      return rule;
    },
    remove(id) {
      const before = compiled.length;
      compiled = compiled.filter((c) => c.rule.id !== id);
      return compiled.length !== before;
    },
    list: () => compiled.map((c) => ({ ...c.rule })),
    clear() {
      compiled = [];
      created = 0;
    },
    reseed(next) {
      baseSeed = next;
    },
    get active() {
      return compiled.length > 0;
    },
    decide(ctx) {
      const decision: FaultDecision = { latencyMs: 0 };
      for (const c of compiled) {
        const { rule } = c;
        if (rule.exhausted || !matches(c, ctx)) continue;
        if (rule.action.type !== 'latency' && decision.action) continue;
        rule.seen++;
        if (rule.probability < 1 && c.rng() >= rule.probability) continue;
        rule.hits++;
        if (rule.times !== undefined && rule.hits >= rule.times) rule.exhausted = true;
        if (rule.action.type === 'latency') decision.latencyMs += rule.action.ms;
        else {
          decision.action = rule.action;
          decision.ruleId = rule.id;
        }
      }
      return decision;
    },
  };
}

function matches(c: CompiledRule, ctx: CallContext): boolean {
  const m = c.rule.match;
  return (
    (m.method === undefined || m.method.toUpperCase() === ctx.method) &&
    (m.channel === undefined || m.channel === ctx.channel) &&
    (m.accountId === undefined || m.accountId === ctx.accountId) &&
    (m.to === undefined || m.to === ctx.to) &&
    (c.path === undefined || c.path.test(ctx.path))
  );
}

function compilePath(match: FaultMatch): RegExp | undefined {
  if (match.pathRegex !== undefined) return new RegExp(match.pathRegex);
  if (match.pathPattern === undefined) return undefined;
  if (match.pathPattern instanceof RegExp) return match.pathPattern;
  const source = match.pathPattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** The Meta error a fault rule answers with: the fixture body for a known code, then overrides. */
export function faultError(action: Extract<FaultAction, { type: 'error' }>): GraphError {
  const status = action.status;
  const code = action.code ?? (status !== undefined && status < 500 ? 1 : 2);
  const preset = presetError(code, action.subcode);
  const spec: GraphErrorSpec = preset
    ? { ...preset }
    : {
        status: status ?? 400,
        code,
        message:
          code === 2 ? 'Service temporarily unavailable' : `(#${code}) An unknown error occurred (simulated)`,
        isTransient: code === 2 ? true : undefined,
      };
  if (status !== undefined) spec.status = status;
  if (action.subcode !== undefined) spec.subcode = action.subcode;
  if (action.errorType !== undefined) spec.type = action.errorType;
  if (action.message !== undefined) spec.message = action.message;
  if (action.details !== undefined) spec.details = action.details;
  if (action.isTransient !== undefined) spec.isTransient = action.isTransient;
  const headers = { ...(preset?.headers ?? {}), ...(action.headers ?? {}) };
  if (action.retryAfter !== undefined) headers['retry-after'] = String(action.retryAfter);
  if (Object.keys(headers).length > 0) spec.headers = headers;
  return new GraphError(spec);
}
