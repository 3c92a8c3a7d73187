import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import { GraphError } from './graph-error.ts';
import { invalidParam, requiredParam, unsupportedRequest } from './meta-errors.ts';
import { boundaryOf, type MultipartPart, parseMultipart, readBodyCapped } from './multipart.ts';
import { param } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';

const MB = 1024 * 1024;
const KB = 1024;

/**
 * WhatsApp Cloud API supported media (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types):
 * audio/video 16 MB, image 5 MB, document 100 MB, sticker (image/webp) 100 KB static / 500 KB
 * animated. The simulator cannot tell an animated webp from a static one: it allows 500 KB.
 */
export const SIM_WHATSAPP_MEDIA_MAX_BYTES: Readonly<Record<string, number>> = {
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'text/plain': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
  'application/pdf': 100 * MB,
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'image/webp': 500 * KB,
  'video/3gp': 16 * MB,
  'video/mp4': 16 * MB,
};

/** Messenger "Saving assets": up to 25 MB (https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets). */
export const SIM_MESSENGER_ATTACHMENT_MAX_BYTES = 25 * MB;

const ATTACHMENT_TYPES = new Set(['image', 'video', 'audio', 'file']);
/** Multipart overhead allowed beyond the largest file. */
const SLACK = MB;

/** The multipart body of an upload, read before anything else so an early error still reaches the client. */
async function readParts(req: FastifyRequest, limit: number): Promise<MultipartPart[]> {
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary === undefined) {
    // Drain whatever was sent, then refuse like Graph refuses a missing file.
    await readBodyCapped(req.raw, 0);
    return [];
  }
  const read = await readBodyCapped(req.raw, limit);
  if (!read.ok) throw invalidParam(`Request body of ${read.size} bytes exceeds the upload limit`);
  const parts = parseMultipart(read.body, boundary);
  if (parts === undefined) throw invalidParam('Invalid multipart/form-data body');
  return parts;
}

const fieldOf = (parts: MultipartPart[], name: string) => {
  const part = parts.find((p) => p.name === name && p.filename === undefined);
  return part?.data.toString('utf8');
};

/**
 * `POST /{phone-number-id}/media` (WhatsApp media upload) and `POST /{page-id|me}/message_attachments`
 * (Messenger Attachment Upload API, also used for Instagram with `platform=instagram`). Uploads are
 * listed by `GET /_sim/uploads`; the media they create is served like any other.
 */
export function registerMediaUploadRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { accounts, media } = ctx;

  app.post(
    '/:ver/:id/media',
    graphHandler(ctx, {
      channel: 'whatsapp',
      async run(req) {
        const parts = await readParts(req, 100 * MB + SLACK);
        const token = authenticate(ctx, req);
        const phoneNumberId = param(req, 'id');
        if (!accounts.whatsappNumber(phoneNumberId) || !token.grants.has(phoneNumberId)) {
          throw unsupportedRequest('post', phoneNumberId);
        }
        const product = fieldOf(parts, 'messaging_product');
        if (product === undefined) throw requiredParam('messaging_product');
        if (product !== 'whatsapp') throw invalidParam('Param messaging_product must be whatsapp');
        const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
        if (!file) throw requiredParam('file');
        const type = fieldOf(parts, 'type') ?? file.contentType;
        if (type === undefined) throw requiredParam('type');
        const mimeType = type.split(';')[0]?.trim().toLowerCase() ?? '';
        const max = SIM_WHATSAPP_MEDIA_MAX_BYTES[mimeType];
        if (max === undefined) {
          // The wording Graph uses for an unsupported upload type.
          throw invalidParam(
            `Param file must be a file with one of the following types: ${Object.keys(SIM_WHATSAPP_MEDIA_MAX_BYTES).join(', ')}. Received file of type '${mimeType}'.`,
          );
        }
        if (file.data.length > max) {
          throw new GraphError({
            status: 400,
            code: 131053,
            message: '(#131053) Media upload error',
            details: `Media file size ${file.data.length} bytes exceeds the ${max}-byte limit for ${mimeType}.`,
            messagingProduct: 'whatsapp',
          });
        }
        const item = media.add({
          mimeType,
          data: Buffer.from(file.data),
          phoneNumberId,
          ...(file.filename ? { filename: file.filename } : {}),
        });
        media.recordUpload({
          kind: 'whatsapp',
          id: item.id,
          accountId: phoneNumberId,
          mimeType,
          ...(file.filename ? { filename: file.filename } : {}),
          type: mimeType,
          fileSize: item.fileSize,
          sha256: item.sha256,
          at: ctx.clock.now(),
          tokenLast4: token.token.slice(-4),
        });
        return { body: { id: item.id } };
      },
    }),
  );

  app.post(
    '/:ver/:id/message_attachments',
    graphHandler(ctx, {
      channel: 'messenger',
      async run(req) {
        const parts = await readParts(req, SIM_MESSENGER_ATTACHMENT_MAX_BYTES + SLACK);
        const token = authenticate(ctx, req);
        const id = param(req, 'id');
        const pageId = id === 'me' ? accounts.accountForToken(token, 'page') : id;
        if (pageId === undefined || !accounts.page(pageId) || !token.grants.has(pageId)) {
          throw unsupportedRequest('post', id);
        }
        const rawMessage = fieldOf(parts, 'message');
        if (rawMessage === undefined) throw requiredParam('message');
        let message: { attachment?: { type?: unknown; payload?: { is_reusable?: unknown } } };
        try {
          message = JSON.parse(rawMessage);
        } catch {
          throw invalidParam('Param message must be a JSON object');
        }
        const type = message?.attachment?.type;
        if (typeof type !== 'string' || !ATTACHMENT_TYPES.has(type)) {
          throw invalidParam('Param message[attachment][type] must be one of {image, audio, video, file}');
        }
        const file = parts.find((p) => p.name === 'filedata' && p.filename !== undefined);
        if (!file) throw requiredParam('filedata');
        if (file.data.length > SIM_MESSENGER_ATTACHMENT_MAX_BYTES) {
          throw invalidParam(
            `Attachment size ${file.data.length} bytes exceeds the ${SIM_MESSENGER_ATTACHMENT_MAX_BYTES}-byte limit`,
          );
        }
        const mimeType = file.contentType ?? 'application/octet-stream';
        const item = media.add({
          mimeType,
          data: Buffer.from(file.data),
          ...(file.filename ? { filename: file.filename } : {}),
        });
        media.recordUpload({
          kind: fieldOf(parts, 'platform') === 'instagram' ? 'instagram' : 'messenger',
          id: item.id,
          accountId: pageId,
          mimeType,
          ...(file.filename ? { filename: file.filename } : {}),
          type,
          fileSize: item.fileSize,
          sha256: item.sha256,
          at: ctx.clock.now(),
          tokenLast4: token.token.slice(-4),
        });
        return { body: { attachment_id: item.id } };
      },
    }),
  );
}
