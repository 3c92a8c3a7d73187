// The image's HEALTHCHECK: `node scripts/healthcheck.ts <port>...` exits 0 when GET /healthz answers
// 200 on one of the ports. One image runs every service, each on its own port variable, so the
// Dockerfile passes all three and whichever service this container runs answers. /healthz (the
// process serves HTTP) rather than /readyz: a sender waiting for Kafka is alive, not broken, and
// Docker would only mark it unhealthy, not fix Kafka.
const ports = process.argv.slice(2).filter((p) => /^\d{1,5}$/.test(p));
if (ports.length === 0) {
  console.error('usage: node scripts/healthcheck.ts <port>...');
  process.exit(2);
}

async function healthy(port: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3_000) });
  if (response.status !== 200) throw new Error(`port ${port}: HTTP ${response.status}`);
}

try {
  await Promise.any(ports.map(healthy));
} catch {
  console.error(`no /healthz answered 200 on port ${ports.join(', ')}`);
  process.exit(1);
}
