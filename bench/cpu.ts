import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { nowMs, round2 } from './common';

/*
 * Where the CPU went during a window: the whole machine from /proc/stat, and named groups of
 * processes (the engine's workers, the API, the stub, the PostgreSQL backends of the run's
 * database, Redis, the bench itself) from /proc/<pid>/stat. Linux only; elsewhere only the
 * machine's figure (from os.cpus()) is given. Reading /proc costs well under a millisecond.
 */

const TICK_MS = ((): number => {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return hz > 0 ? 1000 / hz : 10;
  } catch {
    return 10;
  }
})();

/** Busy and total CPU time of the machine (all CPUs, ms) and steal (time the hypervisor took). */
function machineMs(): { busy: number; total: number; steal: number } {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = first.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq; // guest time is already inside user
    return { busy: busy * TICK_MS, total: (busy + idle + iowait + steal) * TICK_MS, steal: steal * TICK_MS };
  } catch {
    let busy = 0;
    let total = 0;
    for (const c of cpus()) {
      busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
      total += c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    }
    return { busy, total, steal: 0 };
  }
}

/** User + system CPU time (ms) a process has used since it started, or null if it is gone. */
function processMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** The pid of a process whose command name is `comm` (e.g. redis-server), if one runs here. */
export function findProcess(comm: string): number | null {
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === comm) return Number(name);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

export interface CpuSample {
  readonly at: number;
  readonly busyMs: number;
  readonly totalMs: number;
  readonly stealMs: number;
  /** CPU ms per pid, by group. */
  readonly groups: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** Takes a sample of the machine and of the pids of each group. */
export function sampleCpu(groups: Readonly<Record<string, readonly number[]>>): CpuSample {
  const m = machineMs();
  const out = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) {
    const per = new Map<number, number>();
    for (const pid of pids) {
      const ms = processMs(pid);
      if (ms !== null) per.set(pid, ms);
    }
    out.set(name, per);
  }
  return { at: nowMs(), busyMs: m.busy, totalMs: m.total, stealMs: m.steal, groups: out };
}

export interface CpuFigures {
  /** Busy share of all CPUs over the window (100 = every core busy all the time). */
  readonly busyPct: number | null;
  readonly stealPct: number | null;
  /**
   * CPU ms per unit of work (a hand-off, a hop): `total` for the machine, then per group;
   * `other` = total − the groups: Redis when not found, PostgreSQL's background processes
   * (WAL writer, checkpointer), the kernel, and anything else running on the machine.
   */
  readonly msPer: Record<string, number | null> | null;
}

/**
 * CPU over [a, b] divided by `units`. A process's time is its last value seen in `a`, `b` or any
 * sample `between` them (so a PostgreSQL backend that closed meanwhile still counts up to its
 * last sample) minus its value in `a`; one not in `a` started in between and counts whole.
 */
export function cpuBetween(a: CpuSample, b: CpuSample, units: number, between: readonly CpuSample[] = []): CpuFigures {
  const total = b.totalMs - a.totalMs;
  const busy = b.busyMs - a.busyMs;
  if (total <= 0) return { busyPct: null, stealPct: null, msPer: null };
  const samples = [a, ...between.filter((s) => s.at > a.at && s.at < b.at), b];
  const msPer: Record<string, number | null> = { total: units > 0 ? round2(busy / units) : null };
  let grouped = 0;
  for (const name of b.groups.keys()) {
    const last = new Map<number, number>();
    for (const s of samples) for (const [pid, v] of s.groups.get(name) ?? []) last.set(pid, v);
    const start = a.groups.get(name);
    let ms = 0;
    for (const [pid, v] of last) ms += v - (start?.get(pid) ?? 0);
    grouped += ms;
    msPer[name] = units > 0 ? round2(ms / units) : null;
  }
  msPer.other = units > 0 ? round2(Math.max(0, busy - grouped) / units) : null;
  return { busyPct: round2((busy / total) * 100), stealPct: round2(((b.stealMs - a.stealMs) / total) * 100), msPer };
}

/** Samples taken during a window, so that the one closest after its end can be picked later. */
export class CpuTrail {
  private readonly samples: CpuSample[] = [];

  constructor(private readonly groups: () => Promise<Record<string, readonly number[]>>) {}

  async take(): Promise<CpuSample> {
    const s = sampleCpu(await this.groups());
    this.samples.push(s);
    if (this.samples.length > 5000) this.samples.splice(0, 1000);
    return s;
  }

  /** The first sample taken at or after `at` (the last one if none is). */
  atOrAfter(at: number): CpuSample | undefined {
    return this.samples.find((s) => s.at >= at) ?? this.samples[this.samples.length - 1];
  }

  /** CPU from `from` to the first sample at or after `to`, over every sample between. */
  between(from: CpuSample, to: number, units: number): CpuFigures {
    return cpuBetween(from, this.atOrAfter(to) ?? from, units, this.samples);
  }

  clear(): void {
    this.samples.length = 0;
  }
}
