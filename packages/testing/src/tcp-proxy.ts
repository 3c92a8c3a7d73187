import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port clients should connect to. */
  readonly address: string;
  readonly port: number;
  /** Refuses new connections and cuts existing ones: the dependency is "down". */
  cut(): Promise<void>;
  /** Accepts and forwards connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback TCP forwarder for outage tests: put it between a client and a real PostgreSQL or
 * broker, then cut() and restore() to make the dependency really unreachable and back.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  function listen(): Promise<void> {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    const s = server;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const addr = s.address();
        if (addr && typeof addr === 'object') port = addr.port;
        resolve();
      });
    });
  }

  async function cut(): Promise<void> {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    get address() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    cut,
    async restore() {
      if (!server) await listen();
    },
    close: cut,
  };
}
