import type { IncomingHttpHeaders } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { appsecretProof } from './appsecret-proof.ts';
import { discardBody } from './discard-body.ts';
import { graphErrorFromResponse, graphErrorFromTransport } from './error-mapping.ts';
import { GraphError } from './errors.ts';
import { TokenSchema, validate } from './input-primitives.ts';
import type { HostName, Transport } from './transport.ts';

/**
 * Streaming downloads of media bytes: WhatsApp media URLs (lookaside.fbsbx.com, fetched with the
 * Bearer token, valid 5 minutes: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#download-media)
 * and Messenger / Instagram attachment URLs (scontent-*.xx.fbcdn.net, signed, expiring, no token:
 * https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages).
 *
 * SSRF guard: the first URL and every redirect target must be on an allowed host (the caller's list
 * plus the configured Graph hosts), otherwise nothing is requested from it. The token only goes to
 * the first origin. Nothing is buffered: the body is handed over as a stream with a byte cap.
 */

export interface OpenedMedia {
  body: Readable;
  contentType?: string;
  contentLength?: number;
  contentDisposition?: string;
  /** Stops the download (the connection is closed, not drained). */
  close(): void;
}

const AllowedHostsSchema = z
  .array(
    z
      .string()
      .regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, host:port, or a *.suffix pattern'),
  )
  .readonly();

const MaxBytesSchema = z
  .int()
  .min(1)
  .max(4 * 1024 * 1024 * 1024);

export const OpenMediaInputSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  token: TokenSchema,
  maxBytes: MaxBytesSchema,
  allowedHosts: AllowedHostsSchema,
});
export type OpenMediaInput = z.input<typeof OpenMediaInputSchema>;

export const OpenAttachmentInputSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  maxBytes: MaxBytesSchema,
  allowedHosts: AllowedHostsSchema,
});
export type OpenAttachmentInput = z.input<typeof OpenAttachmentInputSchema>;

const MAX_REDIRECTS = 3;
const MAX_ERROR_BODY = 64 * 1024;

/** `lookaside.fbsbx.com` matches itself; `*.fbcdn.net` matches any name below fbcdn.net (not fbcdn.net). */
export function hostMatches(url: URL, patterns: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  for (const raw of patterns) {
    const pattern = raw.toLowerCase();
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      if (hostname.endsWith(suffix) && hostname.length > suffix.length) return true;
    } else if (pattern === hostname || pattern === host) return true;
  }
  return false;
}

export function mediaTooLarge(size: number, maxBytes: number, endpoint: string): GraphError {
  return new GraphError({
    message: `Media of ${size} bytes exceeds the ${maxBytes}-byte limit`,
    errorCode: 'GRAPH_MEDIA_TOO_LARGE',
    category: 'bad_request',
    retryable: false,
    endpoint,
  });
}

function hostRefused(url: URL, why: string): GraphError {
  return new GraphError({
    // The host only: the query string may carry a signature, the path an id.
    message: `Refusing to fetch media from ${url.host}: ${why}`,
    errorCode: 'GRAPH_MEDIA_HOST_REFUSED',
    category: 'bad_request',
    retryable: false,
    endpoint: `GET ${url.origin}`,
  });
}

function expired(kind: 'media' | 'attachment', status: number, endpoint: string): GraphError {
  return new GraphError({
    message:
      kind === 'media'
        ? `The media URL answered HTTP ${status}: it has expired or is unknown; resolve the media id again`
        : `The attachment URL answered HTTP ${status}: it has expired or is unknown`,
    errorCode: kind === 'media' ? 'GRAPH_MEDIA_URL_EXPIRED' : 'GRAPH_ATTACHMENT_EXPIRED',
    category: 'bad_request',
    retryable: false,
    httpStatus: status,
    endpoint,
  });
}

/** A pass-through that fails (destroying the stream with GRAPH_MEDIA_TOO_LARGE) past `maxBytes`. */
function byteCap(maxBytes: number, endpoint: string): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(mediaTooLarge(size, maxBytes, endpoint));
      else callback(null, chunk);
    },
  });
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
};

