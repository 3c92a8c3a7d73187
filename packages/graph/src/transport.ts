import { Readable } from 'node:stream';
import type { Logger, Redactor } from '@omnistream/logger';
import { Agent, type Dispatcher } from 'undici';
import { appsecretProof } from './appsecret-proof.ts';
import { discardBody } from './discard-body.ts';
import { graphErrorFromResponse, graphErrorFromTransport } from './error-mapping.ts';
import { GraphError, GraphValidationError, type TimeoutPhase } from './errors.ts';
import { createScrub, type Scrub } from './scrub.ts';

/**
 * The HTTP layer every call goes through: one undici Agent (a keep-alive pool per origin) owned by
 * the client, Bearer tokens in the Authorization header (never in a URL that could be logged),
 * `appsecret_proof` on every Graph call when the app secret is configured, and every failure turned
 * into a GraphError.
 */

export type HostName = 'graph' | 'instagram' | 'instagramOAuth';

export interface HostConfig {
  origin: string;
  /** Version prefix taken from the configured base URL (`/v21.0`), '' when there is none. */
  basePath: string;
  appSecret: string | undefined;
}

export interface TransportOptions {
  hosts: Record<HostName, HostConfig | undefined>;
  timeouts: Record<TimeoutPhase, number>;
  connections: number;
  logger: Logger;
  redactor: Redactor | undefined;
  now: () => number;
  maxResponseBytes: number;
}

