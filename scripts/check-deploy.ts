// `pnpm check:deploy`: checks the deployment files without a Docker engine (CI has none).
//   - Dockerfile, structurally (hadolint is not available here): multi-stage, pinned base images,
//     production-only frozen install with patches/ present, NODE_ENV=production, a non-root USER,
//     a HEALTHCHECK, and the same Node and pnpm versions as scripts/setup.sh and package.json.
//   - docker-compose.yml, through Compose itself (`config`) with a throwaway .env made from
//     .env.example: valid, the expected services, only the ingestor and gateway publish ports,
//     nothing pins a container name (so message-sender scales), images pinned, restart policies,
//     it refuses to start without POSTGRES_PASSWORD, and each service runs its `start:<service>`
//     command (Node flags included; the image's ENV carries the scripts' environment).
// Exits 1 listing every problem.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES, type ServiceName, serviceCommand } from './service-command.ts';

const root = join(import.meta.dirname, '..');
/** `node [flags] <entry>` as `pnpm start:<service>` runs it. */
const startArgv = (service: ServiceName) => {
  const command = serviceCommand(service, root);
  return ['node', ...command.nodeArgs, command.entry];
};
const problems: string[] = [];
const problem = (file: string, message: string) => problems.push(`${file}: ${message}`);

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === null && (line === '' || line.startsWith('#'))) return;
    if (pending !== null && line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const content = continued ? line.slice(0, -1).trim() : line;
    pending =
      pending === null
        ? { text: content, line: index + 1 }
        : { ...pending, text: `${pending.text} ${content}` };
    if (!continued) {
      const [keyword = '', ...rest] = pending.text.split(/\s+/);
      out.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: pending.line });
      pending = null;
    }
  });
  return out;
}

