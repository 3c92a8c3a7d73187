import type { Pool } from '@omnistream/db';

/**
 * The running sender processes, each with a lease it renews while it runs (migration
 * 011_in_doubt.sql). A sender's claim on an outbound message counts only while its lease runs:
 * after a SIGKILL the lease runs out and the commands it left in `sending` are in doubt
 * (docs/services.md, "In-doubt sends"). Lease times are PostgreSQL's `now()`, never a sender's clock.
 */
export interface SenderInstancesRepository {
  /** Creates or renews the instance's lease: it is live until now + leaseMs. */
  renew(instanceId: string, leaseMs: number): Promise<void>;
  /** A graceful stop: its claims stop counting at once. */
  remove(instanceId: string): Promise<void>;
  /** Forgets instances whose lease ended long ago (killed processes never remove themselves). */
  purgeExpired(olderThanMs: number): Promise<number>;
}

export function createSenderInstancesRepository(pool: Pool): SenderInstancesRepository {
  return {
    async renew(instanceId, leaseMs) {
      await pool.query(
        `INSERT INTO sender_instances (instance_id, lease_until)
         VALUES ($1, now() + make_interval(secs => $2::double precision / 1000))
         ON CONFLICT (instance_id) DO UPDATE SET lease_until = EXCLUDED.lease_until`,
        [instanceId, leaseMs],
      );
    },
    async remove(instanceId) {
      await pool.query('DELETE FROM sender_instances WHERE instance_id = $1', [instanceId]);
    },
    async purgeExpired(olderThanMs) {
      const { rowCount } = await pool.query(
        `DELETE FROM sender_instances
         WHERE lease_until < now() - make_interval(secs => $1::double precision / 1000)`,
        [olderThanMs],
      );
      return rowCount ?? 0;
    },
  };
}
