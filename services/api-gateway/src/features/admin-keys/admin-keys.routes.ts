import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { AdminKey, AdminKeysRepository } from './admin-keys.repository.ts';

export interface AdminKeysRouteDeps {
  adminKeys: AdminKeysRepository;
}

const AdminKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z
    .string()
    .describe(
      'to tell keys apart without the secret: `osk_` for a generated key and the last 4 characters, e.g. `osk_…x9Qa`',
    ),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

const view = (k: AdminKey): z.infer<typeof AdminKeyView> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: toIso(k.createdAt),
  lastUsedAt: toIso(k.lastUsedAt),
  revokedAt: toIso(k.revokedAt),
});

/** Admin API keys: list, create (the key is shown once), revoke. */
export function registerAdminKeyRoutes(app: AdminApp, deps: AdminKeysRouteDeps): void {
  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['admin keys'],
        summary: 'List admin API keys (never the keys themselves)',
        response: { 200: z.object({ items: z.array(AdminKeyView) }) },
      },
    },
    async () => ({ items: (await deps.adminKeys.list()).map(view) }),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['admin keys'],
        summary: 'Create an admin API key; the response is the only time the key is shown',
        body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
        response: { 201: AdminKeyView.extend({ key: z.string() }) },
      },
    },
    async (request, reply) => {
      const { key, adminKey } = await deps.adminKeys.create({ name: request.body.name });
      request.log.info({ adminKeyId: adminKey.id, by: request.adminKey?.id }, 'admin key created');
      return reply.status(201).send({ ...view(adminKey), key });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['admin keys'],
        summary: 'Revoke an admin API key; it stops working at once',
        params: z.object({ id: z.uuid() }),
        response: { 200: AdminKeyView },
      },
    },
    async (request) => {
      const revoked = await deps.adminKeys.revoke(request.params.id);
      if (!revoked) throw new AppError('GW_NOT_FOUND', 'no such admin key', { status: 404 });
      request.log.info({ adminKeyId: revoked.id, by: request.adminKey?.id }, 'admin key revoked');
      return view(revoked);
    },
  );
}
