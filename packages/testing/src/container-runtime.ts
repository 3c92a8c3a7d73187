import { existsSync } from 'node:fs';

/**
 * Whether a Docker engine answers, decided quickly: without DOCKER_HOST or a local socket there
 * is nothing to ask, and testcontainers' own probing would otherwise spend seconds failing.
 */
export async function dockerAvailable(timeoutMs = 8_000): Promise<{ available: boolean; reason: string }> {
  const host = process.env.DOCKER_HOST;
  const socket = ['/var/run/docker.sock', `${process.env.HOME ?? ''}/.docker/run/docker.sock`].find((p) =>
    existsSync(p),
  );
  if (!host && !socket) return { available: false, reason: 'no DOCKER_HOST and no Docker socket' };
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
    return { available: true, reason: `Docker engine at ${host ?? socket}` };
  } catch (err) {
    return {
      available: false,
      reason: `Docker engine at ${host ?? socket} did not answer: ${(err as Error).message}`,
    };
  }
}
