// The docs/benchmarks.md section of the ingest benchmark: setup, results, targets and what limited them.

import { median } from './graph-report.ts';
import {
  BASELINE_SCENARIOS,
  type BenchContext,
  beforeAfterTable,
  checkTargets,
  fmt,
  medians,
  mediansTable,
  pct,
  type RunRecord,
  rawTable,
  table,
} from './ingest-report.ts';

/** What bounded the run, read off the numbers (not a guess written in advance). */
export function limitsNote(ctx: BenchContext, runs: readonly RunRecord[]): string[] {
  const a = medians(runs, 'ingestor-max');
  const b = medians(runs, 'bare-ceiling');
  const cores = ctx.machine.nproc;
  const notes: string[] = [];
  notes.push(
    `During (a) the machine was ${fmt(a.machineCpu)} % busy out of ${cores * 100} % (${cores} cores): ingestor ${pct(a.serverCpu)}, ` +
      `broker (${ctx.broker.kind}) ${pct(a.brokerCpu)}, load generator ${pct(a.loadCpu)} — all on the same cores.`,
  );
  if (a.brokerCpu !== null && a.brokerCpu > 0 && a.verifiedPerSec) {
    const eventsPerWebhook = ctx.requestMix.eventsPerRequest;
    const recordsPerSec = a.verifiedPerSec * eventsPerWebhook;
    notes.push(
      `The broker wrote about ${fmt(recordsPerSec)} records/s (${fmt(eventsPerWebhook, 2)} events per webhook) for ${pct(a.brokerCpu)} CPU, ` +
        `i.e. ${fmt((a.brokerCpu / 100 / Math.max(1, recordsPerSec)) * 1e6)} µs of CPU per record; ` +
        `the ingestor spent ${fmt((a.serverCpu / 100 / Math.max(1, a.reqPerSec)) * 1e6)} µs of CPU per webhook.`,
    );
  }
  if (b.reqPerSec > 0) {
    notes.push(
      `The bare-Fastify ceiling used ${pct(b.serverCpu)} CPU for ${fmt(b.reqPerSec)} req/s ` +
        `(${fmt((b.serverCpu / 100 / Math.max(1, b.reqPerSec)) * 1e6)} µs per request) with the load generator at ${pct(b.loadCpu)}: ` +
        'on two cores the ceiling is itself bounded by the load generator sharing them.',
    );
  }
  if (a.machineCpu >= cores * 100 * 0.9) {
    notes.push(
      'The cores were saturated during (a): throughput is bounded by total CPU, shared between the ingestor and the broker; ' +
        'a broker on its own machine (as in production) would leave the ingestor its cores.',
    );
  }
  const otherMax = Math.max(...runs.map((r) => r.cpu.other));
  if (otherMax > 20) {
    notes.push(
      `Some runs shared the machine with other work (up to ${fmt(otherMax)} % of a core not used by the ingestor, broker, ` +
        'PostgreSQL or load generator; see "other CPU" in the raw runs): their numbers are lower than a quiet machine gives.',
    );
  }
  const c = medians(runs, 'ingestor-fixed');
  if (c.reqPerSec < ctx.fixedRate * 0.97) {
    notes.push(
      `(c) offered ${fmt(ctx.fixedRate)} webhooks/s but only ${fmt(c.reqPerSec)}/s were answered: more than the ingestor and ` +
        `this broker sustain together (${fmt(a.verifiedPerSec)}/s in (a)), so (c) measured an overloaded system and its ` +
        'latency is queueing, not the cost of a webhook.',
    );
  }
  notes.push(...ctx.broker.notes);
  const ingestorRuns = runs.filter((r) => r.runtime !== null && !BASELINE_SCENARIOS.includes(r.scenario));
  if (ingestorRuns.length > 0) {
    const maxRss = Math.max(...ingestorRuns.map((r) => r.maxRssMb));
    const gc = median(
      ingestorRuns.filter((r) => r.scenario === 'ingestor-max').map((r) => r.runtime?.gcPercent ?? 0),
    );
    notes.push(
      `Memory: the ingestor starts at ${fmt(ctx.idleRssMb.ingestor)} MB RSS and peaks at ${fmt(maxRss)} MB under load ` +
        `(largest V8 heap: ${fmt(Math.max(...ingestorRuns.map((r) => r.runtime?.heapMaxMb.totalMb ?? 0)))} MB, of which ` +
        `${fmt(Math.max(...ingestorRuns.map((r) => r.runtime?.heapMaxMb.newSpaceMb ?? 0)))} MB new space); GC took ${fmt(gc, 1)} % of wall time during (a).`,
    );
    const newSpace = Math.max(...ingestorRuns.map((r) => r.runtime?.heapMaxMb.newSpaceMb ?? 0));
    if (newSpace >= 32 && ctx.ingestorNodeArgs.length === 0) {
      notes.push(
        `Most of the growth is V8's young generation, which V8 enlarged to ${fmt(newSpace)} MB under this allocation rate ` +
          '(its default limit depends on the machine; a container with a memory limit gets less); `--max-semi-space-size` bounds it ' +
          '(try `BENCH_INGESTOR_NODE_ARGS=--max-semi-space-size=8 pnpm bench:ingest`).',
      );
    }
  }
  const spooled = runs.reduce((n, r) => n + (r.ingest?.spoolWebhooks ?? 0), 0);
  notes.push(
    spooled === 0
      ? 'No webhook went to the PostgreSQL spool: every accepted event was acknowledged by Kafka (acks=all) within the publish timeout.'
      : `${fmt(spooled)} webhooks went to the PostgreSQL spool (Kafka did not acknowledge in time); the throughput above counts only Kafka-acknowledged ones as verified.`,
  );
  return notes;
}

