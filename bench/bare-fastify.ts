// The ceiling: a Fastify server that only reads the webhook body and answers 200, run as its own
// process by bench/ingest.ts. `node bench/bare-fastify.ts <port> [host]`; prints "listening" once up.
import { createRequire } from 'node:module';

/** The few Fastify calls used here (fastify is the ingestor's dependency, not the root's). */
interface BareReply {
  status(code: number): BareReply;
  type(contentType: string): BareReply;
  send(payload: string): BareReply;
}
interface BareApp {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: RegExp,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: unknown, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(path: string, handler: (request: { body: unknown }, reply: BareReply) => Promise<BareReply>): void;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}
type FastifyFactory = (options: { logger: boolean; bodyLimit: number }) => BareApp;

const BODY_LIMIT = 3 * 1024 * 1024;

// Resolved through the ingestor's package so the ceiling runs the very Fastify build the ingestor does.
const requireFromIngestor = createRequire(
  new URL('../services/webhook-ingestor/package.json', import.meta.url),
);
const fastify = requireFromIngestor('fastify') as FastifyFactory;

const port = Number(process.argv[2]);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: node bench/bare-fastify.ts <port> [host]');

const app = fastify({ logger: false, bodyLimit: BODY_LIMIT });
// Same body handling as the ingestor: JSON kept as the raw Buffer.
app.removeAllContentTypeParsers();
app.addContentTypeParser(
  /^application\/json\s*(;.*)?$/i,
  { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
  (_r, body, done) => done(null, body),
);
app.post('/webhook/:channel', async (request, reply) => {
  const size = Buffer.isBuffer(request.body) ? request.body.length : 0;
  return reply
    .status(size > 0 ? 200 : 400)
    .type('text/plain; charset=utf-8')
    .send('EVENT_RECEIVED');
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
await app.listen({ port, host });
process.stdout.write('listening\n');
