import { readFileSync, writeFileSync } from 'node:fs';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTypesFile, renderApiTypes } from '../console/scripts/api-types-render.ts';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

/**
 * The console calls the admin API through types generated from the gateway's own /openapi.json
 * (services/api-gateway/console/src/api/schema.d.ts). When a route changes, this fails until the
 * types are generated again: `OMNISTREAM_UPDATE_API_TYPES=1 pnpm vitest run <this file>`, or
 * `pnpm --filter @omnistream/console api-types` against `pnpm dev`.
 */
describe("the console's API types", () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
  }, 60_000);
  afterAll(async () => world?.stop());

  it('are what the gateway’s current /openapi.json gives', async () => {
    const res = await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    const generated = await renderApiTypes(res.json());
    if (process.env.OMNISTREAM_UPDATE_API_TYPES === '1') writeFileSync(apiTypesFile, generated);
    expect(generated).toContain('"/admin/integrations"');
    expect(readFileSync(apiTypesFile, 'utf8'), 'stale: generate the console API types again').toBe(generated);
  });
});