export const SECTION_TITLE = '## Ingest (pnpm bench:ingest)';

export function renderSection(ctx: BenchContext, runs: readonly RunRecord[]): string {
  const targets = checkTargets(runs, ctx.fixedRate);
  const mix = ctx.requestMix;
  const kinds = Object.entries(mix.byKind)
    .map(([k, n]) => `${k} ${((n / mix.count) * 100).toFixed(0)} %`)
    .join(', ');
  const lines: string[] = [];
  lines.push(SECTION_TITLE, '');
  lines.push(
    'Signed WhatsApp webhooks against the real `webhook-ingestor` (signature check, normalization, Kafka publish ' +
      `with acks=all, PostgreSQL spool fallback), started as \`pnpm start:webhook-ingestor\` starts it (\`${ctx.ingestorCommand}\`); a bare ` +
      'Fastify server that only reads the body as the ceiling; autocannon in a third process as the load generator.',
    '',
  );
  lines.push(
    'Reproduce: `pnpm bench:ingest` (smoke run: `BENCH_DURATION_S=3 BENCH_ROUNDS=1 pnpm bench:ingest`, which leaves this file alone). ' +
      'Knobs: `BENCH_DURATION_S` (20), `BENCH_ROUNDS` (3), `BENCH_CONNECTIONS` (unset: tuned over `BENCH_TUNE_CONNECTIONS`), ' +
      '`BENCH_RATE` (1000) and `BENCH_RATE_CONNECTIONS` (50) for (c), `BENCH_REQUESTS` (40000), `BENCH_CPU_PROF=1|fixed` (one extra profiled run of (a) or (c)), ' +
      '`BENCH_INGESTOR_NODE_ARGS` (extra Node flags for the ingestor), `BENCH_INGESTOR_ENV` (extra `K=V` settings for it), ' +
      "`BENCH_BASELINE_DIR` (another checkout's ingestor interleaved as the baseline; `BENCH_BASELINE_ENV`, `BENCH_BASELINE_NODE_ARGS`), " +
      "`BENCH_E2E_MIN_BYTES` (1) and `BENCH_E2E_MAX_WAIT_MS` (500) for (e)'s consumer fetches, `BENCH_QUIET_WAIT_S` (600), `BENCH_WRITE_DOCS=0|1`. " +
      'Uses `KAFKA_BROKERS` / `DATABASE_URL` when set, else Docker, else Apache Kafka from its Maven jars (the test harness) and the local PostgreSQL.',
    '',
  );
  lines.push(`Last run: ${ctx.date}.`, '');
  lines.push('### Machine and setup', '');
  lines.push(
    `- ${ctx.machine.nproc} cores (${ctx.machine.cpuModel}), ${fmt(ctx.machine.memoryGb, 1)} GB RAM, Linux ${ctx.machine.kernel}, Node ${ctx.machine.node}.`,
    `- Broker: **${ctx.broker.kind}** — ${ctx.broker.description}. It runs on the same ${ctx.machine.nproc} cores as the ingestor and the load generator.`,
    `- PostgreSQL: ${ctx.postgres}.`,
    `- Ingestor settings: ${Object.entries(ctx.ingestorEnv)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(
        ', ',
      )}; everything else at its default (publish timeout 2 s, one in-flight acks=all batch per broker, linger 0).`,
    `- Requests: ${fmt(mix.count)} distinct pre-signed webhooks, cycled through by all connections together (unique wamids per run); ` +
      `${kinds}; ${fmt(mix.minBytes)}–${fmt(mix.maxBytes)} bytes (median ${fmt(mix.medianBytes)}); ${fmt(mix.eventsPerRequest, 2)} events per webhook; ` +
      'escaped unicode and `\\/` as Meta sends them.',
    `- Runs: ${ctx.durationS} s each, ${ctx.rounds} rounds of (a), (b), (c), (d), (e) interleaved; the tables give the median per metric. ` +
      `(a) and (b) use ${ctx.connections} connections (${ctx.connectionsSource}); (c) and (d) pace ${fmt(ctx.fixedRate)} req/s over ` +
      `${ctx.fixedConnections} connections with autocannon's overallRate, each connection's second shifted so the rate is spread evenly. ` +
      '(d) sends that paced load to the bare server: what the load generator and the machine add to a latency on their own. ' +
      '(e) repeats (c) with a separate consumer process reading the inbound topic as a CRM would (kafkajs, its own consumer group, ' +
      'fetch answered at the first byte): end-to-end latency is from the moment the load generator builds and writes a signed POST to the moment ' +
      "the event carrying that webhook's wamid arrives in the consumer, both read from CLOCK_MONOTONIC, which the two processes share.",
    '- CPU per request: the process’s CPU over the run divided by the requests it answered (verified webhooks for the ingestor); the ' +
      'ratio targets divide the ingestor’s figure by the bare server’s from the same round ((c) by (d), (a) by (b)) and take the median of the rounds’ ratios. ' +
      'Broker µs per record: the broker process’s CPU over the records it wrote in that run.',
    "- Fixed-rate latency is recorded as measured (autocannon's `ignoreCoordinatedOmission`). autocannon 9 'corrects' paced runs with an " +
      'expected interval of ceil(1 / per-connection rate) = 1 ms at 20 req/s per connection, so every N ms response also records N − 1 ' +
      'synthetic samples: with that correction the do-nothing bare server measured p99 80–112 ms at 1,000 req/s, and the ingestor 48–99 ms. ' +
      'The correction exists for generators that fall behind their schedule; the achieved rate is checked instead (the target needs ≥ 97 % of it).',
    '- CPU columns are % of one core over the run (200 % = both cores of a 2-core machine); RSS is the ingestor’s (or bare server’s) VmRSS sampled every 200 ms; ' +
      'autocannon reports latency in whole milliseconds (0 = under 1 ms). Before each run the script waits for the machine to be quiet, and repeats a run (up to twice) when other work took more than 25 % of a core during it ("other CPU").',
    '',
  );
  if (ctx.tuning.length > 0) {
    lines.push(
      'Connection tuning (ingestor, short runs, best verified throughput with p99 ≤ 100 ms wins; the measured runs then get a ' +
        'fresh ingestor process, because a process keeps the memory an overloaded step grew; RSS is the largest seen up to that step):',
      '',
    );
    lines.push(
      table(
        ['connections', 'req/s', 'verified/s', 'p99 ms', 'spooled webhooks', 'ingestor RSS MB'],
        ctx.tuning.map((t) => [
          String(t.connections),
          fmt(t.reqPerSec),
          fmt(t.verifiedPerSec),
          fmt(t.p99, 1),
          fmt(t.spoolWebhooks),
          fmt(t.maxRssMb, 1),
        ]),
      ),
      '',
    );
  }
  lines.push('### Results (median of each metric)', '', mediansTable(runs), '');
  if (ctx.repeatedRuns.length > 0) {
    lines.push(
      `${ctx.repeatedRuns.length} run(s) were repeated because other work on the machine took CPU meanwhile: ${ctx.repeatedRuns.join('; ')}.`,
      '',
    );
  }
  lines.push('### Targets', '');
  lines.push(
    table(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, t.met ? 'met' : '**not met**']),
    ),
    '',
  );
  const beforeAfter = beforeAfterTable(runs);
  if (beforeAfter) {
    lines.push(
      '### Before and after',
      '',
      `(a') and (c') ran the baseline ingestor (${ctx.baseline ?? 'see the command'}) interleaved with (a) and (c) in every round, on the same broker and machine:`,
      '',
      beforeAfter,
      '',
    );
  }
  lines.push('### Events', '');
  const t = ctx.totals;
  lines.push(
    `Over the measured ingestor runs (warm-up included, tuning not): ${fmt(t.kafkaWebhooks)} webhooks acknowledged by Kafka, ${fmt(t.spoolWebhooks)} spooled, ` +
      `${fmt(t.otherWebhooks)} with another outcome; ${fmt(t.events)} events normalized, ${fmt(t.spooledEvents)} written to the spool, ` +
      `${fmt(t.relayedEvents)} relayed from it.` +
      (t.brokerRecords === null
        ? ' The broker offers no record count of its own here; the counts come from the ingestor’s /metrics.'
        : ` The broker itself counted ${fmt(t.brokerRecords)} records in the inbound topic (expected from the ingestor’s counters: ${fmt(t.brokerRecordsExpected)}).`),
    '',
  );
  if (ctx.ingestorWarnings.length > 0) {
    lines.push(
      `The ingestor logged ${ctx.ingestorWarnings.length} warnings or errors; first: \`${ctx.ingestorWarnings[0]?.slice(0, 300)}\``,
      '',
    );
  }
  lines.push('### What limits throughput', '');
  for (const note of limitsNote(ctx, runs)) lines.push(`- ${note}`);
  lines.push('');
  if (ctx.profile) {
    const p = ctx.profile;
    lines.push(
      `CPU profile of the ingestor during one extra ${ctx.profileScenario === 'fixed' ? '(c)' : '(a)'} run (\`--cpu-prof\`, ${fmt(p.busyMs / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s); self time by package and the top functions:`,
      '',
    );
    lines.push(
      table(
        ['package', 'self ms', '% of busy'],
        p.packages.slice(0, 12).map((s) => [s.name, fmt(s.ms), `${s.percent.toFixed(1)} %`]),
      ),
      '',
    );
    lines.push(
      table(
        ['function', 'where', 'self ms', '% of busy'],
        p.functions
          .slice(0, 20)
          .map((s) => [
            `\`${s.name}\``,
            s.where ? `\`${s.where}\`` : '',
            fmt(s.ms),
            `${s.percent.toFixed(1)} %`,
          ]),
      ),
      '',
    );
  }
  lines.push('### Raw runs', '', rawTable(runs), '');
  return lines.join('\n');
}