export function createMediaOpenCalls(transport: Transport) {
  function graphHosts(): { name: HostName; origin: string }[] {
    const out: { name: HostName; origin: string }[] = [];
    for (const name of ['graph', 'instagram', 'instagramOAuth'] as const) {
      try {
        out.push({ name, origin: transport.hostOf(name).origin });
      } catch {
        // Host not configured.
      }
    }
    return out;
  }

  function allowed(url: URL, patterns: readonly string[]): boolean {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    // Graph hosts by origin (scheme, host and port): meta-sim on 127.0.0.1:PORT is allowed, another
    // port on the same machine is not.
    if (graphHosts().some((h) => h.origin === url.origin)) return true;
    return hostMatches(url, patterns);
  }

  async function open(
    kind: 'media' | 'attachment',
    url: string,
    token: string | undefined,
    maxBytes: number,
    allowedHosts: readonly string[],
  ): Promise<OpenedMedia> {
    let target = new URL(url);
    if (!allowed(target, allowedHosts)) throw hostRefused(target, 'not an allowed media host');
    const origin = target.origin;
    if (token !== undefined) transport.registerSecret(token);
    for (let hop = 0; ; hop++) {
      // The token goes only to the origin the caller named (Meta's media host), never to a redirect target.
      const sameOrigin = target.origin === origin;
      const sendToken = token !== undefined && sameOrigin;
      const graphHost = sendToken ? graphHosts().find((h) => h.origin === target.origin)?.name : undefined;
      const secret = graphHost === undefined ? undefined : transport.hostOf(graphHost).appSecret;
      const requestUrl = new URL(target);
      const proof = sendToken && secret !== undefined ? appsecretProof(token, secret) : undefined;
      if (proof !== undefined) requestUrl.searchParams.set('appsecret_proof', proof);
      const endpoint = `GET ${target.origin}${target.pathname}`;
      let response: Dispatcher.ResponseData;
      try {
        response = await transport.dispatcher.request({
          origin: requestUrl.origin,
          path: requestUrl.pathname + requestUrl.search,
          method: 'GET',
          headers: sendToken ? { authorization: `Bearer ${token}` } : {},
        });
      } catch (err) {
        throw graphErrorFromTransport(err, endpoint, transport.timeouts);
      }
      const { statusCode, headers, body } = response;
      const location = header(headers, 'location');
      if (statusCode >= 300 && statusCode < 400 && location !== undefined) {
        discardBody(body);
        let next: URL;
        try {
          next = new URL(location, target);
        } catch {
          throw hostRefused(target, 'it redirected to an invalid URL');
        }
        if (hop >= MAX_REDIRECTS) throw hostRefused(next, `more than ${MAX_REDIRECTS} redirects`);
        if (!allowed(next, allowedHosts))
          throw hostRefused(next, 'redirect target is not an allowed media host');
        target = next;
        continue;
      }
      if (statusCode < 200 || statusCode >= 300) {
        let text = '';
        try {
          text = await readCapped(body, MAX_ERROR_BODY);
        } catch {
          // The status is enough.
        }
        if (statusCode === 403 || statusCode === 404 || statusCode === 410)
          throw expired(kind, statusCode, endpoint);
        throw graphErrorFromResponse({
          httpStatus: statusCode,
          headers,
          bodyText: text,
          endpoint,
          nowMs: transport.now(),
          scrub: transport.scrub,
          secrets: [token, proof],
        });
      }
      const declared = Number(header(headers, 'content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        discardBody(body);
        throw mediaTooLarge(declared, maxBytes, endpoint);
      }
      const capped = byteCap(maxBytes, endpoint);
      body.on('error', (err: Error) =>
        capped.destroy(graphErrorFromTransport(err, endpoint, transport.timeouts) as Error),
      );
      capped.on('close', () => {
        if (!body.destroyed && !body.readableEnded) discardBody(body);
      });
      body.pipe(capped);
      const opened: OpenedMedia = {
        body: capped,
        close() {
          discardBody(body);
          capped.destroy();
        },
      };
      const contentType = header(headers, 'content-type');
      if (contentType !== undefined) opened.contentType = contentType;
      if (Number.isFinite(declared) && header(headers, 'content-length') !== undefined) {
        opened.contentLength = declared;
      }
      const disposition = header(headers, 'content-disposition');
      if (disposition !== undefined) opened.contentDisposition = disposition;
      return opened;
    }
  }

  async function readCapped(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        chunks.push(buf.subarray(0, buf.length - (size - limit)));
        discardBody(body);
        break;
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  return {
    /**
     * Opens a WhatsApp media URL (from getMediaUrl) as a stream. 403/404/410 → GRAPH_MEDIA_URL_EXPIRED
     * (resolve the media id again); 401 → the token error; 429/5xx → retryable with retryAfterMs;
     * larger than maxBytes → GRAPH_MEDIA_TOO_LARGE (before streaming when declared, else the body
     * stream is destroyed with it); a host outside allowedHosts → GRAPH_MEDIA_HOST_REFUSED.
     */
    async openMedia(input: OpenMediaInput): Promise<OpenedMedia> {
      const { url, token, maxBytes, allowedHosts } = validate(OpenMediaInputSchema, input, 'media download');
      return open('media', url, token, maxBytes, allowedHosts);
    },
    /** Opens a Messenger / Instagram CDN attachment URL: same rules, no token; expired → GRAPH_ATTACHMENT_EXPIRED. */
    async openAttachment(input: OpenAttachmentInput): Promise<OpenedMedia> {
      const { url, maxBytes, allowedHosts } = validate(
        OpenAttachmentInputSchema,
        input,
        'attachment download',
      );
      return open('attachment', url, undefined, maxBytes, allowedHosts);
    },
  };
}
