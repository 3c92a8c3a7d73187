/** What the OAuth onboarding routes need from the configuration (see packages/config oauthBlock). */
export interface OauthSettings {
  /** API_GATEWAY_PUBLIC_URL: base of the redirect URIs registered in the Meta dashboard. */
  publicUrl?: string | undefined;
  /** META_APP_ID: client_id of Facebook Login for Business. */
  metaAppId?: string | undefined;
  /** MESSENGER_LOGIN_CONFIG_ID: the Facebook Login for Business configuration (it holds the scopes). */
  messengerLoginConfigId?: string | undefined;
  /** INSTAGRAM_APP_ID: client_id of Instagram Login. */
  instagramAppId?: string | undefined;
  /** FACEBOOK_OAUTH_DIALOG_URL, or derived from META_API_URL by facebookDialogUrlFor(). */
  facebookDialogUrl: string;
  /** INSTAGRAM_AUTHORIZE_URL. */
  instagramAuthorizeUrl: string;
}

/**
 * The Facebook Login dialog for the Graph version the gateway calls (META_API_URL ends in
 * `/vNN.N`), so the version lives in one variable. Without a version segment the dialog is
 * unversioned, and Meta applies the app's default version.
 */
export function facebookDialogUrlFor(metaApiUrl: string): string {
  const version = /\/(v\d+\.\d+)\/*$/.exec(new URL(metaApiUrl).pathname)?.[1];
  return version === undefined
    ? 'https://www.facebook.com/dialog/oauth'
    : `https://www.facebook.com/${version}/dialog/oauth`;
}

/** `<API_GATEWAY_PUBLIC_URL>/oauth/<provider>/callback`, byte for byte what the dashboard must list. */
export function redirectUriFor(publicUrl: string, provider: 'instagram' | 'messenger'): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/${provider}/callback`;
}
