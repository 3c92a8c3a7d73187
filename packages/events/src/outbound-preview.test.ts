import { describe, expect, it } from 'vitest';
import { OutboundMessageSchema } from './outbound-message.ts';
import { outboundPreview } from './outbound-preview.ts';

const preview = (message: unknown) => outboundPreview(OutboundMessageSchema.parse(message));

describe('outboundPreview: what a conversation shows of a send', () => {
  it('shows the text, a caption, the template, an interactive body and a reaction', () => {
    expect(preview({ type: 'text', text: 'we open at 9' })).toBe('we open at 9');
    expect(
      preview({ type: 'media', mediaType: 'image', link: 'https://example.com/a.jpg', caption: 'menu' }),
    ).toBe('menu');
    expect(preview({ type: 'media', mediaType: 'image', link: 'https://example.com/a.jpg' })).toBeNull();
    expect(preview({ type: 'template', name: 'order_shipped', language: 'en_US' })).toBe(
      'Template order_shipped (en_US)',
    );
    expect(
      preview({
        type: 'interactive',
        interactive: { type: 'buttons', body: 'Pick one', buttons: [{ id: 'a', title: 'A' }] },
      }),
    ).toBe('Pick one');
    expect(preview({ type: 'reaction', messageId: 'wamid.X', emoji: '👍' })).toBe('Reacted 👍');
    expect(preview({ type: 'reaction', messageId: 'wamid.X', emoji: '' })).toBe('Reaction removed');
  });

  it('shows nothing for a read receipt or a typing indicator, and at most 500 characters', () => {
    expect(preview({ type: 'mark_read', messageId: 'wamid.X' })).toBeNull();
    expect(preview({ type: 'sender_action', action: 'typing_on' })).toBeNull();
    expect(preview({ type: 'text', text: 'x'.repeat(4000) })?.length).toBe(500);
  });
});
