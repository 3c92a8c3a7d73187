import { z } from 'zod';
import { mediaSchema } from './media-control-schemas.ts';

// Bodies of the `/_sim/*` control API and of the seed file. Not on the hot path, so zod is fine.
// JSON has no Infinity: a limit of `null` or "Infinity" means lifted.

const id = z.string().min(1);
const channel = z.enum(['whatsapp', 'messenger', 'instagram']);
const limit = z
  .union([z.number().nonnegative(), z.null(), z.literal('Infinity')])
  .transform((v) => (v === null || v === 'Infinity' ? Infinity : v));

export const whatsappNumberSchema = z.object({
  phoneNumberId: id,
  wabaId: id,
  displayPhoneNumber: z.string().optional(),
  verifiedName: z.string().optional(),
  tokens: z.array(id).optional(),
});

export const pageSchema = z.object({
  pageId: id,
  name: z.string().optional(),
  category: z.string().optional(),
  instagramBusinessAccountId: id.optional(),
  tokens: z.array(id).optional(),
});

export const instagramAccountSchema = z.object({
  igUserId: id,
  username: z.string().optional(),
  name: z.string().optional(),
  appScopedId: id.optional(),
  tokens: z.array(id).optional(),
});

export const tokenSchema = z.object({
  token: id,
  accounts: z.array(id).optional(),
  type: z.enum(['SYSTEM_USER', 'USER', 'PAGE', 'INSTAGRAM']).optional(),
  scopes: z.array(z.string()).optional(),
  userId: id.optional(),
  userName: z.string().optional(),
  expiresAt: z.number().nonnegative().optional(),
});

const revokeReason = z.enum(['expired', 'invalidated']).optional();
export const revokeSchema = z.object({ token: id, reason: revokeReason });
export const rotateSchema = z.object({ oldToken: id, newToken: id.optional(), reason: revokeReason });

export const recipientSchema = z.object({
  recipientId: id,
  state: z.enum(['ok', 'unavailable', 'unknown']),
  accountId: id.optional(),
});

const faultAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('error'),
    status: z.number().int().min(100).max(599).optional(),
    code: z.number().int().optional(),
    subcode: z.number().int().optional(),
    errorType: z.string().optional(),
    message: z.string().optional(),
    details: z.string().optional(),
    isTransient: z.boolean().optional(),
    retryAfter: z.number().nonnegative().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('reset'), process: z.boolean().optional() }),
  z.object({
    type: z.literal('timeout'),
    ms: z.number().nonnegative().optional(),
    process: z.boolean().optional(),
  }),
  z.object({ type: z.literal('latency'), ms: z.number().nonnegative() }),
]);

export const faultRuleSchema = z.object({
  id: id.optional(),
  match: z
    .object({
      method: z.string().optional(),
      pathPattern: z.string().optional(),
      pathRegex: z.string().optional(),
      channel: z.enum(['whatsapp', 'messenger', 'instagram', 'graph']).optional(),
      accountId: id.optional(),
      to: id.optional(),
    })
    .optional(),
  action: faultAction,
  probability: z.number().min(0).max(1).optional(),
  times: z.number().int().nonnegative().optional(),
  seed: z.number().int().optional(),
});

export const limitsSchema = z.object({
  whatsappPerSecond: limit.optional(),
  whatsappPairIntervalMs: z.number().nonnegative().optional(),
  whatsappPairBurst: limit.optional(),
  messengerPerSecond: limit.optional(),
  instagramPerSecond: limit.optional(),
  /** Per-account per-second overrides; `"default"` removes one. */
  perAccount: z.record(id, z.union([limit, z.literal('default')])).optional(),
});

export const settingsSchema = z.object({
  latencyMs: z.number().nonnegative().optional(),
  requireAppSecretProof: z.boolean().optional(),
  enforceCustomerWindow: z.boolean().optional(),
  enforceTemplates: z.boolean().optional(),
  /** Seed for fault rules created afterwards. */
  seed: z.number().int().optional(),
});

