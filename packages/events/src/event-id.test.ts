import { describe, expect, it } from 'vitest';
import { type EventIdParts, eventId } from './event-id.ts';

const parts: EventIdParts = {
  channel: 'whatsapp',
  kind: 'status',
  metaId: 'wamid.HBgLMTIzNDU2Nzg5MBUCABEYEjQ1',
  discriminator: 'delivered',
};

describe('eventId', () => {
  it('is a pure function of its parts', () => {
    expect(eventId(parts)).toBe(eventId({ ...parts }));
  });

  it('matches the documented formula, so ids survive releases and other implementations', () => {
    // sha256(JSON.stringify(["whatsapp","status","wamid.…","delivered"])), first 32 hex chars. If this
    // changes, every Meta retry after a deploy gets a new id and consumers see duplicates.
    expect(eventId(parts)).toBe('7d1e31cb99383b895723cda531c0cc60');
  });

  it('is 32 lowercase hex characters', () => {
    expect(eventId(parts)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each<[string, Partial<EventIdParts>]>([
    ['channel', { channel: 'messenger' }],
    ['kind', { kind: 'message' }],
    ['metaId', { metaId: 'wamid.HBgLMTIzNDU2Nzg5MBUCABEYEjQ2' }],
    ['discriminator', { discriminator: 'read' }],
    ['absent discriminator', { discriminator: undefined }],
    ['empty discriminator', { discriminator: '' }],
  ])('changes when the %s changes', (_name, change) => {
    expect(eventId({ ...parts, ...change })).not.toBe(eventId(parts));
  });

  it('does not let a separator inside an id collide with the next part', () => {
    // Joined with "|", both would hash "messenger|reaction|m_1|react|👍".
    const a = eventId({ channel: 'messenger', kind: 'reaction', metaId: 'm_1|react', discriminator: '👍' });
    const b = eventId({ channel: 'messenger', kind: 'reaction', metaId: 'm_1', discriminator: 'react|👍' });
    expect(a).not.toBe(b);
  });

  it('treats a numeric watermark like its decimal string', () => {
    const base = { channel: 'messenger', kind: 'delivery', metaId: '24680' } as const;
    expect(eventId({ ...base, discriminator: 1714557600000 })).toBe(
      eventId({ ...base, discriminator: '1714557600000' }),
    );
  });

  it('refuses an empty metaId rather than collapsing all id-less events into one', () => {
    expect(() => eventId({ ...parts, metaId: '' })).toThrow(/metaId is empty/);
  });
});
