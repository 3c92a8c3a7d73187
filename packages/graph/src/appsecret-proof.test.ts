import { describe, expect, it } from 'vitest';
import { appsecretProof } from './appsecret-proof.ts';
import { keepBigIntegersAsStrings } from './big-int-json.ts';

describe('appsecret_proof', () => {
  it('is the lowercase hex HMAC-SHA256 of the token keyed by the app secret', () => {
    // Expected values computed independently: python3 hmac.new(secret, token, sha256).hexdigest()
    expect(appsecretProof('EAAGtest-token', 'app-secret-123')).toBe(
      'ac89e2d5d140861f1d9f83b81922631c7de64d4d1a205bd59c362e9ccb1bdd88',
    );
    expect(appsecretProof('IGAAtest-token', 'ig-secret-456')).toBe(
      '2348cef06a746d2647a92a8751edf8bee5a27441efd095db78ae039beb121889',
    );
  });
});

describe('integers beyond 2^53', () => {
  it('keeps Instagram user_id exact and leaves ordinary numbers and strings alone', () => {
    const raw =
      '{"access_token":"IGAA","user_id":27640875392278831,"expires_in":5183944,"ratio":1.5,"s":"27640875392278831"}';
    expect(JSON.parse(raw).user_id).toBe(27640875392278830); // what plain JSON.parse does
    expect(JSON.parse(raw, keepBigIntegersAsStrings)).toStrictEqual({
      access_token: 'IGAA',
      user_id: '27640875392278831',
      expires_in: 5183944,
      ratio: 1.5,
      s: '27640875392278831',
    });
  });
});
