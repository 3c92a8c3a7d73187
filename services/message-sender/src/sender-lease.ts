import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@omnistream/logger';
import type { SenderInstancesRepository } from '@omnistream/outbound';

/** Instances whose lease ended this long ago are deleted at start-up (killed ones never delete themselves). */
const PURGE_AFTER_MS = 86_400_000;

export interface SenderLease {
  /** Recorded on the rows this process claims. */
  readonly instanceId: string;
  /** The last renewal succeeded within the lease: other senders see this process as live. */
  readonly healthy: boolean;
  /** Stops renewing and removes the lease: this process's claims stop counting at once. */
  stop(): Promise<void>;
}

/**
 * Keeps this sender's row in sender_instances alive, renewing it three times per lease so that one
 * failed renewal does not end it. While it is live, another sender that is redelivered one of this
 * process's commands waits for it instead of sending it a second time (docs/services.md, "In-doubt
 * sends").
 */
export async function startSenderLease(deps: {
  instances: SenderInstancesRepository;
  leaseMs: number;
  logger: Logger;
}): Promise<SenderLease> {
  const { instances, leaseMs } = deps;
  const log = deps.logger.child({ component: 'sender-lease' });
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  await instances
    .purgeExpired(PURGE_AFTER_MS)
    .catch((err: unknown) => log.warn({ err }, 'could not purge old sender instances'));
  await instances.renew(instanceId, leaseMs);
  let renewedAt = Date.now();
  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing) return;
      renewing = true;
      instances
        .renew(instanceId, leaseMs)
        .then(() => {
          renewedAt = Date.now();
        })
        .catch((err: unknown) => log.warn({ err, instanceId }, 'could not renew the sender lease'))
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  log.info({ instanceId, leaseMs }, 'sender lease taken');
  return {
    instanceId,
    get healthy() {
      return Date.now() - renewedAt < leaseMs;
    },
    async stop() {
      clearInterval(timer);
      await instances.remove(instanceId);
    },
  };
}
