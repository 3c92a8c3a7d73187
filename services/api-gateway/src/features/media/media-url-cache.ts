import type { MediaInfo } from '@omnistream/graph';

/**
 * Resolved WhatsApp media (`GET /{media-id}`: URL, type, size, sha256) kept for a little less than
 * the URL lives (about 5 minutes, docs/meta-platform.md "Media"), so a CRM showing the same picture
 * again costs one download, not a Graph call as well. Bounded: the oldest entry goes first.
 */
export function createMediaUrlCache(options: { now: () => number; ttlMs?: number; maxEntries?: number }) {
  const ttlMs = options.ttlMs ?? 4 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, { info: MediaInfo; until: number }>();
  return {
    get(key: string): MediaInfo | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.until <= options.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.info;
    },
    set(key: string, info: MediaInfo): void {
      entries.delete(key);
      entries.set(key, { info, until: options.now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}
