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

  it('is one key per WhatsApp group, whichever member wrote, so the group conversation stays in order', () => {
    const account = { id: '106540352242922' };
    const fromAna = inboundKey({
      channel: 'whatsapp',
      account,
      contact: { id: '16315551181' },
      payload: { groupId: 'Y2FwaV9ncm91cDox' },
    });
    const fromBo = inboundKey({
      channel: 'whatsapp',
      account,
      contact: { id: 'US.13491208655302741918', userId: 'US.13491208655302741918' },
      payload: { groupId: 'Y2FwaV9ncm91cDox' },
    });
    expect(fromAna).toBe('whatsapp:106540352242922:group:Y2FwaV9ncm91cDox');
    expect(fromBo).toBe(fromAna);
  });

  it('keeps a phone-number customer on the same key when Meta adds a BSUID', () => {
    const account = { id: '106540352242922' };
    const before = inboundKey({ channel: 'whatsapp', account, contact: { id: '16315551181' } });
    const after = inboundKey({
      channel: 'whatsapp',
      account,
      contact: { id: '16315551181', userId: 'US.13491208655302741918', username: 'kerry' },
    });
    expect(after).toBe(before);
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
