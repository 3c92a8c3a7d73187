import { describe, expect, it } from 'vitest';
import {
  INBOUND_EVENT_KINDS,
  type InboundEvent,
  InboundEventSchema,
  parseInboundEvent,
} from './inbound-event.ts';

const EVENT_ID = '0123456789abcdef0123456789abcdef';

function envelope(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    schemaVersion: 1,
    eventId: EVENT_ID,
    kind: 'message',
    channel: 'whatsapp',
    account: { id: '106540352242922', wabaId: '102290129340398' },
    integrationId: 'int_1',
    contact: { id: '16315551181', name: 'Kerry Fisher' },
    occurredAt: '2024-05-01T10:00:00.000Z',
    receivedAt: '2024-05-01T10:00:00.250Z',
    payload: { messageId: 'wamid.HBgLMTYzMTU1NTExODEVAgASGBQ', type: 'text', text: 'hello' },
    raw: { from: '16315551181', id: 'wamid.HBgLMTYzMTU1NTExODEVAgASGBQ', type: 'text' },
    ...overrides,
  };
}

const ig = { channel: 'instagram', account: { id: '17841400000000000' }, contact: { id: '9876543210' } };
const messenger = { channel: 'messenger', account: { id: '1234567890' }, contact: { id: '24680' } };

/** The first issue's path, or undefined when the input parsed. */
function failurePath(input: unknown): PropertyKey[] | undefined {
  const result = parseInboundEvent(input);
  return result.success ? undefined : result.error.issues[0]?.path;
}

