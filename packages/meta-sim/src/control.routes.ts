import type { FastifyInstance } from 'fastify';
import {
  clockSchema,
  faultRuleSchema,
  fbeInstallSchema,
  idLinkSchema,
  idMatchingSchema,
  inboundSchema,
  instagramAccountSchema,
  ledgerQuerySchema,
  limitsSchema,
  oauthCodeSchema,
  pageSchema,
  recipientSchema,
  resetSchema,
  revokeSchema,
  rotateSchema,
  seedSchema,
  settingsSchema,
  statusEventSchema,
  templateSchema,
  templateStatusSchema,
  tokenSchema,
  webhooksSchema,
  whatsappNumberSchema,
} from './control-schemas.ts';
import { inboundMessageSchema, inboundMessagingSchema } from './inbound-control-schemas.ts';
import {
  cdnAttachmentSchema,
  mediaContent,
  mediaInputOf,
  mediaRedirectSchema,
  mediaSchema,
} from './media-control-schemas.ts';
import type { MetaSim } from './meta-sim.ts';

/**
 * `/_sim/*`: the in-process control API over HTTP (JSON), for the demo and benchmarks running in
 * another process. Documented route by route in the README. Limits come back with `null` for
 * lifted (JSON has no Infinity).
 */
export function registerControlRoutes(app: FastifyInstance, sim: MetaSim): void {
  app.get('/_sim/health', async () => ({
    ok: true,
    url: sim.url,
    graphUrl: sim.graphUrl,
    instagramUrl: sim.instagramUrl,
    instagramBaseUrl: sim.instagramBaseUrl,
  }));

  app.get('/_sim/state', async () => ({
    settings: settingsView(sim),
    limits: limitsView(sim),
    accounts: sim.accounts.snapshot(),
    faults: sim.faults.list(),
    ledger: { count: sim.ledger.count(), totals: sim.ledger.totals() },
    webhooks: { settings: webhookSettingsView(sim), stats: sim.webhooks.stats() },
    clock: clockView(sim),
  }));

  app.post('/_sim/reset', async (req) => {
    sim.reset(resetSchema.parse(req.body)?.scope ?? 'state');
    return { ok: true };
  });

  app.post('/_sim/seed', async (req) => {
    sim.seed(seedSchema.parse(req.body));
    return { ok: true };
  });

  // Accounts and tokens.
  app.get('/_sim/accounts', async () => sim.accounts.snapshot());
  app.post('/_sim/accounts/whatsapp', async (req, reply) =>
    reply.code(201).send(sim.accounts.addWhatsAppNumber(whatsappNumberSchema.parse(req.body))),
  );
  app.post('/_sim/accounts/pages', async (req, reply) =>
    reply.code(201).send(sim.accounts.addPage(pageSchema.parse(req.body))),
  );
  app.post('/_sim/accounts/instagram', async (req, reply) =>
    reply.code(201).send(sim.accounts.addInstagramAccount(instagramAccountSchema.parse(req.body))),
  );
  app.post('/_sim/tokens', async (req, reply) => {
    const record = sim.accounts.addToken(tokenSchema.parse(req.body));
    return reply
      .code(201)
      .send({ last4: record.token.slice(-4), type: record.type, accounts: [...record.grants] });
  });
  app.post('/_sim/tokens/revoke', async (req) => {
    const { token, reason } = revokeSchema.parse(req.body);
    sim.accounts.revokeToken(token, reason);
    return { ok: true };
  });
  app.post('/_sim/tokens/rotate', async (req) => {
    const { oldToken, newToken, reason } = rotateSchema.parse(req.body);
    return { token: sim.accounts.rotateToken(oldToken, newToken, reason) };
  });
  app.post('/_sim/recipients', async (req) => {
    const { recipientId, state, accountId } = recipientSchema.parse(req.body);
    sim.accounts.setRecipientState(recipientId, state, accountId);
    return { ok: true };
  });

  // Faults.
  app.get('/_sim/faults', async () => sim.faults.list());
  app.post('/_sim/faults', async (req, reply) =>
    reply.code(201).send(sim.faults.add(faultRuleSchema.parse(req.body))),
  );
  app.delete('/_sim/faults/:id', async (req, reply) => {
    const removed = sim.faults.remove((req.params as { id: string }).id);
    return reply.code(removed ? 200 : 404).send({ removed });
  });
  app.delete('/_sim/faults', async () => {
    sim.faults.clear();
    return { ok: true };
  });

  // Limits, settings, 24 h window, clock.
  app.get('/_sim/limits', async () => limitsView(sim));
  app.put('/_sim/limits', async (req) => {
    sim.setLimits(limitsSchema.parse(req.body));
    return limitsView(sim);
  });
  app.post('/_sim/limits/reset-counters', async () => {
    sim.limits.resetCounters();
    return { ok: true };
  });
  app.get('/_sim/settings', async () => settingsView(sim));
  app.put('/_sim/settings', async (req) => {
    sim.configure(settingsSchema.parse(req.body));
    return settingsView(sim);
  });
  app.post('/_sim/window/inbound', async (req) => {
    sim.window.recordInbound(inboundSchema.parse(req.body));
    return { ok: true };
  });
  app.get('/_sim/clock', async () => clockView(sim));
  app.post('/_sim/clock', async (req) => {
    const { advanceMs, nowMs, frozen } = clockSchema.parse(req.body);
    if (frozen === true) sim.clock.freeze();
    if (nowMs !== undefined) sim.clock.set(nowMs);
    if (advanceMs !== undefined) sim.clock.advance(advanceMs);
    if (frozen === false) sim.clock.unfreeze();
    return clockView(sim);
  });

  // Ledger.
  app.get('/_sim/ledger', async (req) => {
    const { limit, ...filter } = ledgerQuerySchema.parse(req.query);
    const entries = sim.ledger.entries(filter);
    return {
      count: entries.length,
      total: sim.ledger.count(),
      totals: sim.ledger.totals(),
      entries: limit === undefined ? entries : entries.slice(-limit),
    };
  });
  app.get('/_sim/ledger/duplicates', async () => ({ duplicates: sim.ledger.duplicates() }));
  app.delete('/_sim/ledger', async () => {
    sim.ledger.clear();
    return { ok: true };
  });

  // Status webhooks.
  app.get('/_sim/webhooks', async () => ({
    settings: webhookSettingsView(sim),
    stats: sim.webhooks.stats(),
  }));
  app.put('/_sim/webhooks', async (req) => {
    sim.webhooks.configure({ appSecret: sim.app.secret, ...webhooksSchema.parse(req.body) });
    return { settings: webhookSettingsView(sim) };
  });
  app.delete('/_sim/webhooks', async () => {
    sim.webhooks.configure(null);
    return { ok: true };
  });
  app.post('/_sim/webhooks/status', async (req, reply) => {
    sim.webhooks.emit(statusEventSchema.parse(req.body));
    return reply.code(202).send({ ok: true });
  });
  app.post('/_sim/webhooks/inbound', async (req, reply) => {
    const input = inboundMessageSchema.parse(req.body);
    if (!sim.webhooks.settings) return reply.code(409).send({ error: 'webhooks are not configured' });
    if (!sim.accounts.whatsappNumber(input.phoneNumberId)) {
      return reply.code(404).send({ error: `unknown phone number id ${input.phoneNumberId}` });
    }
    return reply.code(202).send(sim.inboundMessage(input));
  });
  app.get('/_sim/webhooks/idle', async () => {
    await sim.webhooks.idle();
    return sim.webhooks.stats();
  });

  // Templates, media, OAuth codes, FBE, ID matching.
  app.get('/_sim/templates/:wabaId', async (req) =>
    sim.templates.list((req.params as { wabaId: string }).wabaId),
  );
  app.post('/_sim/templates', async (req, reply) => {
    const { wabaId, ...input } = templateSchema.parse(req.body);
    return reply.code(201).send(sim.templates.add(wabaId, input));
  });
  app.post('/_sim/templates/status', async (req) => {
    const { wabaId, name, language, status } = templateStatusSchema.parse(req.body);
    return sim.templates.setStatus(wabaId, name, language, status);
  });
  app.post('/_sim/media', async (req, reply) => {
    const m = mediaSchema.parse(req.body);
    const item = sim.media.add(mediaInputOf(m));
    return reply
      .code(201)
      .send({ id: item.id, sha256: item.sha256, fileSize: item.fileSize, mimeType: item.mimeType });
  });
  app.post('/_sim/media/:id/redirect', async (req, reply) => {
    const { location } = mediaRedirectSchema.parse(req.body);
    const id = (req.params as { id: string }).id;
    if (!sim.media.redirect(id, location ?? undefined)) {
      return reply.code(404).send({ error: { message: `unknown media id ${id}` } });
    }
    return { ok: true };
  });
  app.get('/_sim/uploads', async () => ({ uploads: sim.media.uploads() }));
  app.post('/_sim/attachments', async (req, reply) => {
    const a = cdnAttachmentSchema.parse(req.body);
    const { id, url, item } = sim.cdn.add({
      mimeType: a.mimeType,
      ...mediaContent(a),
      ...(a.filename ? { filename: a.filename } : {}),
      ...(a.ttlMs === undefined ? {} : { ttlMs: a.ttlMs }),
    });
    return reply.code(201).send({ id, url, sha256: item.sha256, fileSize: item.fileSize });
  });
  app.post('/_sim/webhooks/inbound-messaging', async (req, reply) => {
    const input = inboundMessagingSchema.parse(req.body);
    if (!sim.webhooks.settings) return reply.code(409).send({ error: 'webhooks are not configured' });
    return reply.code(202).send(sim.inboundMessaging(input));
  });
  app.post('/_sim/oauth/codes', async (req, reply) => {
    const code = sim.oauth.addCode(oauthCodeSchema.parse(req.body));
    return reply.code(201).send({ code: code.code, flow: code.flow, expiresAt: code.expiresAt });
  });
  app.post('/_sim/fbe/installs', async (req, reply) =>
    reply.code(201).send(sim.business.addInstall(fbeInstallSchema.parse(req.body))),
  );
  app.post('/_sim/id-matching/links', async (req, reply) => {
    const link = idLinkSchema.parse(req.body);
    sim.business.link({ ...link, appId: link.appId ?? sim.app.id });
    return reply.code(201).send({ ok: true });
  });
  app.delete('/_sim/fbe/installs/:externalBusinessId', async (req) => ({
    removed: sim.business.removeInstall((req.params as { externalBusinessId: string }).externalBusinessId),
  }));
  app.put('/_sim/id-matching', async (req) => {
    const { underReview, pageSize } = idMatchingSchema.parse(req.body);
    if (underReview !== undefined) sim.business.idMatchingUnderReview = underReview;
    if (pageSize !== undefined) sim.business.idMatchingPageSize = pageSize;
    return { underReview: sim.business.idMatchingUnderReview, pageSize: sim.business.idMatchingPageSize };
  });
  app.get('/_sim/id-matching/requests', async () => ({ requests: sim.business.idMatchingRequests() }));

  // Without this, `/_sim/<typo>` would fall through to the Graph routes (`/:ver/:id`).
  app.all('/_sim/*', async (req, reply) =>
    reply.code(404).send({ error: { message: `no control route ${req.method} ${req.url}` } }),
  );
}

function limitsView(sim: MetaSim) {
  return { ...sim.limits.get(), perAccount: sim.limits.overrides() };
}

function settingsView(sim: MetaSim) {
  return {
    ...sim.settings,
    enforceCustomerWindow: sim.window.enforced,
    enforceTemplates: sim.templates.enforceOnSend,
  };
}

function webhookSettingsView(sim: MetaSim) {
  const s = sim.webhooks.settings;
  // Never echo the app secret.
  return s ? { ...s, appSecret: `…${s.appSecret.slice(-4)}` } : null;
}

function clockView(sim: MetaSim) {
  const now = sim.clock.now();
  return { now, iso: new Date(now).toISOString(), frozen: sim.clock.frozen };
}
