import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type MetaSim, syntheticMediaSha256 } from '@omnistream/meta-sim';
import { freePorts, uniqueTopicNames, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { simWithWhatsAppNumber, startGatewayProcess } from './gateway-process.ts';

const keys = [{ id: 'k1', key: randomBytes(32) }];
const ADMIN_KEY = `osk_${randomBytes(32).toString('base64url')}`;
const TOKEN = `EAAGlarge${randomBytes(8).toString('hex')}`;
// WhatsApp's largest document (docs/meta-platform.md, "Media"), MEDIA_MAX_BYTES' default.
const SIZE = 100 * 1024 * 1024;
const MAX_GROWTH = 30e6;

/** VmRSS and VmHWM (peak RSS) of a process, in bytes (proc(5): /proc/<pid>/status). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Resets VmHWM to the current RSS: writing 5 to /proc/<pid>/clear_refs (Linux ≥ 4.0, proc(5)).
 * False where that is not permitted.
 */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Downloads over real HTTP, hashing the body as it arrives and keeping none of it. */
async function download(
  url: string,
): Promise<{ status: number; headers: Headers; bytes: number; sha256: string }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const hash = createHash('sha256');
  let bytes = 0;
  if (res.body)
    for await (const chunk of res.body) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  return { status: res.status, headers: res.headers, bytes, sha256: hash.digest('hex') };
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

describe('api-gateway process (pnpm start:api-gateway): a 100 MB document streams in bounded memory', () => {
  const db = useTestDatabase();
  let child: ChildProcess | undefined;
  let sim: MetaSim | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sim?.stop();
  });

  it("streams a customer's 100 MB PDF byte for byte, with Meta's sha256, while its RSS grows by less than 30 MB", async () => {
    const world = await simWithWhatsAppNumber(db.pool, keys, TOKEN);
    sim = world.sim;
    const { phone, integration } = world;
    const [port] = await freePorts(1);
    const gateway = await startGatewayProcess({
      databaseUrl: db.url,
      sim,
      topics: await uniqueTopicNames(),
      port: port as number,
      encryptionKeys: keys,
      adminKey: ADMIN_KEY,
    });
    child = gateway.child;
    const mediaUrl = (id: string) => `${gateway.base}/admin/integrations/${integration.id}/media/${id}`;

    // Warm-up: the media route's code (multipart, graph client, hashing) is loaded lazily; a small
    // download first, so the measure below is the download's and not the first use of the code.
    const small = sim.media.add({ mimeType: 'application/pdf', size: 256 * 1024, phoneNumberId: phone });
    const warm = await download(mediaUrl(small.id));
    expect(warm.status).toBe(200);
    expect(warm.sha256).toBe(small.sha256);

    // Meta holds the 100 MB document (generated as it is read; the test keeps no copy either).
    const seed = `large-${randomBytes(4).toString('hex')}`;
    const large = sim.media.add({ mimeType: 'application/pdf', size: SIZE, seed, phoneNumberId: phone });
    const expected = await syntheticMediaSha256(seed, SIZE);

    // Peak RSS of the download alone: VmHWM reset to the idle RSS right before it. Where the reset is
    // not permitted, the peak of VmRSS sampled every 20 ms stands in.
    const peakReset = resetPeak(gateway.pid);
    const idle = memoryOf(gateway.pid);
    let sampledPeak = idle.rss;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, memoryOf(gateway.pid).rss);
    }, 20);
    let res: Awaited<ReturnType<typeof download>>;
    const started = performance.now();
    try {
      res = await download(mediaUrl(large.id));
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = memoryOf(gateway.pid);
    sampledPeak = Math.max(sampledPeak, after.rss);
    const peak = peakReset ? Math.max(after.hwm, sampledPeak) : sampledPeak;
    const growth = peak - idle.rss;
    const figures =
      `idle RSS ${mb(idle.rss)} (VmHWM ${mb(idle.hwm)}, reset: ${peakReset}), peak during the download ` +
      `${mb(peak)} (VmHWM ${mb(after.hwm)}, sampled VmRSS ${mb(sampledPeak)}), RSS after ${mb(after.rss)}: ` +
      `growth ${mb(growth)}; ${mb(res.bytes)} in ${seconds.toFixed(1)} s`;
    console.info(`api-gateway memory, 100 MB download: ${figures}`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.bytes).toBe(SIZE);
    expect(res.sha256).toBe(expected);
    expect(res.headers.get('etag')).toBe(`"${large.sha256}"`);

    const log = gateway.output.join('');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(ADMIN_KEY);
    expect(log).not.toMatch(/did not match Meta's sha256|failed mid-stream/);
    // Streamed, not buffered: the peak is a fraction of the file (measured figures in the message).
    expect(growth, figures).toBeLessThan(MAX_GROWTH);
  }, 120_000);
});