describe('InboundEventSchema accepts what the ingestor publishes', () => {
  const valid: Array<[string, Record<string, unknown>]> = [
    ['WhatsApp text', envelope({})],
    [
      'WhatsApp voice note, quoting an earlier message',
      envelope({
        payload: {
          messageId: 'wamid.2',
          type: 'audio',
          media: { id: '1013859600285441', mimeType: 'audio/ogg; codecs=opus', sha256: 'abc=', voice: true },
          replyTo: { messageId: 'wamid.1', from: '16315551181' },
        },
      }),
    ],
    [
      'WhatsApp list reply',
      envelope({
        payload: {
          messageId: 'wamid.3',
          type: 'interactive',
          interactive: { replyType: 'list_reply', id: 'row_2', title: 'Tuesday', description: '10:00' },
        },
      }),
    ],
    [
      'WhatsApp location from a click-to-WhatsApp ad',
      envelope({
        payload: {
          messageId: 'wamid.4',
          type: 'location',
          location: { latitude: -6.2, longitude: 106.8, name: 'Monas' },
          referral: { source_type: 'ad', source_id: '1202', ctwa_clid: 'ARAk' },
        },
      }),
    ],
    [
      'WhatsApp product inquiry',
      envelope({
        payload: {
          messageId: 'wamid.7',
          type: 'text',
          text: 'Is this in stock?',
          replyTo: { messageId: 'wamid.0', from: '15550783881' },
          referredProduct: { catalog_id: '354160437058781', product_retailer_id: 'SKU-1' },
        },
      }),
    ],
    [
      'Instagram story reply',
      envelope({
        ...ig,
        payload: {
          messageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlE2',
          type: 'text',
          text: 'Love this look!',
          replyToStory: {
            id: '17958541324774936',
            url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2',
          },
        },
      }),
    ],
    [
      'Instagram image attachment',
      envelope({
        ...ig,
        payload: {
          messageId: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlE',
          type: 'attachment',
          attachments: [{ type: 'image', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' }],
        },
      }),
    ],
    [
      'Messenger quick reply tap',
      envelope({
        ...messenger,
        payload: { messageId: 'm_1', type: 'text', text: 'Red', quickReply: { payload: 'COLOR_RED' } },
      }),
    ],
    [
      'WhatsApp failed status with pricing and errors',
      envelope({
        kind: 'status',
        payload: {
          messageId: 'wamid.5',
          status: 'failed',
          recipientId: '16315551181',
          conversation: { id: 'a75d17ad', origin: { type: 'service' } },
          pricing: { billable: false, pricing_model: 'PMP', category: 'service' },
          errors: [
            { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours have passed' },
          ],
        },
      }),
    ],
    [
      'Instagram postback',
      envelope({ ...ig, kind: 'postback', payload: { mid: 'm_2', title: 'Start', payload: 'GET_STARTED' } }),
    ],
    [
      'Messenger read watermark',
      envelope({ ...messenger, kind: 'seen', payload: { watermark: 1714557600000 } }),
    ],
    ['Instagram read by mid', envelope({ ...ig, kind: 'seen', payload: { mid: 'm_3' } })],
    [
      'Messenger delivery',
      envelope({
        ...messenger,
        kind: 'delivery',
        payload: { mids: ['m_4', 'm_5'], watermark: 1714557600000 },
      }),
    ],
    [
      'WhatsApp reaction removed',
      envelope({ kind: 'reaction', payload: { messageId: 'wamid.6', action: 'unreact' } }),
    ],
    [
      'Messenger echo of a Page inbox reply',
      envelope({
        ...messenger,
        kind: 'echo',
        payload: { messageId: 'm_6', type: 'text', text: 'We open at 9', appId: '263902037430900' },
      }),
    ],
    [
      'template approved',
      envelope({
        kind: 'template_status',
        account: { id: '102290129340398', wabaId: '102290129340398' },
        contact: undefined,
        payload: {
          field: 'message_template_status_update',
          templateId: '594425479261596',
          templateName: 'order_update',
          language: 'en_US',
          event: 'APPROVED',
          reason: 'NONE',
        },
      }),
    ],
    [
      'template quality dropped',
      envelope({
        kind: 'template_status',
        contact: undefined,
        payload: {
          field: 'message_template_quality_update',
          templateId: '594425479261596',
          templateName: 'order_update',
          quality: { previous: 'GREEN', current: 'YELLOW' },
        },
      }),
    ],
    [
      'FBE install',
      envelope({
        kind: 'fbe_install',
        channel: 'fbe',
        account: { id: 'shop-42' },
        contact: undefined,
        payload: {
          externalBusinessId: 'shop-42',
          businessManagerId: '9001',
          pages: ['1234567890'],
          instagramProfiles: ['17841400000000000'],
          pixelId: '555',
          tokenType: 'SYSTEM_USER',
          installedFeatures: [
            {
              featureInstanceId: '777',
              featureType: 'messenger_chat',
              connectedAssets: { page_id: '1234567890' },
              additionalInfo: { onsite_commerce_eligible: false },
            },
          ],
        },
      }),
    ],
    [
      'FBE uninstall without assets',
      envelope({
        kind: 'fbe_uninstall',
        channel: 'fbe',
        account: { id: 'shop-42' },
        contact: undefined,
        payload: { externalBusinessId: 'shop-42', pages: [], instagramProfiles: [], installedFeatures: [] },
      }),
    ],
    [
      'unsupported WhatsApp change field',
      envelope({
        kind: 'unsupported',
        contact: undefined,
        payload: { reason: 'WhatsApp change field account_update is not normalized', type: 'account_update' },
      }),
    ],
    [
      'WhatsApp text from a username-only customer (BSUID, no phone number)',
      envelope({
        contact: { id: 'US.13491208655302741918', userId: 'US.13491208655302741918', username: 'kerry.f' },
      }),
    ],
    [
      'WhatsApp group message',
      envelope({
        payload: { messageId: 'wamid.g1', type: 'text', text: 'hi all', groupId: 'Y2FwaV9ncm91cDox' },
      }),
    ],
    [
      'WhatsApp history message',
      envelope({ history: { status: 'READ', phase: 0, chunkOrder: 1, progress: 55 } }),
    ],
    [
      'WhatsApp changed number',
      envelope({
        kind: 'contact_change',
        contact: { id: '16505559999' },
        payload: {
          change: 'number_changed',
          source: 'system',
          previous: { waId: '16315551181' },
          current: { waId: '16505559999' },
          messageId: 'wamid.sys',
        },
      }),
    ],
    [
      'WhatsApp call',
      envelope({
        kind: 'call',
        payload: {
          callId: 'wacid.1',
          event: 'terminate',
          direction: 'USER_INITIATED',
          status: 'COMPLETED',
          durationSeconds: 50,
        },
      }),
    ],
    [
      'WhatsApp marketing stop',
      envelope({
        kind: 'marketing_preference',
        payload: {
          preference: 'stop',
          category: 'marketing_messages',
          detail: 'User requested to stop marketing messages',
        },
      }),
    ],
    [
      'WhatsApp played status of a group member',
      envelope({
        kind: 'status',
        payload: {
          messageId: 'wamid.v',
          status: 'played',
          recipientId: 'Y2FwaV9ncm91cDox',
          groupId: 'Y2FwaV9ncm91cDox',
          participant: { id: '16315551181' },
        },
      }),
    ],
  ];

  it.each(valid)('%s', (_name, input) => {
    const result = parseInboundEvent(input);
    expect(result.error?.issues).toBeUndefined();
  });

  it('has an example for every kind, and a schema variant for every listed kind', () => {
    const exampleKinds = new Set(valid.map(([, input]) => input.kind));
    expect([...exampleKinds].sort()).toEqual([...INBOUND_EVENT_KINDS].sort());
    const variantKinds = InboundEventSchema.options.map((option) => option.shape.kind.value);
    expect(variantKinds.sort()).toEqual([...INBOUND_EVENT_KINDS].sort());
  });

  it('narrows the payload by kind and message type', () => {
    const event: InboundEvent = InboundEventSchema.parse(envelope({}));
    // Compile-time check as much as runtime: `text` is a required string once narrowed.
    const text =
      event.kind === 'message' && event.payload.type === 'text' ? event.payload.text.toUpperCase() : '';
    expect(text).toBe('HELLO');
  });

  it('keeps Meta sub-objects verbatim, unknown keys included', () => {
    const pricing = { billable: true, pricing_model: 'PMP', category: 'utility', new_meta_field: 'x' };
    const event = InboundEventSchema.parse(
      envelope({ kind: 'status', payload: { messageId: 'w', status: 'sent', recipientId: '1', pricing } }),
    );
    expect(event.kind === 'status' && event.payload.pricing).toEqual(pricing);
  });

  it('drops unknown envelope keys instead of failing, so older consumers survive additive changes', () => {
    const result = parseInboundEvent(envelope({ addedInAMinorRelease: true }));
    expect(result.success).toBe(true);
    expect(result.data).not.toHaveProperty('addedInAMinorRelease');
  });
});

describe('InboundEventSchema rejects', () => {
  it('a missing or different schemaVersion', () => {
    const { schemaVersion: _omit, ...withoutVersion } = envelope({});
    expect(failurePath(withoutVersion)).toEqual(['schemaVersion']);
    expect(failurePath(envelope({ schemaVersion: 2 }))).toEqual(['schemaVersion']);
  });

  it('an unknown kind', () => {
    expect(failurePath(envelope({ kind: 'typing' }))).toEqual(['kind']);
  });

  it('kinds on channels that never produce them', () => {
    const status = { messageId: 'w', status: 'read', recipientId: '1' };
    expect(failurePath(envelope({ ...ig, kind: 'status', payload: status }))).toEqual(['channel']);
    expect(failurePath(envelope({ kind: 'postback', payload: { payload: 'X' } }))).toEqual(['channel']);
    expect(failurePath(envelope({ channel: 'fbe' }))).toEqual(['channel']);
    const fbe = { externalBusinessId: 'b', pages: [], instagramProfiles: [], installedFeatures: [] };
    expect(failurePath(envelope({ ...messenger, kind: 'fbe_install', payload: fbe }))).toEqual(['channel']);
  });

  it('a conversational event without a contact (it would lose its per-customer ordering)', () => {
    expect(failurePath(envelope({ contact: undefined }))).toEqual(['contact']);
  });

  it('an absent integrationId (unknown is spelt null)', () => {
    expect(failurePath(envelope({ integrationId: undefined }))).toEqual(['integrationId']);
    expect(failurePath(envelope({ integrationId: null }))).toBeUndefined();
  });

  it('an eventId that eventId() could not have produced', () => {
    expect(failurePath(envelope({ eventId: 'wamid.123' }))).toEqual(['eventId']);
    expect(failurePath(envelope({ eventId: EVENT_ID.toUpperCase() }))).toEqual(['eventId']);
  });

  it("Meta's unix-seconds timestamp where ISO 8601 is due", () => {
    expect(failurePath(envelope({ occurredAt: '1714557600' }))).toEqual(['occurredAt']);
    expect(failurePath(envelope({ receivedAt: 1714557600000 }))).toEqual(['receivedAt']);
  });

  it('a missing raw fragment', () => {
    expect(failurePath(envelope({ raw: undefined }))).toEqual(['raw']);
  });

  it('an access token anywhere in raw (Business Extension webhooks carry one)', () => {
    const raw = {
      entry: [{ changes: [{ field: 'fbe_install', value: { access_token: 'EAAG…', pixel_id: '5' } }] }],
    };
    const fbe = { externalBusinessId: 'b', pages: [], instagramProfiles: [], installedFeatures: [] };
    const input = envelope({ kind: 'fbe_install', channel: 'fbe', contact: undefined, payload: fbe, raw });
    expect(failurePath(input)).toEqual(['raw', 'entry', 0, 'changes', 0, 'value', 'access_token']);
  });

  it('a message whose type lacks its content', () => {
    expect(failurePath(envelope({ payload: { messageId: 'w', type: 'text' } }))).toEqual(['payload', 'text']);
    expect(
      failurePath(
        envelope({ payload: { messageId: 'w', type: 'image', media: { mimeType: 'image/jpeg' } } }),
      ),
    ).toEqual(['payload', 'media', 'id']);
  });

  it('a WhatsApp reaction published as a message (reactions are their own kind)', () => {
    const payload = { messageId: 'w', type: 'reaction' };
    expect(failurePath(envelope({ payload }))).toEqual(['payload', 'type']);
  });

  it('a read receipt with neither watermark nor mid', () => {
    expect(failurePath(envelope({ ...messenger, kind: 'seen', payload: {} }))).toEqual([
      'payload',
      'watermark',
    ]);
  });

  it('a template quality update without the quality change', () => {
    const payload = { field: 'message_template_quality_update', templateId: '1', templateName: 't' };
    expect(failurePath(envelope({ kind: 'template_status', payload }))).toEqual(['payload', 'quality']);
  });
});
