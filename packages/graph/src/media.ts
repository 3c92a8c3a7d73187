import { z } from 'zod';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { createMediaOpenCalls } from './media-open.ts';
import { createMediaUploadCalls } from './media-upload.ts';
import { asObject, optionalNumber, optionalString, requiredString } from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * WhatsApp media: `GET /{media-id}` answers a URL valid for about 5 minutes that must be fetched with
 * the same Bearer token (WhatsApp Cloud API, Media reference: docs/meta-platform.md, "Media").
 * Downloads stream through `openMedia` (media-open.ts), which allows only Meta's media hosts and
 * never forwards the token across origins; uploads are in media-upload.ts.
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

  return {
    getMediaUrl,
    ...createMediaOpenCalls(transport),
    ...createMediaUploadCalls(transport),
  };
}
