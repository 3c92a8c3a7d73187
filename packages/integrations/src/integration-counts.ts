import type { Queryable } from '@omnistream/db';
import type { Channel, ConnectionStatus, IntegrationStatus } from './integration.ts';

export interface IntegrationCount {
  channel: Channel;
  status: IntegrationStatus;
  connectionStatus: ConnectionStatus;
  count: number;
}

/** How many integrations there are by channel, status and connection status (a metrics gauge). */
export async function countIntegrations(db: Queryable): Promise<IntegrationCount[]> {
  const { rows } = await db.query<{
    channel: Channel;
    status: IntegrationStatus;
    connection_status: ConnectionStatus;
    n: string;
  }>(
    `SELECT channel, status, connection_status, count(*) AS n FROM integrations
     GROUP BY channel, status, connection_status`,
  );
  return rows.map((r) => ({
    channel: r.channel,
    status: r.status,
    connectionStatus: r.connection_status,
    count: Number(r.n),
  }));
}
