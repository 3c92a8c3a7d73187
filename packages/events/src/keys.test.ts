import { describe, expect, it } from 'vitest';
import { commandKey, inboundKey } from './keys.ts';

describe('inboundKey', () => {
  it('is channel:account:contact for conversational events', () => {
    const event = {
      channel: 'instagram',
      account: { id: '17841400000000000' },
      contact: { id: '9876543210' },
    } as const;
    expect(inboundKey(event)).toBe('instagram:17841400000000000:9876543210');
  });

  it('ignores the contact name, so a renamed customer stays on the same partition', () => {
    const account = { id: '106540352242922', wabaId: '102290129340398' };
    const before = inboundKey({
      channel: 'whatsapp',
      account,
      contact: { id: '16315551181', name: 'Kerry' },
    });
    const after = inboundKey({
      channel: 'whatsapp',
      account,
      contact: { id: '16315551181', name: 'Kerry F.' },
    });
    expect(before).toBe(after);
  });

  it('is the account id alone for events without a contact', () => {
    expect(inboundKey({ channel: 'whatsapp', account: { id: '102290129340398' } })).toBe('102290129340398');
    expect(inboundKey({ channel: 'fbe', account: { id: 'shop-42' }, contact: undefined })).toBe('shop-42');
  });
});

describe('commandKey', () => {
  it('is integrationId:to, the same for every command to that recipient', () => {
    expect(commandKey({ integrationId: 'int_wa_1', to: '16315551181' })).toBe('int_wa_1:16315551181');
  });
});
