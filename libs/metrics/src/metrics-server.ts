import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MetricsAccess, serveMetrics } from './metrics-endpoint';
import type { SystemCollector } from './system-collector';

/** Why a listener did not start, for the process to log. */
export type MetricsListenResult = { readonly port: number } | { readonly error: string };

/**
 * A worker's `/metrics`: a bare HTTP listener (a worker has no other server), on METRICS_PORT of
 * HOST. Only `/metrics` answers; anything else is 404. A port already taken (several workers on
 * one host left at the default) is reported, not fatal: that worker runs without its listener.
 */
export class MetricsServer {
  private server?: Server;

  constructor(
    private readonly access: MetricsAccess,
    private readonly collector?: SystemCollector,
  ) {}

  listen(port: number, host: string): Promise<MetricsListenResult> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only /metrics here\n');
        return;
      }
      void serveMetrics(req, res, this.access, this.collector);
    });
    // A scrape is a short request; idle keep-alive sockets must not hold a stop up.
    server.keepAliveTimeout = 5_000;
    server.requestTimeout = 10_000;
    return new Promise((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code === 'EADDRINUSE' ? `port ${port} of ${host} is taken` : e.message }));
      server.listen(port, host, () => {
        this.server = server;
        resolve({ port: (server.address() as AddressInfo).port });
      });
    });
  }

  /** Stops at once: open scrape connections are cut, not waited for. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
