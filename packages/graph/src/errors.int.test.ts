import type { MetaSim } from '@omnistream/meta-sim';
import { describe, expect, it } from 'vitest';
import type { GraphErrorCategory } from './error-codes.ts';
import { GraphError, GraphNetworkError, GraphTimeoutError } from './errors.ts';
import type { GraphClient } from './graph-client.ts';
import { PAGE, PSID, simClient, USER, useSim, WA } from './sim-kit.ts';

let sim: MetaSim;
let client: GraphClient;
useSim((s, c) => {
  sim = s;
  client = c;
});

const text = { type: 'text', text: 'hello' } as const;
const sendWa = (c: GraphClient = client, to: string = USER) =>
  c.sendWhatsApp({ phoneNumberId: WA.phoneNumberId, token: WA.token, to, message: text });

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const err = await promise.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

/** Fault rules answer with the fixture body of each code (meta-sim preset errors). */
const CASES: [number, boolean, GraphErrorCategory][] = [
  [130429, true, 'throttle'],
  [131056, true, 'pair_rate'],
  [80007, true, 'throttle'],
  [4, true, 'throttle'],
  [613, true, 'throttle'],
  [2, true, 'server'],
  [131000, true, 'server'],
  [131016, true, 'server'],
  [131057, true, 'server'],
  [100, false, 'bad_request'],
  [190, false, 'auth'],
  // The preset for 10 is Messenger's 10/2018278 "outside of allowed window": the subcode sharpens it.
  [10, false, 'window_closed'],
  [200, false, 'permission'],
  [131026, false, 'undeliverable'],
  [131030, false, 'undeliverable'],
  [131047, false, 'window_closed'],
  [131048, false, 'spam'],
  [131049, false, 'undeliverable'],
  [131050, false, 'user_unavailable'],
  [132001, false, 'template'],
  [368, false, 'policy'],
  [131031, false, 'policy'],
  [551, false, 'user_unavailable'],
];

describe('Meta error codes over HTTP', () => {
  it.each(CASES)('%i → retryable %s, %s', async (code, retryable, category) => {
    sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'error', code }, times: 1 });
    const err = await failure(sendWa());
    expect(err).toMatchObject({ code, retryable, category, errorCode: `GRAPH_${code}` });
    expect(err.fbtraceId).toMatch(/^\S+$/);
    expect(sim.ledger.count()).toBe(0);
  });

  it('5xx with an unknown code is retryable; 4xx with an unknown code is not', async () => {
    sim.faults.add({
      match: { channel: 'whatsapp' },
      action: { type: 'error', status: 503, code: 999001 },
      times: 1,
    });
    expect(await failure(sendWa())).toMatchObject({ httpStatus: 503, retryable: true, category: 'server' });
    sim.faults.add({
      match: { channel: 'whatsapp' },
      action: { type: 'error', status: 400, code: 999002 },
      times: 1,
    });
    expect(await failure(sendWa())).toMatchObject({ httpStatus: 400, retryable: false, category: 'unknown' });
  });

  it('a non-retryable code stays non-retryable on HTTP 500', async () => {
    sim.faults.add({
      match: { channel: 'whatsapp' },
      action: { type: 'error', status: 500, code: 131047 },
      times: 1,
    });
    expect(await failure(sendWa())).toMatchObject({
      httpStatus: 500,
      retryable: false,
      category: 'window_closed',
    });
  });

  it('parses Retry-After', async () => {
    sim.faults.add({
      match: { channel: 'whatsapp' },
      action: { type: 'error', code: 130429, retryAfter: 30 },
      times: 1,
    });
    expect(await failure(sendWa())).toMatchObject({ code: 130429, retryAfterMs: 30_000 });
  });
});

describe("meta-sim's own rules", () => {
  it('the pair rate limit (131056) hits one recipient, not the number', async () => {
    const errors: GraphError[] = [];
    for (let i = 0; i < 5; i++) await sendWa().catch((e: GraphError) => errors.push(e));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 131056, category: 'pair_rate', retryable: true });
    await expect(sendWa(client, '16505559876')).resolves.toMatchObject({ waId: '16505559876' });
  });

  it('throughput (130429) per number', async () => {
    sim.setLimits({ whatsappPerSecond: 2, whatsappPairBurst: Number.POSITIVE_INFINITY });
    await sendWa();
    await sendWa();
    expect(await failure(sendWa())).toMatchObject({ code: 130429, category: 'throttle', retryable: true });
  });

  it('the closed 24 h window is 131047', async () => {
    sim.configure({ enforceCustomerWindow: true });
    expect(await failure(sendWa())).toMatchObject({
      code: 131047,
      category: 'window_closed',
      retryable: false,
    });
  });

  it('a revoked token is 190, and the error does not carry the token', async () => {
    sim.accounts.revokeToken(WA.token, 'invalidated');
    const err = await failure(sendWa());
    expect(err).toMatchObject({ code: 190, category: 'auth', retryable: false });
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(WA.token);
  });

  it('Messenger: an unavailable person is 551 and the page call limit is 613', async () => {
    const send = () =>
      client.sendMessenger({
        pageId: PAGE.pageId,
        token: PAGE.token,
        recipientId: PSID,
        messagingType: 'RESPONSE',
        message: text,
      });
    sim.accounts.setRecipientState(PSID, 'unavailable', PAGE.pageId);
    expect(await failure(send())).toMatchObject({
      code: 551,
      category: 'user_unavailable',
      retryable: false,
    });
    sim.accounts.setRecipientState(PSID, 'ok', PAGE.pageId);
    sim.setLimits({ messengerPerSecond: 1 });
    await send();
    expect(await failure(send())).toMatchObject({ code: 613, category: 'throttle', retryable: true });
  });
});

describe('transport failures against meta-sim', () => {
  // undici checks headers/body timeouts on a coarse timer (about 0.5–1 s resolution), hence the margins.
  it('latency beyond headersTimeout is a GraphTimeoutError (headers)', async () => {
    const impatient = simClient(sim, { timeouts: { connectMs: 1000, headersMs: 150, bodyMs: 1000 } });
    sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'latency', ms: 2000 }, times: 1 });
    const err = await failure(sendWa(impatient));
    await impatient.close();
    expect(err).toBeInstanceOf(GraphTimeoutError);
    expect(err).toMatchObject({ phase: 'headers', retryable: true, category: 'timeout' });
  });

  it('a call the simulator never answers times out too', async () => {
    const impatient = simClient(sim, { timeouts: { connectMs: 1000, headersMs: 150, bodyMs: 1000 } });
    sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'timeout' }, times: 1 });
    expect(await failure(sendWa(impatient))).toMatchObject({ phase: 'headers' });
    await impatient.close();
  });

  it('a connection reset is a retryable GraphNetworkError, also after Meta accepted the send', async () => {
    sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'reset' }, times: 1 });
    const before = await failure(sendWa());
    expect(before).toBeInstanceOf(GraphNetworkError);
    expect(before).toMatchObject({ retryable: true, category: 'network' });
    expect(sim.ledger.count()).toBe(0);

    // Meta has it but the answer is lost: the error is the same, which is why sends carry a command id.
    sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'reset', process: true }, times: 1 });
    expect(await failure(sendWa())).toBeInstanceOf(GraphNetworkError);
    expect(sim.ledger.count()).toBe(1);
    // The pool recovers: the next call goes through.
    await expect(sendWa()).resolves.toMatchObject({ waId: USER });
  });
});
