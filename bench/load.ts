// Load generator, run as its own process by bench/ingest.ts so its CPU is not the server's:
//   node bench/load.ts '<json LoadOptions>'
// Prints one JSON LoadResult line on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon, { type Client } from 'autocannon';

export interface LoadOptions {
  url: string;
  durationS: number;
  connections: number;
  /** Requests per second over all connections; omitted: as fast as the server answers. */
  overallRate?: number;
  /** JSON array of { method, path, headers, body }. */
  requestsFile: string;
  /** Where in the request pool this run starts, so consecutive runs keep walking through it. */
  startIndex?: number;
  /**
   * Writes `[poolIndex, sentAtUs]` for every request sent (process.hrtime, i.e. CLOCK_MONOTONIC,
   * which every process on the machine shares) to this file: the end-to-end scenario joins them
   * with the arrival times its consumer saw.
   */
  sendLogFile?: string;
}

export interface LoadResult {
  durationS: number;
  connections: number;
  overallRate: number | null;
  requestsPerSecMean: number;
  requestsTotal: number;
  requestsSent: number;
  ok2xx: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** CPU the load generator itself used, in % of one core. */
  cpuPercent: number;
}

interface PoolRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
const pool = (JSON.parse(readFileSync(options.requestsFile, 'utf8')) as PoolRequest[]).map((r) => ({
  method: r.method,
  path: r.path,
  headers: r.headers,
  body: Buffer.from(r.body),
}));
if (pool.length === 0) throw new Error(`${options.requestsFile} holds no requests`);

// One cursor shared by every connection: together they walk the pool, so any pool.length
// consecutive requests carry distinct wamids (a static `requests` array would have every
// connection send the same sequence, and prebuild all of it per connection).
let cursor = options.startIndex ?? 0;
const sendLog: [number, number][] | null = options.sendLogFile ? [] : null;
const next = () => {
  const index = cursor++ % pool.length;
  // autocannon builds a request right before writing it (httpClient's _doRequest): this is its send time.
  sendLog?.push([index, Number(process.hrtime.bigint() / 1000n)]);
  return pool[index] as (typeof pool)[number];
};

let clientIndex = 0;
/**
 * autocannon paces a rate per connection and per wall-clock second: every connection sends its
 * share back to back when the second starts, so "1,000/s" arrives as a burst of 1,000 requests at
 * the top of each second. Each connection's second is shifted by its index so the rate is spread
 * over the second instead. Touches autocannon 9 internals (see autocannon.d.ts).
 */
function staggerSeconds(connections: number) {
  return (client: Client) => {
    const phaseMs = ((clientIndex++ % connections) * 1000) / connections;
    // Runs after the constructor created the per-second interval and sent the first request.
    process.nextTick(() => {
      clearInterval(client.rateInterval);
      client.reqsMadeThisSecond = Number.POSITIVE_INFINITY;
      const release = () => {
        if (client.destroyed) return;
        client.reqsMadeThisSecond = 0;
        if (client.paused) {
          client.paused = false;
          client._doRequest();
        }
      };
      const timer = setTimeout(() => {
        release();
        client.rateInterval = setInterval(release, 1000);
      }, phaseMs);
      timer.unref();
    });
  };
}

// The orchestrator starts measuring here, after the request file was read and parsed.
process.stdout.write('started\n');
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  pipelining: 1,
  timeout: 10,
  ...(options.overallRate
    ? {
        overallRate: options.overallRate,
        setupClient: staggerSeconds(options.connections),
        ignoreCoordinatedOmission: true,
      }
    : {}),
  requests: [
    {
      setupRequest: () => {
        const r = next();
        return { method: r.method, path: r.path, headers: { ...r.headers }, body: r.body };
      },
    },
  ],
});

const cpu = process.cpuUsage(cpuBefore);
if (sendLog && options.sendLogFile) writeFileSync(options.sendLogFile, JSON.stringify(sendLog));
const loadCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100;

const statusCodes: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
const output: LoadResult = {
  durationS: result.duration,
  connections: result.connections,
  overallRate: options.overallRate ?? null,
  requestsPerSecMean: result.requests.mean,
  requestsTotal: result.requests.total,
  requestsSent: result.requests.sent,
  ok2xx: result['2xx'],
  non2xx: result.non2xx,
  statusCodes,
  errors: result.errors,
  timeouts: result.timeouts,
  latencyMs: {
    mean: result.latency.mean,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  cpuPercent: loadCpuPercent,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
