import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A redis-server of the test's own, on its own port and directory, so a fault test can stop and
 * restart Redis without touching the shared one. It keeps an append-only file synced on every
 * write, as a production Redis for BullMQ should, so a restart loses nothing.
 */
export class PrivateRedis {
  private readonly dir = mkdtempSync(join(tmpdir(), 'motcua-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
      { stdio: 'ignore', detached: true },
    );
    child.unref();
    for (let i = 0; i < 100; i++) {
      if (await this.ping()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`private redis on ${this.port} did not start`);
  }

  /** Stops the server (its data stays in the append-only file). */
  down(): void {
    try {
      execFileSync('redis-cli', ['-p', String(this.port), 'shutdown'], { stdio: 'ignore' });
    } catch {
      // already down
    }
  }

  async ping(): Promise<boolean> {
    const c = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }

  destroy(): void {
    this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
