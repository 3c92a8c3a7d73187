import type { OutboundMessage } from './outbound-message.ts';

/** The longest preview kept (the message log's received previews have the same bound). */
const MAX = 500;

/**
 * What a conversation view shows of a send (docs/admin-api.md, "Conversations"): its text, a media
 * caption, the template's name, an interactive message's body, a reaction's emoji; null for what
 * shows nothing to the customer (read receipts, typing indicators).
 */
export function outboundPreview(message: OutboundMessage): string | null {
  const text = (() => {
    switch (message.type) {
      case 'text':
        return message.text;
      case 'media':
        return message.caption ?? null;
      case 'template':
        return `Template ${message.name} (${message.language})`;
      case 'interactive':
        return message.interactive.body;
      case 'reaction':
        return message.emoji === '' ? 'Reaction removed' : `Reacted ${message.emoji}`;
      default:
        return null;
    }
  })();
  return text === null ? null : text.slice(0, MAX);
}
