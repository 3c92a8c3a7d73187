import type { Channel, Integration, NewIntegration, TokenType } from '@omnistream/integrations';
import { z } from 'zod';
import { toIso } from '../../shared/iso-date.ts';
import type { Verification } from './token-verifier.ts';

/** Phone number, WABA, Business Manager, Page and Instagram account ids are all numeric at Meta. */
const MetaId = z
  .string()
  .trim()
  .regex(/^\d{1,64}$/, 'must be a numeric Meta id');

// Printable ASCII without spaces, like the Graph client's own check (what keeps a header injection
// out). Meta's tokens run to hundreds of characters; the lower bound keeps `tokenLast4` from ever
// being most of a token. Surrounding whitespace from a paste is trimmed first.
const Token = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{16,4096}$/, 'must be an access token: 16 to 4096 printable characters, no spaces');

const Name = z.string().trim().min(1).max(200);

const TokenExpiresAt = z.iso
  .datetime({ offset: true })
  .nullable()
  .describe('when the token expires; null or absent: it does not (system-user and page tokens)');

/** Token types each channel's sends work with (the sender calls graph.instagram.com for Instagram). */
export const TOKEN_TYPES = {
  whatsapp: ['system_user', 'business_integration', 'user'],
  messenger: ['page'],
  instagram: ['instagram_user'],
} as const satisfies Record<Channel, readonly TokenType[]>;

const common = {
  name: Name.optional(),
  token: Token.describe('stored encrypted; never shown again, only its last 4 characters'),
  tokenExpiresAt: TokenExpiresAt.optional(),
};

export const CreateIntegrationBody = z.discriminatedUnion('channel', [
  z.strictObject({
    channel: z.literal('whatsapp'),
    businessManagerId: MetaId,
    wabaId: MetaId,
    phoneNumberId: MetaId,
    tokenType: z
      .enum(TOKEN_TYPES.whatsapp)
      .default('system_user')
      .describe('default system_user (a permanent token of a Business Manager system user)'),
    ...common,
  }),
  z.strictObject({
    channel: z.literal('messenger'),
    pageId: MetaId,
    businessManagerId: MetaId.optional(),
    // The Send API takes a Page access token.
    tokenType: z.enum(TOKEN_TYPES.messenger).default('page'),
    ...common,
  }),
  z.strictObject({
    channel: z.literal('instagram'),
    igUserId: MetaId.describe('the professional account id (`user_id` of GET graph.instagram.com/me)'),
    businessManagerId: MetaId.optional(),
    tokenType: z.enum(TOKEN_TYPES.instagram).default('instagram_user'),
    ...common,
  }),
]);
export type CreateIntegrationBody = z.output<typeof CreateIntegrationBody>;

/** The repository's input for a create body, and the account id the uniqueness rule is about. */
export function newIntegration(body: CreateIntegrationBody): { input: NewIntegration; accountId: string } {
  const common = {
    name: body.name ?? null,
    businessManagerId: body.businessManagerId ?? null,
    token: body.token,
    tokenType: body.tokenType,
    tokenExpiresAt: body.tokenExpiresAt ? new Date(body.tokenExpiresAt) : null,
  };
  switch (body.channel) {
    case 'whatsapp':
      return {
        input: { ...common, channel: 'whatsapp', wabaId: body.wabaId, phoneNumberId: body.phoneNumberId },
        accountId: body.phoneNumberId,
      };
    case 'messenger':
      return { input: { ...common, channel: 'messenger', pageId: body.pageId }, accountId: body.pageId };
    case 'instagram':
      return {
        input: { ...common, channel: 'instagram', igUserId: body.igUserId },
        accountId: body.igUserId,
      };
  }
}

export const PatchIntegrationBody = z
  .strictObject({
    name: Name.nullable().optional(),
    wabaId: MetaId.optional().describe('WhatsApp integrations only'),
    businessManagerId: MetaId.nullable().optional(),
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .describe('active again: refused with 409 while another active integration has the same account'),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'give at least one of name, wabaId, businessManagerId, status',
  });

export type PatchIntegrationBody = z.output<typeof PatchIntegrationBody>;

export const RotateTokenBody = z.strictObject({
  token: Token,
  tokenType: z
    .enum(['system_user', 'page', 'user', 'instagram_user', 'business_integration'])
    .optional()
    .describe("one the integration's channel works with; absent: unchanged"),
  tokenExpiresAt: TokenExpiresAt.optional(),
});

export const ListIntegrationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1024).optional().describe('nextCursor of the previous page'),
  channel: z.enum(['whatsapp', 'messenger', 'instagram']).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  connectionStatus: z.enum(['pending', 'connected', 'error']).optional(),
});

export const IntegrationIdParams = z.object({ id: z.uuid() });

export const IntegrationView = z.object({
  id: z.uuid(),
  channel: z.enum(['whatsapp', 'messenger', 'instagram']),
  name: z.string().nullable(),
  businessManagerId: z.string().nullable(),
  wabaId: z.string().nullable(),
  phoneNumberId: z.string().nullable(),
  pageId: z.string().nullable(),
  igUserId: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  needsReauth: z.boolean().describe('Meta refused the token while sending; rotate it'),
  connectionStatus: z
    .enum(['pending', 'connected', 'error'])
    .describe('pending until Meta accepts the token, connected after, error when Meta refused it'),
  connectionError: z
    .object({ message: z.string(), code: z.number().int().optional(), subcode: z.number().int().optional() })
    .nullable()
    .describe("Meta's answer at the last token check, as Meta wrote it"),
  verifiedAt: z.iso.datetime().nullable(),
  tokenLast4: z.string(),
  tokenType: z.enum(['system_user', 'page', 'user', 'instagram_user', 'business_integration']),
  tokenExpiresAt: z.iso.datetime().nullable(),
  rotatedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type IntegrationView = z.infer<typeof IntegrationView>;

/** Create and token rotation also say when the token could not be checked yet. */
export const CheckedIntegrationView = IntegrationView.extend({
  verificationDeferred: z
    .string()
    .optional()
    .describe(
      'present when Meta could not check the token (unreachable, throttled): why. It stays pending; ' +
        'POST /admin/integrations/{id}/verify checks it again',
    ),
});

/** What admins see of an integration: never the token, nor which key encrypts it. */
export function integrationView(i: Integration): IntegrationView {
  const e = i.connectionError;
  return {
    id: i.id,
    channel: i.channel,
    name: i.name,
    businessManagerId: i.businessManagerId,
    wabaId: i.wabaId,
    phoneNumberId: i.phoneNumberId,
    pageId: i.pageId,
    igUserId: i.igUserId,
    status: i.status,
    needsReauth: i.needsReauth,
    connectionStatus: i.connectionStatus,
    connectionError: e
      ? {
          message: e.message,
          ...(e.code === undefined ? {} : { code: e.code }),
          ...(e.subcode === undefined ? {} : { subcode: e.subcode }),
        }
      : null,
    verifiedAt: toIso(i.verifiedAt),
    tokenLast4: i.tokenLast4,
    tokenType: i.tokenType,
    tokenExpiresAt: toIso(i.tokenExpiresAt),
    rotatedAt: toIso(i.rotatedAt),
    createdAt: toIso(i.createdAt),
    updatedAt: toIso(i.updatedAt),
  };
}

/** An integration after a token check; `verificationDeferred` says why Meta could not be asked. */
export function checkedView(result: Verification): z.infer<typeof CheckedIntegrationView> {
  const view = integrationView(result.integration);
  return result.checked
    ? view
    : { ...view, verificationDeferred: `Meta could not check the token now: ${result.reason}` };
}