export const inboundSchema = z.object({ from: id, phoneNumberId: id.optional(), at: z.number().optional() });

export const clockSchema = z.object({
  advanceMs: z.number().optional(),
  nowMs: z.number().optional(),
  frozen: z.boolean().optional(),
});

export const webhooksSchema = z.object({
  webhookUrl: z.url({ protocol: /^https?$/ }),
  appSecret: id.optional(),
  statuses: z.array(z.enum(['sent', 'delivered', 'read'])).optional(),
  delayMs: z.number().nonnegative().optional(),
  retries: z.number().int().nonnegative().optional(),
  retryDelayMs: z.number().nonnegative().optional(),
  timeoutMs: z.number().positive().optional(),
  concurrency: z.number().int().positive().optional(),
});

export const statusEventSchema = z.object({
  phoneNumberId: id,
  messageId: id,
  recipientId: id,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  bizOpaqueCallbackData: z.string().optional(),
  category: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.number().int(),
        title: z.string(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string() }).optional(),
      }),
    )
    .optional(),
});

const templateStatus = z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL']);

export const templateSchema = z.object({
  wabaId: id,
  name: id,
  language: id,
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']).optional(),
  status: templateStatus.optional(),
  components: z.array(z.unknown()).optional(),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).optional(),
  id: id.optional(),
});

export const templateStatusSchema = z.object({ wabaId: id, name: id, language: id, status: templateStatus });

export const oauthCodeSchema = z.object({
  code: id,
  flow: z.enum(['facebook', 'instagram']),
  redirectUri: z.string().optional(),
  accounts: z.array(id).optional(),
  userId: z.string().regex(/^\d+$/).optional(),
  userName: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  expiresAt: z.number().optional(),
});

export const fbeInstallSchema = z.object({
  externalBusinessId: id,
  businessManagerId: id,
  pixelId: id.optional(),
  pages: z.array(id).optional(),
  instagramProfiles: z.array(id).optional(),
  adAccountId: id.optional(),
  catalogId: id.optional(),
  commerceMerchantSettingsId: id.optional(),
  installedFeatures: z.array(z.unknown()).optional(),
  tokenType: z.string().optional(),
});

export const idLinkSchema = z.object({ psid: id, pageId: id, asid: id, appId: id.optional() });
export const idMatchingSchema = z.object({
  underReview: z.boolean().optional(),
  /** Items per page of ids_for_apps / ids_for_pages when the call gives no `limit`. */
  pageSize: z.number().int().min(1).max(1000).optional(),
});

export const ledgerQuerySchema = z.object({
  channel: channel.optional(),
  to: z.string().optional(),
  accountId: z.string().optional(),
  marker: z.string().optional(),
  afterSeq: z.coerce.number().int().nonnegative().optional(),
  /** Most recent N matching entries (default all). */
  limit: z.coerce.number().int().positive().optional(),
});

export const resetSchema = z.object({ scope: z.enum(['state', 'all']).optional() }).optional();

/** `META_SIM_SEED_FILE` and `POST /_sim/seed`: everything to register at once. */
export const seedSchema = z.object({
  whatsapp: z.array(whatsappNumberSchema).optional(),
  pages: z.array(pageSchema).optional(),
  instagram: z.array(instagramAccountSchema).optional(),
  tokens: z.array(tokenSchema).optional(),
  templates: z.array(templateSchema).optional(),
  media: z.array(mediaSchema).optional(),
  oauthCodes: z.array(oauthCodeSchema).optional(),
  fbeInstalls: z.array(fbeInstallSchema).optional(),
  idLinks: z.array(idLinkSchema).optional(),
  inbound: z.array(inboundSchema).optional(),
  limits: limitsSchema.optional(),
  settings: settingsSchema.optional(),
  webhooks: webhooksSchema.optional(),
});

export type SeedInput = z.input<typeof seedSchema>;
export type Seed = z.output<typeof seedSchema>;
export type LimitsInput = z.output<typeof limitsSchema>;
export type SettingsInput = z.output<typeof settingsSchema>;
