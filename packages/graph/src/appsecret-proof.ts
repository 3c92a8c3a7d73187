import { createHmac } from 'node:crypto';

/**
 * `appsecret_proof` = lowercase hex HMAC-SHA256 of the access token keyed by the app secret (Graph API
 * "Securing requests"). Required by ids_for_apps / ids_for_pages and by apps that enable "Require App
 * Secret" for every server call.
 */
export function appsecretProof(token: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}
