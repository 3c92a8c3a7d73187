import type { FastifyRequest } from 'fastify';

// Graph takes parameters from the query string and from JSON or form bodies alike; these read one
// without caring where it came from.

export function param(req: FastifyRequest, name: string): string {
  return (req.params as Record<string, string>)[name] ?? '';
}

export function queryField(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

export function bodyField(req: FastifyRequest, name: string): string | undefined {
  const body = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** A parameter from the query string or the body, query first (as Graph merges them). */
export function field(req: FastifyRequest, name: string): string | undefined {
  return queryField(req, name) ?? bodyField(req, name);
}

/** Path without the query string. */
export function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}
