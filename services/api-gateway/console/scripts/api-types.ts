// `pnpm --filter @omnistream/console api-types [gateway URL]`: writes src/api/schema.d.ts, the
// console's types of the admin API, from a running gateway's own /openapi.json (default: the one
// `pnpm dev` starts). A test (services/api-gateway/test/console-api-types.int.test.ts) fails when
// the committed file differs from what the gateway's current document gives.
import { writeFileSync } from 'node:fs';
import { apiTypesFile, renderApiTypes } from './api-types-render.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:3001';
const res = await fetch(new URL('/openapi.json', base));
if (!res.ok) throw new Error(`GET ${base}/openapi.json answered ${res.status}`);
writeFileSync(apiTypesFile, await renderApiTypes(await res.json()));
console.log(`wrote ${apiTypesFile}`);
