import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** Where the console's generated API types live (committed; checked by a test). */
export const apiTypesFile = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

/** The TypeScript types of an OpenAPI document, as openapi-typescript writes them. */
export async function renderApiTypes(document: unknown): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: openapi-typescript takes its own OpenAPI3 type
  const ast = await openapiTS(document as any, { exportType: true, alphabetize: true });
  return `// Generated from the gateway's /openapi.json by scripts/api-types.ts; do not edit.\n${astToString(ast)}`;
}
