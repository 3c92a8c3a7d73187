// The image's HEALTHCHECK: `node scripts/healthcheck.ts <port>...` exits 0 when GET /healthz answers
// 200 on one of the ports. One image runs every service, each on its own port variable, so the
// Dockerfile passes all three and whichever service this container runs answers. /healthz (the
// process serves HTTP) by default rather than /readyz: an ingestor or gateway waiting for Kafka
// is alive and still serves (spool, admin API). `--ready` probes /readyz instead, for the
// message-sender: it serves no traffic, so its container is healthy only while its consumers run
// (docker-compose.yml; docs/services.md, "Consumers that crash").
const args = process.argv.slice(2);
const path = args.includes('--ready') ? '/readyz' : '/healthz';
const ports = args.filter((p) => /^\d{1,5}$/.test(p));
if (ports.length === 0) {
  console.error('usage: node scripts/healthcheck.ts [--ready] <port>...');
  process.exit(2);
}

async function healthy(port: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  if (response.status !== 200) throw new Error(`port ${port}: HTTP ${response.status}`);
}

try {
  await Promise.any(ports.map(healthy));
} catch {
  console.error(`no ${path} answered 200 on port ${ports.join(', ')}`);
  process.exit(1);
}
