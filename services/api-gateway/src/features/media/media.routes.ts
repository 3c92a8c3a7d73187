import { pipeline, type Readable, Transform } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { Logger } from '@omnistream/logger';
import { AppError, collectGarbage } from '@omnistream/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { GRAPH_FAILURE_STATUSES } from '../../shared/graph-failure.ts';
import type { MediaDownload, MediaService } from './media.service.ts';
import { contentDisposition, downloadName, etagMatches, MEDIA_SAFETY_HEADERS } from './media-headers.ts';
import type { MediaUpload } from './media-upload.ts';
import { Sha256MismatchError, sha256Check } from './sha256-check.ts';

export interface MediaRouteDeps {
  media: MediaService;
  upload: MediaUpload;
  logger: Logger;
  /** MEDIA_MAX_BYTES: the multipart parser's own bound on a file. */
  maxBytes: number;
}

const TAGS = ['media'];
const IntegrationParams = z.object({ id: z.uuid().describe('integration id') });
const MediaParams = IntegrationParams.extend({
  mediaId: z
    .string()
    .regex(/^\d{1,40}$/, "a WhatsApp media id (digits), as the event's media.id carries it")
    .describe("WhatsApp's media id, from the inbound event's `media.id`"),
});
const FilenameQuery = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\]+$/, 'a file name, without a path')
  .optional()
  .describe(
    "the name in Content-Disposition (e.g. a document's `media.filename`); default: Meta's, or <mediaId>.<extension>",
  );

const UploadView = z.object({
  id: z.string().describe('WhatsApp: the media id. Messenger / Instagram: the reusable attachment id'),
  kind: z.enum(['whatsapp_media_id', 'attachment_id']),
  channel: z.enum(['whatsapp', 'messenger', 'instagram']),
  mimeType: z.string(),
  bytes: z.int().describe('bytes uploaded to Meta'),
});

const STREAM_ANSWERS =
  'Streams the file as it arrives from Meta (never whole in memory), with Content-Type, Content-Length when Meta ' +
  "gives it, Content-Disposition, and, for WhatsApp, ETag = Meta's sha256 (If-None-Match → 304). The bytes are " +
  "hashed while they stream; when they do not match Meta's sha256 the response is cut before its last bytes " +
  "(the client sees an incomplete body) and the mismatch is logged. The integration's token is used and never shown. " +
  'Media are served with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy; only ' +
  'common pictures, audio and video are `inline`. Too large for MEDIA_MAX_BYTES → 413. A host outside ' +
  `MEDIA_ALLOWED_HOSTS (first URL or redirect) → 502, with no request made to it. ${GRAPH_FAILURE_STATUSES}`;

/**
 * Media in and out (docs/admin-api.md, "Media"): a customer's WhatsApp media by id, a Messenger or
 * Instagram attachment by its CDN URL, and uploads that a send command can then reference.
 */
export function registerMediaRoutes(app: AdminApp, deps: MediaRouteDeps): void {
  const { media } = deps;

  app.get(
    '/integrations/:id/media/:mediaId',
    {
      schema: {
        tags: TAGS,
        summary:
          "Download a customer's WhatsApp media (image, audio, video, document, sticker) through the gateway",
        description:
          'The media id comes from an inbound event (`payload.media.id`; `payload.media.fetchPath` is this path). ' +
          "An unknown or expired media id (Meta keeps media 30 days) → 404 with Meta's reason; the short-lived " +
          `URL Meta gives for it is resolved again when it has expired. ${STREAM_ANSWERS}`,
        params: MediaParams,
        querystring: z.strictObject({ filename: FilenameQuery }),
      },
    },
    async (request, reply) => {
      const { id, mediaId } = request.params;
      const opened = await media.openWhatsappMedia(id, mediaId, {
        ifNoneMatch: (sha256) => etagMatches(request.headers['if-none-match'], etagOf(sha256)),
      });
      if ('notModified' in opened) {
        return reply.code(304).headers(MEDIA_SAFETY_HEADERS).header('etag', etagOf(opened.sha256)).send();
      }
      return sendMedia(reply, opened, {
        id: mediaId,
        filename: request.query.filename,
        integrationId: id,
        media,
        logger: deps.logger,
      });
    },
  );

  app.get(
    '/integrations/:id/attachments',
    {
      schema: {
        tags: TAGS,
        summary: "Download a customer's Messenger or Instagram attachment through the gateway",
        description:
          "`url` is the attachment's `payload.url` from an inbound event (`fetchPath` is this path with it). Only " +
          "Meta's CDN hosts (MEDIA_ALLOWED_HOSTS) are fetched. Meta's CDN URLs expire: an expired one → 410 " +
          `(Meta does not renew it; the customer must send the file again). ${STREAM_ANSWERS}`,
        params: IntegrationParams,
        querystring: z.strictObject({
          url: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of the attachment' }).max(4096),
          filename: FilenameQuery,
        }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const opened = await media.openAttachment(id, request.query.url);
      const name = lastPathSegment(request.query.url) ?? 'attachment';
      return sendMedia(reply, opened, {
        id: name,
        filename: request.query.filename,
        integrationId: id,
        media,
        logger: deps.logger,
      });
    },
  );

  // The upload route in a scope of its own: the multipart parser serves it alone.
  app.register(async (scope: AdminApp) => {
    await scope.register(fastifyMultipart, {
      limits: { files: 1, fields: 4, fileSize: deps.maxBytes + 1, fieldSize: 1024, parts: 5 },
    });
    scope.post(
      '/integrations/:id/media',
      {
        schema: {
          tags: TAGS,
          summary: 'Upload a file to Meta, for a send command to reference by id',
          description:
            'multipart/form-data with one `file` part (its Content-Type is the media type). WhatsApp: uploaded to the ' +
            'number (`POST /{phone-number-id}/media`), answers the media id; a send command takes it as ' +
            '`message.id` (type `media`). Messenger: uploaded with the Attachment Upload API, answers the ' +
            'reusable attachment id. Instagram (Instagram Login) has no upload at Meta → 400; send by `link`. ' +
            "Checked before and while it streams to Meta: WhatsApp's types and limits per " +
            'type (image 5 MB, audio / video 16 MB, document 100 MB, sticker 100 KB / 500 KB animated), 25 MB for ' +
            'Messenger, and MEDIA_MAX_BYTES: a type Meta does not take → 400, too large → 413 ' +
            `naming the limit, and nothing is kept at Meta. The whole upload must arrive within HTTP_REQUEST_TIMEOUT_MS. ${GRAPH_FAILURE_STATUSES}`,
          params: IntegrationParams,
          consumes: ['multipart/form-data'],
          response: { 201: UploadView },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart())
          throw new AppError(
            'GW_UNSUPPORTED_MEDIA_TYPE',
            'send the file as multipart/form-data with a `file` part',
            {
              status: 415,
            },
          );
        let part: Awaited<ReturnType<typeof request.file>>;
        try {
          part = await request.file();
        } catch (err) {
          throw multipartError(err);
        }
        if (part?.fieldname !== 'file')
          throw new AppError('GW_BAD_REQUEST', 'the form needs one `file` part (the file to upload)', {
            status: 400,
          });
        const result = await deps.upload.upload(request.params.id, {
          stream: part.file,
          mimeType: part.mimetype,
          filename: part.filename || 'upload',
        });
        if (part.file.truncated)
          throw new AppError('GW_PAYLOAD_TOO_LARGE', `the file exceeds MEDIA_MAX_BYTES (${deps.maxBytes})`, {
            status: 413,
          });
        request.log.info(
          {
            integrationId: request.params.id,
            channel: result.channel,
            mimeType: result.mimeType,
            bytes: result.bytes,
            id: result.id,
          },
          'media uploaded to Meta',
        );
        return reply.code(201).send(result);
      },
    );
  });
}

const etagOf = (sha256: string) => `"${sha256}"`;
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

function lastPathSegment(url: string): string | undefined {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).at(-1);
    return segment ? decodeURIComponent(segment).slice(0, 255) : undefined;
  } catch {
    return undefined;
  }
}

