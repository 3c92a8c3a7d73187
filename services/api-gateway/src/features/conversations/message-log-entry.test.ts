import type { MessagePayload } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_CHARS, previewOf, storable } from './message-log-entry.ts';

const text = (body: string): MessagePayload => ({ type: 'text', messageId: 'wamid.1', text: body });

describe('message log previews', () => {
  it('keeps at most 500 characters without splitting an emoji, and what PostgreSQL stores', () => {
    const preview = previewOf(text('😀'.repeat(600))) ?? '';
    expect(Array.from(preview)).toHaveLength(PREVIEW_MAX_CHARS);
    expect(preview.isWellFormed()).toBe(true);
    expect(previewOf(text('a\u0000b\ud800'))).toBe('a\uFFFDb\uFFFD');
    expect(storable('plain')).toBe('plain');
  });

  it('reads the text a person sees first, and nothing for types without one', () => {
    const common = { messageId: 'wamid.2' };
    expect(previewOf({ ...common, type: 'video', media: { id: '1', caption: 'clip' } })).toBe('clip');
    expect(previewOf({ ...common, type: 'image', media: { id: '1' } })).toBeNull();
    expect(previewOf({ ...common, type: 'button', button: { text: 'Stop promotions' } })).toBe(
      'Stop promotions',
    );
    expect(
      previewOf({
        ...common,
        type: 'interactive',
        interactive: { replyType: 'list_reply', id: 'r', title: 'Red' },
      }),
    ).toBe('Red');
    expect(
      previewOf({ ...common, type: 'location', location: { latitude: 1, longitude: 2, name: 'Shop' } }),
    ).toBe('Shop');
    expect(previewOf({ ...common, type: 'order', order: { catalog_id: '9' } })).toBeNull();
    expect(previewOf(text(''))).toBeNull();
  });
});
