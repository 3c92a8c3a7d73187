import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.d.ts';

/**
 * The console's only way to the gateway: the public admin API, typed from the gateway's own
 * /openapi.json (schema.d.ts). The session cookie goes along by itself (same origin); calls that
 * change something add the session's CSRF token. A 401 means the session ended: the app shows
 * the sign-in again.
 */
export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });

let csrfToken: string | null = null;
let onSignedOut: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !['GET', 'HEAD'].includes(request.method))
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/console/session'))
      onSignedOut();
    return response;
  },
};
api.use(session);

/** The gateway's error answer: `{ error: { code, message, details } }`. */
export interface ApiError {
  code?: string;
  message?: string;
  details?: unknown;
}

/** A message for a person from whatever an admin API call failed with. */
export function errorText(error: unknown, fallback = 'The gateway refused the request.'): string {
  const e = (error as { error?: ApiError } | undefined)?.error;
  if (e?.message) return e.message;
  if (error instanceof Error) return error.message;
  return fallback;
}

/** Data of a call, or an Error carrying the gateway's message. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) {
    if (response.ok && data === undefined) return undefined as T;
    throw new Error(errorText(error, `${response.status} ${response.statusText}`));
  }
  return data;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
/** The JSON a route answers on success (200, else 201), e.g. `Ok<'/admin/dlq', 'get'>`. */
export type Ok<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer B }
      ? JsonOf<B>
      : never
  : never;
