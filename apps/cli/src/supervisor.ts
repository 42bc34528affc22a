import { type ChildProcess, spawn } from 'node:child_process';

/** One process the supervisor keeps running. */
export interface ChildSpec {
  /** Named in every log line about it (`api`, `worker`…). */
  readonly name: string;
  /** The script node runs, and its arguments. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** First restart delay, doubled at each crash in a row. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A child up this long has recovered: its next crash restarts after the first delay again. */
  readonly stableAfterMs: number;
  /** A crash this soon after the start is a failure to start (bad configuration, say)… */
  readonly startupMs: number;
  /** …and after this many of them in a row the supervisor gives up and stops everything. */
  readonly maxStartupFailures: number;
  /** After asking the children to stop (SIGTERM), how long before SIGKILL. */
  readonly stopTimeoutMs: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  startupMs: 10_000,
  maxStartupFailures: 5,
  // The worker itself exits at most 8 s after SIGTERM.
  stopTimeoutMs: 10_000,
  log: (line) => console.error(`[start] ${line}`),
};

interface Slot {
  readonly spec: ChildSpec;
  child?: ChildProcess;
  startedAt: number;
  delayMs: number;
  startupFailures: number;
  restarts: number;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps the processes of `npm start` running: a child that dies is restarted after a delay that
 * doubles at each crash in a row (1 s up to 30 s by default) and starts over once the child stayed
 * up a minute. A child that keeps failing at its start (a configuration it will never accept) is
 * not restarted for ever: after {@link SupervisorOptions.maxStartupFailures} such failures in a
 * row everything is stopped and {@link done} resolves with 1. {@link stop} stops every child;
 * nothing restarts once it was called.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private readonly options: SupervisorOptions;
  private stopping?: Promise<number>;
  private finish!: (code: number) => void;
  /** Resolves with the exit code for the supervising process once every child has stopped. */
  readonly done = new Promise<number>((resolve) => (this.finish = resolve));

  constructor(specs: readonly ChildSpec[], options: Partial<SupervisorOptions> = {}) {
    this.options = { ...DEFAULT_SUPERVISOR_OPTIONS, ...options };
    this.slots = specs.map((spec) => ({ spec, startedAt: 0, delayMs: this.options.initialDelayMs, startupFailures: 0, restarts: 0 }));
  }

  start(): void {
    for (const slot of this.slots) this.launch(slot);
  }

  /** The running children's process ids, by name. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.slots.map((s) => [s.spec.name, s.child?.pid]));
  }

  /** Stops every child (SIGTERM, then SIGKILL after the stop timeout); resolves with `code`. */
  stop(code = 0): Promise<number> {
    this.stopping ??= this.stopAll(code);
    return this.stopping;
  }

  private launch(slot: Slot): void {
    slot.timer = undefined;
    const child = spawn(process.execPath, [...slot.spec.args], { stdio: 'inherit', env: slot.spec.env ?? process.env });
    slot.child = child;
    slot.startedAt = Date.now();
    this.options.log(`${slot.spec.name} started (pid ${child.pid})`);
    // Without a process there is no exit event: a failed spawn is a crash like any other.
    child.once('error', (e) => {
      if (child.pid === undefined) this.exited(slot, child, `spawn error: ${e.message}`);
    });
    child.once('exit', (code, signal) => this.exited(slot, child, signal ? `signal ${signal}` : `code ${code}`));
  }

  private exited(slot: Slot, child: ChildProcess, how: string): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    if (this.stopping) return;
    const upMs = Date.now() - slot.startedAt;
    if (upMs >= this.options.stableAfterMs) slot.delayMs = this.options.initialDelayMs;
    slot.startupFailures = upMs < this.options.startupMs ? slot.startupFailures + 1 : 0;
    if (slot.startupFailures >= this.options.maxStartupFailures) {
      this.options.log(
        `${slot.spec.name} exited (${how}) ${slot.startupFailures} times in a row within ${this.options.startupMs} ms of its start; ` +
          'giving up and stopping everything (look above for its reason, often a configuration variable)',
      );
      void this.stop(1);
      return;
    }
    slot.restarts += 1;
    this.options.log(`${slot.spec.name} exited (${how}) after ${upMs} ms; restart ${slot.restarts} in ${slot.delayMs} ms`);
    slot.timer = setTimeout(() => this.launch(slot), slot.delayMs);
    slot.delayMs = Math.min(slot.delayMs * 2, this.options.maxDelayMs);
  }

  private async stopAll(code: number): Promise<number> {
    for (const slot of this.slots) if (slot.timer) clearTimeout(slot.timer);
    const running = this.slots.flatMap((s) => (s.child ? [s.child] : []));
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.finish(code);
    return code;
  }
}
