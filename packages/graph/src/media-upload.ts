import type { Readable } from 'node:stream';
import { z } from 'zod';
import { GraphError } from './errors.ts';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { multipartBody, multipartContentType, newBoundary } from './multipart-body.ts';
import { asObject, requiredString } from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * Uploads, streamed as multipart/form-data (multipart-body.ts):
 * - WhatsApp: `POST /{phone-number-id}/media` with `messaging_product=whatsapp`, `type` (MIME type)
 *   and `file` → `{ id }` (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#upload-media).
 * - Messenger: Attachment Upload API, `POST /{page-id}/message_attachments` with
 *   `message={"attachment":{"type":…,"payload":{"is_reusable":true}}}` and `filedata` →
 *   `{ attachment_id }` (https://developers.facebook.com/docs/messenger-platform/reference/attachment-upload-api).
 * - Instagram: the same endpoint on graph.facebook.com with `platform=instagram`, for accounts
 *   reached through their Facebook Page (https://developers.facebook.com/docs/messenger-platform/instagram/features/attachment-upload).
 *   The Instagram API with Instagram Login (graph.instagram.com) documents no attachment upload
 *   (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api):
 *   host 'instagram' is refused with GRAPH_UPLOAD_UNSUPPORTED; send such media by URL instead.
 */

const BodySchema = z.custom<Readable | AsyncIterable<Buffer>>(
  (v) => typeof v === 'object' && v !== null && Symbol.asyncIterator in v,
  'must be a readable stream or an async iterable of Buffers',
);
const MimeTypeSchema = z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;[\x20-\x7e]*)?$/, 'must be a MIME type');
const FilenameSchema = z
  .string()
  .min(1)
  .max(255)
  // Control characters would end a header line; the rest is escaped (multipart-body.ts).
  .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters');

export const UploadWhatsappMediaInputSchema = z.strictObject({
  phoneNumberId: PathIdSchema,
  token: TokenSchema,
  mimeType: MimeTypeSchema,
  filename: FilenameSchema,
  body: BodySchema,
});
export type UploadWhatsappMediaInput = z.input<typeof UploadWhatsappMediaInputSchema>;

export const UploadMessengerAttachmentInputSchema = z.strictObject({
  host: z.enum(['graph', 'instagram']),
  pageId: PathIdSchema.optional(),
  /** Instagram through a Facebook Page (host 'graph'): adds `platform=instagram`. */
  platform: z.enum(['messenger', 'instagram']).optional(),
  token: TokenSchema,
  type: z.enum(['image', 'video', 'audio', 'file']),
  mimeType: MimeTypeSchema,
  filename: FilenameSchema,
  body: BodySchema,
});
export type UploadMessengerAttachmentInput = z.input<typeof UploadMessengerAttachmentInputSchema>;

export function createMediaUploadCalls(transport: Transport) {
  /** A multipart POST through the transport (token, appsecret_proof, error mapping as every call). */
  async function post(path: string, token: string, boundary: string, body: AsyncIterable<Buffer>) {
    const data = await transport.call({
      host: 'graph',
      method: 'POST',
      path,
      token,
      stream: { contentType: multipartContentType(boundary), body },
    });
    return asObject(data, `POST ${path}`);
  }

  return {
    /** Streams a file to `/{phone-number-id}/media`; answers the WhatsApp media id. */
    async uploadWhatsappMedia(input: UploadWhatsappMediaInput): Promise<{ id: string }> {
      const { phoneNumberId, token, mimeType, filename, body } = validate(
        UploadWhatsappMediaInputSchema,
        input,
        'media upload',
      );
      const boundary = newBoundary();
      const type = mimeType.split(';')[0]?.trim() ?? mimeType;
      const multipart = multipartBody(
        boundary,
        [
          { name: 'messaging_product', value: 'whatsapp' },
          { name: 'type', value: type },
        ],
        { name: 'file', filename, contentType: mimeType, body },
      );
      const path = `/${phoneNumberId}/media`;
      const data = await post(path, token, boundary, multipart);
      return { id: requiredString(data, 'id', `POST ${path}`) };
    },

    /** Streams a file to the Attachment Upload API; answers the reusable attachment id. */
    async uploadMessengerAttachment(
      input: UploadMessengerAttachmentInput,
    ): Promise<{ attachmentId: string }> {
      const { host, pageId, platform, token, type, mimeType, filename, body } = validate(
        UploadMessengerAttachmentInputSchema,
        input,
        'attachment upload',
      );
      const path = `/${pageId ?? 'me'}/message_attachments`;
      if (host === 'instagram') {
        throw new GraphError({
          message:
            'Instagram accounts connected with Instagram Login cannot upload attachments (no such API on graph.instagram.com); send the media by URL',
          errorCode: 'GRAPH_UPLOAD_UNSUPPORTED',
          category: 'bad_request',
          retryable: false,
          endpoint: `POST ${path}`,
        });
      }
      const boundary = newBoundary();
      const fields = [
        { name: 'message', value: JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }) },
      ];
      if (platform === 'instagram') fields.unshift({ name: 'platform', value: 'instagram' });
      const multipart = multipartBody(boundary, fields, {
        name: 'filedata',
        filename,
        contentType: mimeType,
        body,
      });
      const data = await post(path, token, boundary, multipart);
      return { attachmentId: requiredString(data, 'attachment_id', `POST ${path}`) };
    },
  };
}
