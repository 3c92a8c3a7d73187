import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { type GraphClient, MESSENGER_ATTACHMENT_MAX_BYTES, whatsappMediaLimit } from '@omnistream/graph';
import type { Channel } from '@omnistream/integrations';
import { AppError } from '@omnistream/service-kit';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { fail, type MediaAccess } from './media-access.ts';

export interface UploadFile {
  stream: Readable;
  mimeType: string;
  filename: string;
}

export interface UploadResult {
  channel: Channel;
  /** WhatsApp: the media id. Messenger / Instagram: the reusable attachment id. */
  id: string;
  kind: 'whatsapp_media_id' | 'attachment_id';
  mimeType: string;
  bytes: number;
}

const MESSENGER_TYPES = { image: 'image', video: 'video', audio: 'audio' } as const;

/** Uploads to Meta, streamed through, Meta's type and size limits checked before and during. */
export function createMediaUpload(deps: {
  graph: Pick<GraphClient, 'uploadWhatsappMedia' | 'uploadMessengerAttachment'>;
  access: MediaAccess;
  metrics: GatewayMetrics;
  maxBytes: number;
}) {
  const { refuse, integrationWithToken, mediaFailure } = deps.access;
  return {
    /**
     * Uploads a file to Meta for the integration's channel, checking Meta's type and size limits
     * first (and while the bytes stream, when the size is not known ahead).
     */
    async upload(integrationId: string, file: UploadFile): Promise<UploadResult> {
      const token = await integrationWithToken(integrationId);
      const mimeType = file.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
      let limit: number;
      let messengerType: 'image' | 'video' | 'audio' | 'file' = 'file';
      if (token.channel === 'whatsapp') {
        const rule = whatsappMediaLimit(mimeType);
        if (!rule)
          throw refuse(
            'bad_type',
            fail(
              'GW_BAD_REQUEST',
              400,
              `WhatsApp does not take ${mimeType || 'files without a type'} as media`,
            ),
          );
        limit = rule.maxBytes;
      } else if (token.channel === 'instagram') {
        // Instagram accounts connected with Instagram Login (graph.instagram.com, how this gateway
        // sends to them) have no attachment upload: their sends take a media URL (docs/admin-api.md).
        throw refuse(
          'bad_request',
          fail(
            'GW_BAD_REQUEST',
            400,
            "Instagram (Instagram Login) has no attachment upload at Meta; send the file by its public URL ('link') instead",
          ),
        );
      } else {
        limit = MESSENGER_ATTACHMENT_MAX_BYTES;
        messengerType = MESSENGER_TYPES[mimeType.split('/')[0] as keyof typeof MESSENGER_TYPES] ?? 'file';
      }
      limit = Math.min(limit, deps.maxBytes);
      const counter = byteLimit(limit);
      file.stream.on('error', (err) => counter.destroy(err));
      file.stream.pipe(counter);
      const tooLarge = () =>
        refuse(
          'too_large',
          fail(
            'GW_PAYLOAD_TOO_LARGE',
            413,
            `${token.channel} takes ${mimeType} files of at most ${limit} bytes${limit === deps.maxBytes ? ' (MEDIA_MAX_BYTES)' : ''}; nothing was uploaded`,
          ),
        );
      try {
        if (token.channel === 'whatsapp') {
          const { id } = await deps.graph.uploadWhatsappMedia({
            phoneNumberId: token.accountId,
            token: token.token,
            mimeType,
            filename: file.filename,
            body: counter,
          });
          if (counter.exceeded) throw tooLarge();
          deps.metrics.mediaBytes('upload', 'whatsapp', counter.bytes);
          return { channel: 'whatsapp', id, kind: 'whatsapp_media_id', mimeType, bytes: counter.bytes };
        }
        const { attachmentId } = await deps.graph.uploadMessengerAttachment({
          host: 'graph',
          pageId: token.accountId,
          token: token.token,
          type: messengerType,
          mimeType,
          filename: file.filename,
          body: counter,
        });
        if (counter.exceeded) throw tooLarge();
        deps.metrics.mediaBytes('upload', token.channel, counter.bytes);
        return {
          channel: token.channel,
          id: attachmentId,
          kind: 'attachment_id',
          mimeType,
          bytes: counter.bytes,
        };
      } catch (err) {
        if (counter.exceeded) throw tooLarge();
        if (err instanceof AppError) throw err;
        throw mediaFailure(err, `upload ${file.filename}`);
      }
    },
  };
}

/** Counts bytes and fails the stream at the first byte over `limit` (nothing more is read). */
function byteLimit(limit: number): Transform & { bytes: number; exceeded: boolean } {
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      stream.bytes += chunk.length;
      if (stream.bytes > limit) {
        stream.exceeded = true;
        callback(new Error(`more than ${limit} bytes`));
        return;
      }
      callback(null, chunk);
    },
  }) as Transform & { bytes: number; exceeded: boolean };
  stream.bytes = 0;
  stream.exceeded = false;
  return stream;
}

export type MediaUpload = ReturnType<typeof createMediaUpload>;
