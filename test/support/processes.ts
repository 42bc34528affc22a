import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '@motcua/config';

// Jest runs from the repository root (npm test), ESM test modules have no __dirname.
const ROOT = process.cwd();

/** The processes MotCua ships. */
export type AppName = 'api' | 'worker' | 'portal-stub' | 'cli';

/** Entry point of a built app (`npm test` builds before running Jest). */
export function builtEntry(app: AppName): string {
  const entry = join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does)`);
  return entry;
}

/** A real process of one of the apps, with its output (stdout and stderr) kept for the test to read. */
export class AppProcess {
  private output = '';
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;

  constructor(
    readonly app: AppName,
    env: Env | Record<string, unknown>,
    extra: Record<string, string> = {},
    args: readonly string[] = [],
  ) {
    const vars: Record<string, string> = { ...(process.env as Record<string, string>) };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) vars[k] = String(v); // an unset optional stays unset
    // Readiness is read from lines logged at the `log` level.
    vars.LOG_LEVEL = 'log';
    Object.assign(vars, extra);
    delete vars.NODE_OPTIONS; // the test runner's ESM flag is not for the app
    this.child = spawn(process.execPath, [builtEntry(app), ...args], { env: vars, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  }

  get log(): string {
    return this.output;
  }

  /** Resolves when `text` appears in the output; rejects if the process exits first. */
  waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.output.includes(text)) {
          clearInterval(timer);
          resolve();
        } else if (this.child.exitCode !== null || Date.now() > until) {
          clearInterval(timer);
          reject(new Error(`${this.app} never printed "${text}" (exit ${this.child.exitCode}); output:\n${this.output.slice(-3000)}`));
        }
      }, 25);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }

  /** A graceful stop, then SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    const exited = this.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, 5000)));
    await Promise.race([exited, timeout]);
    clearTimeout(timer); // a pending timer would keep Jest from exiting
    await this.kill('SIGKILL');
  }
}

/** A real worker process. */
export class WorkerProcess extends AppProcess {
  constructor(env: Env, extra: Record<string, string> = {}) {
    super('worker', env, extra);
  }
}

/** Runs a command of the cli to its end; its exit code and output. */
export async function runCli(env: Record<string, string>, args: readonly string[], stdin?: string): Promise<{ code: number | string; output: string }> {
  const p = new AppProcess('cli', env, {}, args);
  p.child.stdin?.end(stdin ?? '');
  const code = await p.exited;
  return { code, output: p.log };
}

/** Starts a worker and waits until its consumers run. */
export async function startWorkerProcess(env: Env, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const w = new WorkerProcess(env, extra);
  try {
    await w.waitFor('outbox relay running');
  } catch (e) {
    await w.kill(); // never leave a process behind a failed start
    throw e;
  }
  return w;
}
