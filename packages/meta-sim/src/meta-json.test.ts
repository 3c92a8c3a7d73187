import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import example from '../fixtures/signature-example.json' with { type: 'json' };
import { metaJsonStringify } from './meta-json.ts';

describe('metaJsonStringify', () => {
  it('reproduces the exact bytes Meta signed (fixtures/signature-raw-body.txt)', () => {
    const raw = readFileSync(new URL('../fixtures/signature-raw-body.txt', import.meta.url), 'utf8');
    const again = metaJsonStringify(JSON.parse(raw));
    expect(again).toBe(raw);
    const signature = `sha256=${createHmac('sha256', example.app_secret).update(again).digest('hex')}`;
    expect(signature).toBe(example.x_hub_signature_256);
    // Plain JSON.stringify is what a naive receiver (or sender) would produce: another signature.
    const naive = `sha256=${createHmac('sha256', example.app_secret)
      .update(JSON.stringify(JSON.parse(raw)))
      .digest('hex')}`;
    expect(naive).toBe(example.re_serialized_utf8_body_would_sign_as);
  });

  it('escapes non-ASCII as lowercase \\uXXXX (emoji as surrogate pairs) and / as \\/', () => {
    expect(metaJsonStringify({ t: 'äöå / 😮 ✓', n: 1, ok: true })).toBe(
      '{"t":"\\u00e4\\u00f6\\u00e5 \\/ \\ud83d\\ude2e \\u2713","n":1,"ok":true}',
    );
    expect(JSON.parse(metaJsonStringify({ t: 'äöå / 😮' }))).toEqual({ t: 'äöå / 😮' });
  });
});
