import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './private-redis';

const run = promisify(execFile);

/** The newest installed PostgreSQL's binaries (Debian layout: /usr/lib/postgresql/<major>/bin). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl'))) : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL binaries under ${root}/*/bin`);
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/** initdb and postgres refuse to run as root: run them as the `postgres` account then. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, trust authentication,
 * its own port), so a fault test can stop and restart the server without touching the shared one.
 * fsync is off: the "crash" is a process kill, never a power cut, so the OS keeps what was written.
 */
export class PrivatePostgres {
  private readonly bin = binDir();
  private readonly dir = mkdtempSync(join(tmpdir(), 'motcua-pg-'));

  private constructor(readonly port: number) {}

  /** Creates the cluster and starts it. */
  static async start(): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(await freePort());
    try {
      pg.ownDirectory();
      await pg.ctl('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
      await pg.up();
      return pg;
    } catch (e) {
      await pg.destroy();
      throw e;
    }
  }

  /**
   * A streaming replica of this cluster (`pg_basebackup -R`: standby.signal and primary_conninfo
   * written for it), started on a port of its own; it replays the primary's WAL as it streams.
   */
  async replica(): Promise<PrivatePostgres> {
    const r = new PrivatePostgres(await freePort());
    try {
      r.ownDirectory();
      await r.ctl('pg_basebackup', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-D', r.dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
      await r.up();
      return r;
    } catch (e) {
      await r.destroy();
      throw e;
    }
  }

  /** The server runs as `postgres` when the tests run as root: its directory must be that account's. */
  private ownDirectory(): void {
    if (process.getuid?.() !== 0) return;
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(this.dir, id('-u'), id('-g'));
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Connection string of database `name` on this cluster. */
  url(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async up(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB`;
    await this.ctl('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /**
   * Stops the server. `immediate` is a crash as far as the clients see it (connections cut, no
   * checkpoint; the next start replays the WAL); `fast` is an orderly shutdown.
   */
  async down(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    await this.ctl('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops the server (if it runs) and deletes the cluster. */
  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ctl(tool: string, args: string[]): Promise<void> {
    const [file, argv] = asServerUser(join(this.bin, tool), args);
    try {
      await run(file, argv, { cwd: this.dir });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} failed: ${err.stderr || err.stdout || err.message}`);
    }
  }
}
