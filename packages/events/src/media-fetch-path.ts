import { z } from 'zod';

/**
 * Where the gateway streams the media of an inbound event (docs/events.md, "Media"): the event carries
 * Meta's ids and URLs, but fetching them needs the integration's access token, which never leaves the
 * gateway. The path is relative so that it works behind any proxy: a consumer prefixes it with the
 * gateway's base URL and sends its admin key.
 */
export const FetchPathSchema = z
  .string()
  .regex(/^\/admin\/integrations\/[^/?#\s]+\/\S+$/, 'must be a gateway path under /admin/integrations/');

/** `/admin/integrations/{integrationId}/media/{mediaId}`: WhatsApp media by its id. */
export function mediaFetchPath(integrationId: string, mediaId: string): string {
  return `/admin/integrations/${encodeURIComponent(integrationId)}/media/${encodeURIComponent(mediaId)}`;
}

/** `/admin/integrations/{integrationId}/attachments?url=…`: an Instagram / Messenger CDN URL. */
export function attachmentFetchPath(integrationId: string, url: string): string {
  return `/admin/integrations/${encodeURIComponent(integrationId)}/attachments?url=${encodeURIComponent(url)}`;
}
