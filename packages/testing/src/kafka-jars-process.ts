import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Kafka, logLevel } from 'kafkajs';
import { until } from './until.ts';

// Watching a jars broker's JVM: until it serves, its log tail, and ending its process group.

const LOG_TAIL_LINES = 40;

export async function waitUntilServing(args: {
  child: ChildProcess;
  brokers: string[];
  clusterId: string;
  timeoutMs: number;
  version: string;
}): Promise<void> {
  const { child, brokers, version } = args;
  let exited: string | null = null;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `Kafka ${version} exited early (code ${code}, signal ${signal})`;
  };
  child.once('exit', onExit);
  const kafka = new Kafka({
    brokers,
    clientId: 'omnistream-harness',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  /** One probe: null once our broker serves, else why not yet. Throws when waiting is pointless. */
  const probe = async (): Promise<string | null> => {
    if (exited) throw new Error(exited);
    const admin = kafka.admin();
    try {
      await admin.connect();
      // Metadata alone can answer before the broker has registered with its controller;
      // listTopics goes through the same path the tests use.
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      // Something else on a port we thought free would have another cluster id.
      if (cluster.clusterId !== args.clusterId) {
        throw new Error(`the broker on ${brokers.join(',')} is cluster ${cluster.clusterId}, not ours`);
      }
      return cluster.brokers.length > 0 ? null : 'no broker registered yet';
    } catch (err) {
      if ((err as Error).message.includes('not ours')) throw err;
      return (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
  try {
    await until(probe, (why) => why === null, args.timeoutMs, 200).catch((err: Error) => {
      if (exited) throw new Error(exited);
      if (err.message.includes('not ours')) throw err;
      throw new Error(
        `Kafka ${version} did not answer admin requests on ${brokers.join(',')} in ${args.timeoutMs} ms (last: ${err.message})`,
      );
    });
  } finally {
    child.removeListener('exit', onExit);
  }
}

export async function tailOf(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // The broker leads its own process group (detached): kill all of it.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM (Kafka shuts down cleanly), then SIGKILL if it is still there after 15 s. */
export async function terminate(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
