// Helpers shared by this package's tests (never imported by production code).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@omnistream/logger';
import { createGraphClient, type GraphClientOptions } from './graph-client.ts';

export function capturingLogger(level: 'silent' | 'debug' = 'silent'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'graph-test',
    level,
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  return { logger, lines };
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  query: URLSearchParams;
  path: string;
}

/** What a route does: answer, or misbehave like a broken network. */
export type Reply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string }
  | { reset: true }
  | { delayMs: number; reply: Reply }
  | { stallBodyAfterHeaders: true };

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

/** A tiny local HTTP server standing in for Graph: records every request, answers per handler. */
export interface FakeGraph {
  url: string;
  origin: string;
  requests: RecordedRequest[];
  connections: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function reply(res: ServerResponse, r: Reply): Promise<void> {
  if ('reset' in r) {
    res.socket?.destroy();
    return;
  }
  if ('delayMs' in r) {
    // wait-ok: the fake Graph's configured latency is the scenario
    await new Promise((resolve) => setTimeout(resolve, r.delayMs));
    if (!res.destroyed) await reply(res, r.reply);
    return;
  }
  if ('stallBodyAfterHeaders' in r) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"messages":');
    return;
  }
  const body = r.json !== undefined ? JSON.stringify(r.json) : (r.text ?? '');
  res.writeHead(r.status ?? 200, {
    'content-type': r.json !== undefined ? 'application/json' : 'text/html',
    ...r.headers,
  });
  res.end(body);
}

export async function startFakeGraph(initial: Handler = () => ({ json: {} })): Promise<FakeGraph> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const state = { connections: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://x');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        query: parsed.searchParams,
        path: parsed.pathname,
      };
      requests.push(recorded);
      await reply(res, await handler(recorded));
    });
  });
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    requests,
    get connections() {
      return state.connections;
    },
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const TIMEOUTS = { connectMs: 1000, headersMs: 1000, bodyMs: 1000 };

export function clientFor(
  graph: { origin: string },
  instagram: { origin: string } = graph,
  overrides: Partial<GraphClientOptions> = {},
) {
  return createGraphClient({
    graphUrl: `${graph.origin}/v21.0`,
    instagramUrl: `${instagram.origin}/ig/v21.0`,
    instagramOAuthUrl: `${instagram.origin}/ig-oauth`,
    timeouts: TIMEOUTS,
    logger: capturingLogger().logger,
    ...overrides,
  });
}