/** @fastify/multipart's errors (a bad boundary, too many parts, a part too large) → 400 / 413. */
function multipartError(err: unknown): AppError {
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT')
    return new AppError('GW_PAYLOAD_TOO_LARGE', message, { status: 413, cause: err });
  return new AppError('GW_BAD_REQUEST', `not a readable multipart/form-data body: ${message}`, {
    status: 400,
    cause: err,
  });
}

/**
 * Streams an opened media file to the caller, hashing it on the way when Meta gave a sha256. A
 * failure after the headers went out cuts the connection (the caller sees a short body); it is
 * logged with the ids, never the URL's query or the token.
 */
function sendMedia(
  reply: FastifyReply,
  opened: MediaDownload,
  context: {
    id: string;
    filename: string | undefined;
    integrationId: string;
    media: MediaService;
    logger: Logger;
  },
): FastifyReply {
  let bytes = 0;
  let sinceCollection = 0;
  const count = (n: number) => {
    bytes += n;
    sinceCollection += n;
    // Each chunk is garbage once written; its memory lives outside V8's heap, which V8 would only
    // collect after ~64 MB of them. A scavenge every few MB keeps a 100 MB download within tens of
    // MB (services/api-gateway/test/media-large.int.test.ts).
    if (sinceCollection >= COLLECT_EVERY_BYTES) {
      sinceCollection = 0;
      collectGarbage('minor');
    }
  };
  const check: Transform = opened.sha256 ? sha256Check(opened.sha256, count) : counting(count);
  let counted = false;
  const finish = () => {
    if (counted) return;
    counted = true;
    context.media.countDownload(opened.channel, bytes);
    opened.close();
  };
  pipeline(opened.body as Readable, check, (err) => {
    if (err instanceof Sha256MismatchError) {
      context.media.countError('sha256_mismatch');
      context.logger.error(
        {
          integrationId: context.integrationId,
          mediaId: context.id,
          expected: err.expected,
          actual: err.actual,
        },
        "media did not match Meta's sha256; the response was cut",
      );
    } else if (err && !reply.raw.destroyed) {
      context.media.countError('upstream');
      context.logger.warn(
        { integrationId: context.integrationId, mediaId: context.id, err: { message: err.message } },
        'media download failed mid-stream; the response was cut',
      );
    }
    if (err) reply.raw.destroy();
    finish();
  });
  // The caller went away: the pipeline stops reading from Meta (the body is destroyed).
  reply.raw.once('close', finish);
  const name = downloadName(context.id, opened.contentType, context.filename ?? opened.filename);
  void reply
    .code(200)
    .headers(MEDIA_SAFETY_HEADERS)
    .header('content-type', opened.contentType)
    .header('content-disposition', contentDisposition(opened.contentType, name));
  if (opened.contentLength !== undefined) void reply.header('content-length', String(opened.contentLength));
  if (opened.sha256) void reply.header('etag', etagOf(opened.sha256));
  return reply.send(check);
}

function counting(count: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count(chunk.length);
      callback(null, chunk);
    },
  });
}
