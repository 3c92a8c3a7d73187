import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Channel } from './account-types.ts';
import { type FaultAction, faultError } from './faults.ts';
import { GraphError } from './graph-error.ts';
import { unexpected, unknownPath } from './meta-errors.ts';
import { param, pathOf } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';

/** What a Graph route answers. `raw` bypasses JSON.stringify (hand-written JSON, binary media). */
export interface CallResult {
  status?: number;
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface CallSpec {
  /** For fault matching; may depend on the request (`/{id}/messages` is WhatsApp or Messenger). */
  channel: Channel | 'graph' | ((req: FastifyRequest) => Channel | 'graph');
  accountId?: (req: FastifyRequest) => string | undefined;
  to?: (req: FastifyRequest) => string | undefined;
  run: (req: FastifyRequest) => CallResult | Promise<CallResult>;
}

const VERSION = /^v\d+\.\d+$/;

/**
 * Wraps every Graph route: version check, base latency, fault rules, then the route's logic, with
 * GraphErrors turned into Meta's envelope. Fault order: latency first, then an error answer
 * (nothing processed), a reset or timeout (by default before processing; `process: true` accepts
 * the send first so clients face "Meta has it but I never heard back").
 */
export function graphHandler(ctx: SimContext, spec: CallSpec) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const ver = (req.params as { ver?: string }).ver;
    if (ver !== undefined && !VERSION.test(ver)) return send(reply, errorResult(unknownPath(pathOf(req))));

    let action: Exclude<FaultAction, { type: 'latency' }> | undefined;
    let delay = ctx.settings.latencyMs;
    if (ctx.faults.active) {
      const decision = ctx.faults.decide({
        method: req.method,
        path: pathOf(req),
        channel: typeof spec.channel === 'function' ? spec.channel(req) : spec.channel,
        accountId: spec.accountId ? spec.accountId(req) : param(req, 'id') || undefined,
        to: spec.to?.(req),
      });
      delay += decision.latencyMs;
      action = decision.action;
    }
    if (delay > 0) await sleep(delay);

    if (action?.type === 'error') return send(reply, errorResult(faultError(action)));
    if (action && !action.process) {
      if (action.type === 'reset') return reset(req, reply);
      if (action.ms === undefined) return hang(reply);
      await sleep(action.ms);
    }
    const result = await execute(ctx, spec, req);
    if (action?.process) {
      if (action.type === 'reset') return reset(req, reply);
      if (action.ms === undefined) return hang(reply);
      await sleep(action.ms);
    }
    return send(reply, result);
  };
}

async function execute(ctx: SimContext, spec: CallSpec, req: FastifyRequest): Promise<CallResult> {
  try {
    return await spec.run(req);
  } catch (err) {
    if (err instanceof GraphError) return errorResult(err);
    ctx.logger.error({ err, path: pathOf(req) }, 'simulator route failed');
    return errorResult(unexpected());
  }
}

export function errorResult(err: GraphError): CallResult {
  const result: CallResult = { status: err.status, body: err.body() };
  if (err.headers) result.headers = err.headers;
  return result;
}

function send(reply: FastifyReply, result: CallResult): FastifyReply {
  reply.code(result.status ?? 200);
  if (result.headers) reply.headers(result.headers);
  if (result.raw !== undefined) {
    reply.type(result.contentType ?? 'application/json; charset=UTF-8');
    return reply.send(result.raw);
  }
  return reply.send(result.body);
}

/** A TCP reset, not a polite close: clients see ECONNRESET mid-request. */
function reset(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const socket = req.raw.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
  return reply;
}

/** Never answers; the connection stays open until the client gives up or the simulator stops. */
function hang(reply: FastifyReply): FastifyReply {
  reply.hijack();
  return reply;
}
