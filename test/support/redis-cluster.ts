import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Can a server listen on this loopback port right now? */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port whose cluster-bus port (+10000) is free too, below the ephemeral range the OS hands out. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (!taken.has(port) && (await portFree(port)) && (await portFree(port + 10000))) return port;
  }
}

/**
 * A Redis Cluster of the test's own: three masters on free ports, in a temporary directory,
 * joined with `redis-cli --cluster create`. The shared Redis is never touched.
 */
export class PrivateRedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), 'motcua-cluster-'));

  private constructor(readonly ports: readonly number[]) {}

  static async start(nodes = 3): Promise<PrivateRedisCluster> {
    const taken = new Set<number>();
    for (let i = 0; i < nodes; i++) taken.add(await clusterPort(taken));
    const c = new PrivateRedisCluster([...taken]);
    for (const port of c.ports) {
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', c.dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        { stdio: 'ignore', detached: true },
      );
      child.unref();
    }
    for (const port of c.ports) await c.until(() => c.cli(port, 'ping') === 'PONG', `node ${port} up`);
    execFileSync('redis-cli', ['--cluster', 'create', ...c.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    await c.until(() => c.ports.every((p) => c.cli(p, 'cluster', 'info').includes('cluster_state:ok')), 'cluster state ok');
    return c;
  }

  /** A seed node's URL; ioredis discovers the others from it. */
  get url(): string {
    return `redis://127.0.0.1:${this.ports[0]}`;
  }

  /** Keys held by each node, in port order. */
  keysPerNode(): number[] {
    return this.ports.map((p) => Number(this.cli(p, 'dbsize')));
  }

  destroy(): void {
    for (const port of this.ports) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
      } catch {
        // already down
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private cli(port: number, ...args: string[]): string {
    try {
      return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  }

  private async until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis cluster: timed out waiting for ${what}`);
  }
}