function checkDockerfile(): void {
  const file = 'Dockerfile';
  const instructions = parseDockerfile(readFileSync(join(root, file), 'utf8'));
  const at = (i: Instruction) => `${file}:${i.line}`;

  const froms = instructions.filter((i) => i.keyword === 'FROM');
  if (froms.length < 2) problem(file, 'not multi-stage: install in one stage, run from a clean one');
  const aliases = new Set<string>();
  for (const from of froms) {
    const [image = '', as, alias] = from.args.split(/\s+/);
    if (!aliases.has(image)) {
      const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[^:/@]*\d[^:/@]*$/.test(image);
      if (!pinned || /:latest$/.test(image))
        problem(at(from), `base image ${image} is not pinned to a version`);
    }
    if (as?.toUpperCase() === 'AS' && alias) aliases.add(alias);
  }
  if (/\blatest\b/.test(instructions.map((i) => i.args).join('\n'))) problem(file, 'mentions `latest`');

  // The final stage is what runs.
  const lastFrom = instructions.lastIndexOf(froms.at(-1) as Instruction);
  const runtime = instructions.slice(lastFrom);
  const users = runtime.filter((i) => i.keyword === 'USER');
  const user = users.at(-1)?.args.split(':')[0];
  if (!user) problem(file, 'the final stage sets no USER: the service would run as root');
  else if (user === 'root' || user === '0') problem(file, `the final stage runs as ${user}`);
  const envs = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args);
  if (!envs.some((e) => /(^|\s)NODE_ENV[= ]production(\s|$)/.test(e)))
    problem(file, 'the final stage does not set NODE_ENV=production');
  const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck || /^NONE\b/i.test(healthcheck.args)) problem(file, 'the final stage has no HEALTHCHECK');
  if (!runtime.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT'))
    problem(file, 'the final stage has no CMD');
  // The image runs services the way `pnpm start:<service>` does: the same environment and the
  // ingestor (the default CMD) with the same Node flags.
  const imageEnv = new Map(
    envs.flatMap((e) => [...e.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1], m[2]] as const)),
  );
  for (const service of SERVICES) {
    for (const [name, value] of Object.entries(serviceCommand(service).env))
      if (imageEnv.get(name) !== value)
        problem(
          file,
          `start:${service} sets ${name}=${value} but the image's ENV has ${imageEnv.get(name) ?? 'none'}`,
        );
  }
  const cmd = runtime.filter((i) => i.keyword === 'CMD').at(-1);
  if (cmd && JSON.stringify(JSON.parse(cmd.args)) !== JSON.stringify(startArgv('webhook-ingestor')))
    problem(
      at(cmd),
      `CMD is ${cmd.args}; start:webhook-ingestor runs ${JSON.stringify(startArgv('webhook-ingestor'))}`,
    );
  if (runtime.some((i) => i.keyword === 'RUN' && /\b(pnpm|npm)\s+(install|i|ci)\b/.test(i.args)))
    problem(file, 'the final stage installs packages; install in an earlier stage and copy the result');

  const installIndex = instructions.findIndex(
    (i) => i.keyword === 'RUN' && /\bpnpm\s+install\b/.test(i.args),
  );
  const install = instructions[installIndex];
  if (!install) {
    problem(file, 'no `pnpm install`');
  } else {
    if (!/--frozen-lockfile\b/.test(install.args))
      problem(at(install), '`pnpm install` without --frozen-lockfile');
    if (!/(--prod\b|--production\b)/.test(install.args))
      problem(at(install), '`pnpm install` without --prod');
    const copiedBefore = instructions
      .slice(0, installIndex)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'));
    if (!copiedBefore.some((i) => /(^|\s)(\.\/)?patches\b|(^|\s)\.\s/.test(i.args)))
      problem(at(install), 'patches/ is not copied before `pnpm install`: pnpm needs the patch files');
  }
  // The services run their bundles (scripts/build-services.ts): built in the image with the bundler
  // version package.json pins, and each copied into the final stage.
  const rolldownPinned = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies.rolldown;
  const bundlerInstall = instructions.find((i) => i.keyword === 'RUN' && /\brolldown@\S+/.test(i.args));
  const bundlerVersion = bundlerInstall && /\brolldown@(\S+)/.exec(bundlerInstall.args)?.[1];
  if (bundlerVersion !== rolldownPinned)
    problem(file, `installs rolldown@${bundlerVersion ?? '(none)'}; package.json pins ${rolldownPinned}`);
  if (!instructions.some((i) => i.keyword === 'RUN' && /scripts\/build-services\.ts/.test(i.args)))
    problem(file, 'never runs scripts/build-services.ts: the services have no bundle to run');
  for (const service of SERVICES) {
    const entry = serviceCommand(service, root).entry;
    const dist = entry.slice(0, entry.lastIndexOf('/'));
    if (!runtime.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from') && i.args.includes(dist)))
      problem(file, `the final stage does not copy ${dist} (start:${service} runs ${entry})`);
  }
  // The api-gateway serves the built console from services/api-gateway/console/dist.
  if (
    !runtime.some(
      (i) => i.keyword === 'COPY' && i.args.startsWith('--from') && i.args.includes('console/dist'),
    )
  )
    problem(
      file,
      'the final stage does not copy services/api-gateway/console/dist (the console the gateway serves)',
    );
  if (instructions.some((i) => i.keyword === 'ADD' && /https?:\/\//.test(i.args)))
    problem(file, 'ADD of a URL: download in a RUN with a checksum instead');

  // The image must run what CI tested: the same Node and pnpm.
  const nodeVersion = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(join(root, 'scripts/setup.sh'), 'utf8'))?.[1];
  for (const from of froms) {
    const tag = /^node:(\d+\.\d+\.\d+)/.exec(from.args)?.[1];
    if (tag && tag !== nodeVersion)
      problem(at(from), `node:${tag} but scripts/setup.sh installs Node ${nodeVersion}`);
  }
  const packageManager = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string }
  ).packageManager;
  const pnpmInstall = instructions.find((i) => i.keyword === 'RUN' && /\bpnpm@\S+/.test(i.args));
  const pnpmVersion = pnpmInstall ? /\bpnpm@(\S+)/.exec(pnpmInstall.args)?.[1] : undefined;
  if (`pnpm@${pnpmVersion}` !== packageManager)
    problem(file, `installs pnpm@${pnpmVersion ?? '(none)'} but package.json says ${packageManager}`);
}

