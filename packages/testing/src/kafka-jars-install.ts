import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Where the Kafka jars come from and whether they (and a recent enough java) are here.

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const KAFKA_POM = join(REPO_ROOT, 'tools/kafka/pom.xml');
// scripts/setup.sh writes it after the last jar: a folder without it is an interrupted copy.
const COMPLETE_MARKER = '.complete';
const MIN_JAVA = 17;
export const run = promisify(execFile);

export type KafkaJarsStatus =
  | { available: true; version: string; java: string; libs: string; reason: string }
  | { available: false; version: string; reason: string };

/** The version scripts/setup.sh fetches when OMNISTREAM_TEST_KAFKA_VERSION is not set. */
export function kafkaJarsVersion(): string {
  const fromEnv = process.env.OMNISTREAM_TEST_KAFKA_VERSION?.trim();
  if (fromEnv) return fromEnv;
  // The pom is the one place the default is written down, for setup.sh and for us.
  const pom = readFileSync(KAFKA_POM, 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`no <kafka.version> in ${KAFKA_POM}`);
  return version.trim();
}

export function kafkaJarsDir(version: string): string {
  return join(REPO_ROOT, '.tools', `kafka-${version}`, 'libs');
}

/**
 * Whether Kafka `version` can be run from jars here, and if not why, in words fit for the
 * "no Kafka-protocol broker" error (no java, java too old, jars missing).
 */
export async function kafkaJarsStatus(version: string = kafkaJarsVersion()): Promise<KafkaJarsStatus> {
  const java = await findJava();
  if (!java.ok) return { available: false, version, reason: java.reason };
  const libs = kafkaJarsDir(version);
  if (!existsSync(join(libs, '..', COMPLETE_MARKER))) {
    const again = version === kafkaJarsVersion() ? '' : `OMNISTREAM_TEST_KAFKA_VERSION=${version} `;
    return {
      available: false,
      version,
      reason: `Kafka ${version} jars missing in ${libs} (run ${again}scripts/setup.sh)`,
    };
  }
  return {
    available: true,
    version,
    java: java.path,
    libs,
    reason: `Kafka ${version} jars in ${libs}, ${java.description}`,
  };
}

export async function findJava(): Promise<
  { ok: true; path: string; description: string } | { ok: false; reason: string }
> {
  // JAVA_HOME first, as Kafka's own bin/kafka-run-class.sh does.
  const home = process.env.JAVA_HOME?.trim();
  const path = home ? join(home, 'bin', 'java') : 'java';
  let banner: string;
  try {
    // `java -version` prints to stderr.
    const { stderr, stdout } = await run(path, ['-version'], { timeout: 10_000 });
    banner = `${stderr}${stdout}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'ENOENT'
          ? `no java (${home ? `JAVA_HOME=${home} has no bin/java` : 'not on PATH'}); Kafka needs Java >= ${MIN_JAVA}`
          : `${path} -version failed: ${(err as Error).message}`,
    };
  }
  const first = banner.split('\n')[0]?.trim() ?? '';
  // 'openjdk version "17.0.15" 2025-04-15'; Java 8 says "1.8.0_…", i.e. major 1: too old as well.
  const major = Number(/version "(\d+)/.exec(banner)?.[1]);
  if (!Number.isFinite(major)) return { ok: false, reason: `cannot tell the Java version from "${first}"` };
  if (major < MIN_JAVA) {
    return { ok: false, reason: `java is too old (${first}); Kafka needs Java >= ${MIN_JAVA}` };
  }
  return { ok: true, path, description: first };
}
