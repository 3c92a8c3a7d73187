// `pnpm asyncapi`: writes docs/asyncapi.yaml, the AsyncAPI 3.0 description of the four Kafka topics,
// from the zod schemas in packages/events (docs/events.md explains the contract for people).
// packages/events/src/asyncapi.test.ts fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { ASYNCAPI_FILE, generateAsyncApiYaml } from '../packages/events/src/asyncapi.ts';

const target = new URL(`../${ASYNCAPI_FILE}`, import.meta.url);
writeFileSync(target, generateAsyncApiYaml());
console.log(`wrote ${ASYNCAPI_FILE}`);
