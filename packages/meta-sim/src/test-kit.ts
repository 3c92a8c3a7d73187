// Shared by this package's tests: a simulator with one account per channel, and fetch helpers.
import { createLogger } from '@omnistream/logger';
import { createSimClock, type SimClock } from './clock.ts';
import { createMetaSim, type MetaSim, type MetaSimOptions } from './meta-sim.ts';

export const WA = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  token: 'EAAGsimWhatsAppSystemUserToken0001',
} as const;
export const PAGE = { pageId: '112233445566778', token: 'EAAGsimPageAccessToken0002' } as const;
export const IG = { igUserId: '17841405793187218', token: 'IGAAsimInstagramLoginToken0003' } as const;
export const USER_A = '16505551234';
export const USER_B = '16505559876';
export const START = Date.parse('2026-03-01T10:00:00Z');

export interface TestSim {
  sim: MetaSim;
  clock: SimClock;
  /** POST JSON to `${base}${path}` (base: graphUrl by default) with a Bearer token. */
  post(path: string, body: unknown, opts?: RequestOpts): Promise<Answer>;
  get(path: string, opts?: RequestOpts): Promise<Answer>;
  /** Control API call: `${url}/_sim${path}`. */
  control(method: string, path: string, body?: unknown): Promise<Answer>;
}

export interface RequestOpts {
  token?: string | null;
  base?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON.
  json: any;
}

export async function startTestSim(options: MetaSimOptions = {}): Promise<TestSim> {
  const clock = options.clock ?? createSimClock({ start: START, frozen: true });
  const sim = createMetaSim({
    logger: createLogger({ name: 'meta-sim-test', level: 'silent' }),
    clock,
    ...options,
    initial: {
      whatsapp: [{ phoneNumberId: WA.phoneNumberId, wabaId: WA.wabaId, tokens: [WA.token] }],
      pages: [{ pageId: PAGE.pageId, tokens: [PAGE.token], name: 'Lucky Shrub' }],
      instagram: [{ igUserId: IG.igUserId, username: 'luckyshrub', tokens: [IG.token] }],
      ...options.initial,
    },
  });
  await sim.start();

  async function call(method: string, url: string, body: unknown, opts: RequestOpts = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? WA.token : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  return {
    sim,
    clock,
    post: (path, body, opts) => call('POST', `${opts?.base ?? sim.graphUrl}${path}`, body, opts),
    get: (path, opts) => call('GET', `${opts?.base ?? sim.graphUrl}${path}`, undefined, opts),
    control: (method, path, body) => call(method, `${sim.url}/_sim${path}`, body, { token: null }),
  };
}

export function waText(
  to: string,
  body: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { body },
    ...extra,
  };
}

export function waTemplate(to: string, name = 'order_update', language = 'en_US'): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: { name, language: { code: language } },
  };
}