/** `docker-compose` (v1) or `docker compose` (v2), whichever is installed. */
function composeCommand(): string[] | null {
  for (const command of [['docker-compose'], ['docker', 'compose']]) {
    const result = spawnSync(command[0] as string, [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (result.status === 0) return command;
  }
  return null;
}

/** The services of `docker compose config` output, each with its block of lines. */
function serviceBlocks(config: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let inServices = false;
  let current: string | null = null;
  for (const line of config.split('\n')) {
    if (/^\S/.test(line)) {
      inServices = line.startsWith('services:');
      current = null;
      continue;
    }
    if (!inServices) continue;
    const header = /^ {2}([\w.-]+):\s*$/.exec(line);
    if (header) {
      current = header[1] as string;
      blocks.set(current, '');
    } else if (current) {
      blocks.set(current, `${blocks.get(current)}${line}\n`);
    }
  }
  return blocks;
}

/** A list-valued key of a rendered service block (`command:` followed by `- item` lines). */
function composeList(block: string, key: string): string[] | null {
  const lines = block.split('\n');
  const start = lines.indexOf(`    ${key}:`);
  if (start === -1) return null;
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^ {4}- (.*)$/.exec(line);
    if (!item) break;
    items.push((item[1] as string).replace(/^(['"])(.*)\1$/, '$2'));
  }
  return items;
}

function checkCompose(): void {
  const file = 'docker-compose.yml';
  const compose = composeCommand();
  if (!compose) {
    problem(
      file,
      'neither docker-compose nor `docker compose` is installed (apt-get install docker-compose)',
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'omnistream-compose-'));
  try {
    copyFileSync(join(root, file), join(dir, file));
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const run = (args: string[]) =>
      spawnSync(
        compose[0] as string,
        [...compose.slice(1), '--project-directory', dir, '-f', join(dir, file), ...args],
        {
          encoding: 'utf8',
        },
      );

    writeFileSync(join(dir, '.env'), example);
    const refused = run(['config', '-q']);
    if (refused.status === 0) problem(file, 'accepted a .env without POSTGRES_PASSWORD');

    writeFileSync(
      join(dir, '.env'),
      example.replace(/^POSTGRES_PASSWORD=$/m, 'POSTGRES_PASSWORD=throwaway0ci0password'),
    );
    const valid = run(['config', '-q']);
    if (valid.status !== 0) {
      problem(file, `\`${compose.join(' ')} config -q\` failed:\n${valid.stderr}${valid.stdout}`);
      return;
    }
    const rendered = run(['config']).stdout;
    const services = serviceBlocks(rendered);
    const expected = [
      'api-gateway',
      'create-topics',
      'kafka',
      'message-sender',
      'migrate',
      'postgres',
      'webhook-ingestor',
    ];
    const names = [...services.keys()].sort();
    if (names.join() !== expected.join())
      problem(file, `services are ${names.join(', ')}; expected ${expected.join(', ')}`);
    const jobs = ['migrate', 'create-topics'];
    for (const [name, block] of services) {
      if (/^ {4}container_name:/m.test(block))
        problem(file, `${name} has a container_name: replicas and parallel projects collide`);
      const publishes = /^ {4}ports:/m.test(block);
      if (publishes !== ['webhook-ingestor', 'api-gateway'].includes(name))
        problem(file, `${name} ${publishes ? 'publishes' : 'does not publish'} a port`);
      const image = /^ {4}image: (\S+)/m.exec(block)?.[1] ?? '';
      if (!/^ {4}build:/m.test(block) && (!/:[^/]*\d/.test(image) || image.endsWith(':latest')))
        problem(file, `${name} uses image ${image || '(none)'}, not a pinned version`);
      const restart = /^ {4}restart: ['"]?([\w-]+)/m.exec(block)?.[1];
      if (jobs.includes(name) ? restart !== 'no' : !['unless-stopped', 'always'].includes(restart ?? ''))
        problem(file, `${name} has restart: ${restart ?? '(none)'}`);
      if (!jobs.includes(name) && !/^ {4}healthcheck:/m.test(block) && !/^ {4}build:/m.test(block))
        problem(file, `${name} has no healthcheck`);
      if ((SERVICES as readonly string[]).includes(name)) {
        const command = composeList(block, 'command');
        const expected = startArgv(name as ServiceName);
        if (JSON.stringify(command) !== JSON.stringify(expected))
          problem(
            file,
            `${name} runs ${JSON.stringify(command)}; start:${name} runs ${JSON.stringify(expected)}`,
          );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

checkDockerfile();
checkCompose();
if (problems.length > 0) {
  console.error(`deployment files: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('deployment files: Dockerfile and docker-compose.yml pass');
