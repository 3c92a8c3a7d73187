import { GraphError } from './errors.ts';
import { asObject, type JsonObject, objects } from './responses.ts';
import type { HostName, Transport } from './transport.ts';

/**
 * Graph cursor paging: `{data:[…], paging:{cursors:{before,after}, next?}}`; the last page has no
 * `next`. `next` is an absolute URL that carries `access_token=…` in its query (see
 * /tmp/meta-fixtures/graph-responses.json): it is followed only on the configured origin, with the
 * token moved back into the Authorization header and a fresh appsecret_proof.
 */

export const DEFAULT_MAX_PAGES = 100;

export interface PagingOptions {
  host: HostName;
  path: string;
  token: string;
  query?: Record<string, string | undefined>;
  maxPages?: number | undefined;
  requireProof?: boolean;
}

/** Parameters of `next` URLs that must not be echoed back: credentials travel in headers. */
const CREDENTIAL_PARAMS = ['access_token', 'appsecret_proof'];

function pageKey(path: string, query: URLSearchParams): string {
  for (const param of CREDENTIAL_PARAMS) query.delete(param);
  query.sort();
  const qs = query.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

function pagingError(errorCode: string, message: string, endpoint: string): GraphError {
  // Not retryable: the same listing would loop or overflow again.
  return new GraphError({ message, errorCode, category: 'unknown', retryable: false, endpoint });
}

export async function collectPages(transport: Transport, options: PagingOptions): Promise<JsonObject[]> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const host = transport.hostOf(options.host);
  const endpoint = `GET ${host.basePath}${options.path}`;
  const items: JsonObject[] = [];
  const firstQuery = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) firstQuery.set(k, v);
  const seen = new Set<string>([pageKey(host.basePath + options.path, firstQuery)]);
  let request: {
    path: string;
    fullPath: boolean;
    query: Record<string, string | undefined> | URLSearchParams;
  } = {
    path: options.path,
    fullPath: false,
    query: options.query ?? {},
  };
  for (let page = 1; ; page++) {
    const data = asObject(
      await transport.call({
        host: options.host,
        method: 'GET',
        token: options.token,
        requireProof: options.requireProof,
        ...request,
      }),
      endpoint,
    );
    items.push(...objects(data.data));
    const next = (data.paging as { next?: unknown } | undefined)?.next;
    if (typeof next !== 'string' || next === '') return items;
    if (page >= maxPages) {
      throw pagingError('GRAPH_PAGING_LIMIT', `Gave up paging ${endpoint} after ${maxPages} pages`, endpoint);
    }
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw pagingError(
        'GRAPH_UNEXPECTED_RESPONSE',
        `Graph answered ${endpoint} with an invalid paging.next`,
        endpoint,
      );
    }
    if (url.origin !== host.origin) {
      // Following it would hand the token to another host.
      throw pagingError(
        'GRAPH_PAGING_FOREIGN_ORIGIN',
        `paging.next of ${endpoint} points to another origin`,
        endpoint,
      );
    }
    const key = pageKey(url.pathname, url.searchParams);
    if (seen.has(key)) {
      throw pagingError('GRAPH_PAGING_LOOP', `paging.next of ${endpoint} repeats an earlier page`, endpoint);
    }
    seen.add(key);
    request = { path: url.pathname, fullPath: true, query: url.searchParams };
  }
}
