import { createLogger } from '@omnistream/logger';
import { describe, expect, it } from 'vitest';
import { createInstagramLogin, type InstagramGraph } from './instagram-login.ts';
import type { IntegrationWriter } from './integration-writer.ts';
import { createMessengerLogin, type MessengerGraph } from './messenger-login.ts';
import { facebookDialogUrlFor, redirectUriFor } from './oauth-settings.ts';

describe('facebookDialogUrlFor', () => {
  it('uses the Graph version of META_API_URL, so dialog and calls agree', () => {
    expect(facebookDialogUrlFor('https://graph.facebook.com/v23.0')).toBe(
      'https://www.facebook.com/v23.0/dialog/oauth',
    );
    expect(facebookDialogUrlFor('http://127.0.0.1:4010/v21.0/')).toBe(
      'https://www.facebook.com/v21.0/dialog/oauth',
    );
  });

  it("falls back to the unversioned dialog (the app's default version) without a version", () => {
    expect(facebookDialogUrlFor('https://graph.facebook.com')).toBe('https://www.facebook.com/dialog/oauth');
  });
});

describe('redirectUriFor', () => {
  it('appends the callback path once, whatever trailing slash the public URL has', () => {
    expect(redirectUriFor('https://omni.example.com/', 'instagram')).toBe(
      'https://omni.example.com/oauth/instagram/callback',
    );
    expect(redirectUriFor('https://omni.example.com/gw', 'messenger')).toBe(
      'https://omni.example.com/gw/oauth/messenger/callback',
    );
  });
});

describe('missing settings', () => {
  const unused = {
    graph: {} as InstagramGraph & MessengerGraph,
    writer: {} as IntegrationWriter,
    logger: createLogger({ name: 'test', level: 'silent' }),
  };
  const urls = {
    facebookDialogUrl: 'https://www.facebook.com/v21.0/dialog/oauth',
    instagramAuthorizeUrl: 'https://www.instagram.com/oauth/authorize',
  };

  it('names every variable a flow still needs, so the 503 says what to set', () => {
    expect(
      createInstagramLogin({ ...unused, settings: urls, hasAppSecret: false }).missingSettings(),
    ).toEqual(['INSTAGRAM_APP_ID', 'INSTAGRAM_APP_SECRET', 'API_GATEWAY_PUBLIC_URL']);
    expect(createMessengerLogin({ ...unused, settings: urls, hasAppSecret: true }).missingSettings()).toEqual(
      ['META_APP_ID', 'MESSENGER_LOGIN_CONFIG_ID', 'API_GATEWAY_PUBLIC_URL'],
    );
  });

  it('needs nothing more once the app ids, secret and public URL are set', () => {
    const settings = {
      ...urls,
      publicUrl: 'https://omni.example.com',
      metaAppId: '1',
      messengerLoginConfigId: '2',
    };
    expect(createMessengerLogin({ ...unused, settings, hasAppSecret: true }).missingSettings()).toEqual([]);
  });
});
