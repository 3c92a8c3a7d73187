import { api, errorText, setCsrfToken } from './api/client.ts';

type SessionAnswer = NonNullable<Awaited<ReturnType<typeof fetchSession>>>;
export type Session = SessionAnswer;

/** The session of this browser's cookie, or null when there is none (signed out, expired, revoked). */
export async function fetchSession() {
  const { data } = await api.GET('/console/session');
  if (data) setCsrfToken(data.csrfToken);
  return data ?? null;
}

export async function signIn(key: string): Promise<{ session?: Session; error?: string }> {
  const { data, error, response } = await api.POST('/console/session', { body: { key } });
  if (data) {
    setCsrfToken(data.csrfToken);
    return { session: data };
  }
  if (response.status === 429) {
    const wait = response.headers.get('retry-after');
    return {
      error: `Too many failed sign-ins from this address. Try again in ${wait ?? 'a minute'} seconds.`,
    };
  }
  if (response.status === 401) return { error: 'That admin key is not valid (wrong, or revoked).' };
  return { error: errorText(error, `Sign-in failed (${response.status}).`) };
}

export async function signOut(): Promise<void> {
  await api.DELETE('/console/session');
  setCsrfToken(null);
}