export interface CallOptions {
  host: HostName;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the version prefix (`/123/messages`), or the full path when `fullPath` is set. */
  path: string;
  fullPath?: boolean;
  token?: string | undefined;
  query?: Readonly<Record<string, string | undefined>> | URLSearchParams;
  /** POST body sent as JSON. */
  json?: unknown;
  /** POST body sent as application/x-www-form-urlencoded (OAuth exchanges: secrets stay out of URLs). */
  form?: Readonly<Record<string, string | undefined>>;
  /** POST body streamed as it is produced (multipart uploads: media-upload.ts), with its type. */
  stream?: { contentType: string; body: AsyncIterable<Buffer> };
  /** ids_for_apps / ids_for_pages refuse calls without appsecret_proof: fail before sending. */
  requireProof?: boolean;
  /** JSON.parse reviver, for responses holding integers beyond 2^53 (big-int-json.ts). */
  reviver?: (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
  /** Extra exact values (client secret, code) to scrub from errors. */
  secrets?: readonly (string | undefined)[];
}

interface TokenEntry {
  proofs: Record<HostName, string | undefined>;
  getHeaders: Record<string, string>;
  jsonHeaders: Record<string, string>;
  formHeaders: Record<string, string>;
}

const NO_TOKEN_HEADERS = {
  get: {},
  json: { 'content-type': 'application/json' },
  form: { 'content-type': 'application/x-www-form-urlencoded' },
} as const;

/** Tokens are few (one per integration); the cap only bounds memory if something loops over many. */
const MAX_CACHED_TOKENS = 1024;

export interface Transport {
  call(options: CallOptions): Promise<unknown>;
  readonly dispatcher: Dispatcher;
  readonly scrub: Scrub;
  readonly timeouts: Record<TimeoutPhase, number>;
  now(): number;
  hostOf(name: HostName): HostConfig;
  registerSecret(value: string | undefined): void;
  close(): Promise<void>;
}

export function createTransport(options: TransportOptions): Transport {
  const { hosts, timeouts, logger, redactor, now } = options;
  const scrub = createScrub(
    redactor,
    Object.values(hosts).map((h) => h?.appSecret),
  );
  const agent = new Agent({
    connections: options.connections,
    connect: { timeout: timeouts.connect },
    headersTimeout: timeouts.headers,
    bodyTimeout: timeouts.body,
    keepAliveTimeout: 30_000,
  });
  const tokens = new Map<string, TokenEntry>();

  function hostOf(name: HostName): HostConfig {
    const host = hosts[name];
    if (host === undefined) {
      throw new GraphValidationError('client configuration', [
        { path: name, message: `no base URL configured for ${name}` },
      ]);
    }
    return host;
  }

  function entryFor(token: string): TokenEntry {
    let entry = tokens.get(token);
    if (entry !== undefined) return entry;
    redactor?.addSecret(token);
    const authorization = `Bearer ${token}`;
    const proof = (name: HostName) => {
      const secret = hosts[name]?.appSecret;
      return secret === undefined ? undefined : appsecretProof(token, secret);
    };
    entry = {
      proofs: { graph: proof('graph'), instagram: proof('instagram'), instagramOAuth: undefined },
      getHeaders: { authorization },
      jsonHeaders: { authorization, 'content-type': 'application/json' },
      formHeaders: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    };
    if (tokens.size >= MAX_CACHED_TOKENS) {
      const oldest = tokens.keys().next().value;
      if (oldest !== undefined) tokens.delete(oldest);
    }
    tokens.set(token, entry);
    return entry;
  }

  function queryString(query: CallOptions['query'], proof: string | undefined): string {
    // Hot path (sends): no parameters but the proof, so no URLSearchParams (hex needs no escaping).
    if (query === undefined) return proof === undefined ? '' : `?appsecret_proof=${proof}`;
    const params = query instanceof URLSearchParams ? query : new URLSearchParams();
    if (!(query instanceof URLSearchParams)) {
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    }
    if (proof !== undefined) params.set('appsecret_proof', proof);
    const qs = params.toString();
    return qs === '' ? '' : `?${qs}`;
  }

  async function readText(
    body: Dispatcher.ResponseData['body'],
    declaredLength: string | string[] | undefined,
  ) {
    const length = typeof declaredLength === 'string' ? Number(declaredLength) : Number.NaN;
    if (length <= options.maxResponseBytes) return body.text();
    if (length > options.maxResponseBytes) {
      discardBody(body);
      throw tooLarge(length);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > options.maxResponseBytes) {
        discardBody(body);
        throw tooLarge(size);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function tooLarge(size: number): GraphError {
    return new GraphError({
      message: `Graph response of ${size} bytes exceeds the ${options.maxResponseBytes}-byte limit`,
      errorCode: 'GRAPH_RESPONSE_TOO_LARGE',
      category: 'unknown',
      retryable: false,
    });
  }

  async function call(call: CallOptions): Promise<unknown> {
    const host = hostOf(call.host);
    const entry = call.token === undefined ? undefined : entryFor(call.token);
    const proof = entry?.proofs[call.host];
    if (call.requireProof === true && proof === undefined) {
      throw new GraphValidationError(`${call.method} ${call.path}`, [
        { path: 'appSecret', message: 'this endpoint requires appsecret_proof: configure the app secret' },
      ]);
    }
    const path = call.fullPath === true ? call.path : host.basePath + call.path;
    const endpoint = `${call.method} ${path}`;
    let body: string | Readable | undefined;
    let headers: Record<string, string>;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers = entry?.jsonHeaders ?? NO_TOKEN_HEADERS.json;
    } else if (call.form !== undefined) {
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(call.form)) if (value !== undefined) form.set(key, value);
      body = form.toString();
      headers = entry?.formHeaders ?? NO_TOKEN_HEADERS.form;
    } else if (call.stream !== undefined) {
      body = Readable.from(call.stream.body, { objectMode: false });
      headers = { ...(entry?.getHeaders ?? NO_TOKEN_HEADERS.get), 'content-type': call.stream.contentType };
    } else {
      headers = entry?.getHeaders ?? NO_TOKEN_HEADERS.get;
    }
    const started = logger.isLevelEnabled('debug') ? now() : 0;

    let statusCode: number;
    let text: string;
    let responseHeaders: Dispatcher.ResponseData['headers'];
    try {
      const response = await agent.request({
        origin: host.origin,
        path: path + queryString(call.query, proof),
        method: call.method,
        headers,
        body,
      });
      statusCode = response.statusCode;
      responseHeaders = response.headers;
      text = await readText(response.body, response.headers['content-length']);
    } catch (err) {
      throw graphErrorFromTransport(err, endpoint, timeouts);
    }
    if (started !== 0) logger.debug({ endpoint, status: statusCode, ms: now() - started }, 'graph call');

    const fail = () =>
      graphErrorFromResponse({
        httpStatus: statusCode,
        headers: responseHeaders,
        bodyText: text,
        endpoint,
        nowMs: now(),
        scrub,
        secrets: [call.token, proof, ...(call.secrets ?? [])],
      });
    if (statusCode < 200 || statusCode >= 300) throw fail();
    let data: unknown;
    try {
      data = call.reviver === undefined ? JSON.parse(text) : JSON.parse(text, call.reviver);
    } catch {
      throw new GraphError({
        message: `Graph answered HTTP ${statusCode} with a body that is not JSON`,
        errorCode: 'GRAPH_UNEXPECTED_RESPONSE',
        category: 'unknown',
        // The call may have taken effect (a message sent): repeating it blindly could duplicate it.
        retryable: false,
        httpStatus: statusCode,
        endpoint,
        // No cause: V8's SyntaxError quotes the body, which is not ours to keep.
      });
    }
    // Graph occasionally answers 200 with an error envelope (batch-style and some legacy endpoints).
    const error = (data as { error?: unknown } | null)?.error;
    if (typeof error === 'object' && error !== null) throw fail();
    return data;
  }

  return {
    call,
    dispatcher: agent,
    scrub,
    timeouts,
    now,
    hostOf,
    registerSecret: (value) => redactor?.addSecret(value),
    close: () => agent.close(),
  };
}
