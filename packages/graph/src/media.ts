import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { appsecretProof } from './appsecret-proof.ts';
import { discardBody } from './discard-body.ts';
import { graphErrorFromResponse, graphErrorFromTransport } from './error-mapping.ts';
import { GraphError } from './errors.ts';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { createMediaOpenCalls } from './media-open.ts';
import { createMediaUploadCalls } from './media-upload.ts';
import { asObject, optionalNumber, optionalString, requiredString } from './responses.ts';
import type { HostName, Transport } from './transport.ts';

/**
 * WhatsApp media: `GET /{media-id}` answers a URL valid for about 5 minutes that must be fetched with
 * the same Bearer token (WhatsApp Cloud API, Media reference). The URL (lookaside.fbsbx.com) may
 * redirect to another host; the token is not forwarded across origins.
 */

export const GetMediaUrlInputSchema = z.strictObject({ mediaId: PathIdSchema, token: TokenSchema });
export type GetMediaUrlInput = z.input<typeof GetMediaUrlInputSchema>;

export interface MediaInfo {
  id: string;
  url: string;
  mimeType?: string;
  sha256?: string;
  /** A number in real answers although the docs show a string. */
  fileSize?: number;
}

export const DownloadMediaInputSchema = z.strictObject({
  /** The `url` from getMediaUrl (any http(s) origin: Meta's media hosts vary). */
  url: z.url({ protocol: /^https?$/ }),
  token: TokenSchema,
  /** Refuse (and stop reading) anything larger. WhatsApp's own ceiling is 100 MB (documents). */
  maxBytes: z
    .int()
    .min(1)
    .max(512 * 1024 * 1024),
});
export type DownloadMediaInput = z.input<typeof DownloadMediaInputSchema>;

export interface DownloadedMedia {
  data: Buffer;
  contentType?: string;
  size: number;
}

const MAX_REDIRECTS = 3;
const MAX_ERROR_BODY = 64 * 1024;

function tooLarge(size: number, maxBytes: number, endpoint: string): GraphError {
  return new GraphError({
    message: `Media of ${size} bytes exceeds the ${maxBytes}-byte limit`,
    errorCode: 'GRAPH_MEDIA_TOO_LARGE',
    category: 'bad_request',
    retryable: false,
    endpoint,
  });
}

export function createMediaCalls(transport: Transport) {
  async function getMediaUrl(input: GetMediaUrlInput): Promise<MediaInfo> {
    const { mediaId, token } = validate(GetMediaUrlInputSchema, input, 'media lookup');
    const path = `/${mediaId}`;
    const endpoint = `GET ${path}`;
    const data = asObject(await transport.call({ host: 'graph', method: 'GET', path, token }), endpoint);
    const info: MediaInfo = {
      id: requiredString(data, 'id', endpoint),
      url: requiredString(data, 'url', endpoint),
    };
    const mimeType = optionalString(data, 'mime_type');
    if (mimeType !== undefined) info.mimeType = mimeType;
    const sha256 = optionalString(data, 'sha256');
    if (sha256 !== undefined) info.sha256 = sha256;
    const fileSize = optionalNumber(data, 'file_size');
    if (fileSize !== undefined) info.fileSize = fileSize;
    return info;
  }

  /** The Graph host a URL belongs to, if any: such calls get an appsecret_proof like every Graph call. */
  function graphHostOf(url: URL): HostName | undefined {
    for (const name of ['graph', 'instagram'] as const) {
      try {
        if (transport.hostOf(name).origin === url.origin) return name;
      } catch {
        // Host not configured.
      }
    }
    return undefined;
  }

  async function downloadMedia(input: DownloadMediaInput): Promise<DownloadedMedia> {
    const { url, token, maxBytes } = validate(DownloadMediaInputSchema, input, 'media download');
    const origin = new URL(url).origin;
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      // The token goes only to the origin the caller named (Meta's media host), never to a redirect target.
      const sameOrigin = target.origin === origin;
      const graphHost = sameOrigin ? graphHostOf(target) : undefined;
      const secret = graphHost === undefined ? undefined : transport.hostOf(graphHost).appSecret;
      if (secret !== undefined) target.searchParams.set('appsecret_proof', appsecretProof(token, secret));
      const endpoint = `GET ${target.origin}${target.pathname}`;
      let response: Awaited<ReturnType<typeof transport.dispatcher.request>>;
      try {
        response = await transport.dispatcher.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method: 'GET',
          headers: sameOrigin ? { authorization: `Bearer ${token}` } : {},
        });
      } catch (err) {
        throw graphErrorFromTransport(err, endpoint, transport.timeouts);
      }
      const { statusCode, headers, body } = response;
      const location = headers.location;
      if (statusCode >= 300 && statusCode < 400 && typeof location === 'string' && hop < MAX_REDIRECTS) {
        await body.dump();
        target = new URL(location, target);
        continue;
      }
      try {
        if (statusCode < 200 || statusCode >= 300) {
          const text = (await readCapped(body, MAX_ERROR_BODY, true)).toString('utf8');
          throw responseError(statusCode, headers, text, endpoint, token);
        }
        const declared = Number(headers['content-length']);
        if (declared > maxBytes) {
          discardBody(body);
          throw tooLarge(declared, maxBytes, endpoint);
        }
        const data = await readCapped(body, maxBytes, false, endpoint);
        const contentType = headers['content-type'];
        return {
          data,
          size: data.length,
          ...(typeof contentType === 'string' ? { contentType } : {}),
        };
      } catch (err) {
        throw graphErrorFromTransport(err, endpoint, transport.timeouts);
      }
    }
  }

  function responseError(
    httpStatus: number,
    headers: IncomingHttpHeaders,
    bodyText: string,
    endpoint: string,
    token: string,
  ): GraphError {
    return graphErrorFromResponse({
      httpStatus,
      headers,
      bodyText,
      endpoint,
      nowMs: transport.now(),
      scrub: transport.scrub,
      secrets: [token],
    });
  }

  /** Reads at most `limit` bytes; past it either truncates (error bodies) or fails (media). */
  async function readCapped(
    body: AsyncIterable<unknown> & Parameters<typeof discardBody>[0],
    limit: number,
    truncate: boolean,
    endpoint = '',
  ): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        discardBody(body);
        if (truncate) {
          chunks.push(buf.subarray(0, buf.length - (size - limit)));
          return Buffer.concat(chunks);
        }
        throw tooLarge(size, limit, endpoint);
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks);
  }

  return {
    getMediaUrl,
    downloadMedia,
    ...createMediaOpenCalls(transport),
    ...createMediaUploadCalls(transport),
  };
}
