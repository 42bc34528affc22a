import { log, Scope } from './common';
import type { CpuFigures } from './cpu';
import { OFFICES } from './engine-load';
import type { EngineConfig, PoolPlan } from './engine-config';
import { EngineStack, type PacedResult, type PhaseOptions, type Sustained } from './engine-phases';

/*
 * The engine side: a fresh database seeded by the CLI (plus the bench's commit clock), the portal
 * stub, the API and worker processes from the built apps in dist/, AUTO_OFFICER=true (each step
 * completes as soon as it is received). Load goes through POST /api/dossiers. In this order:
 *
 * 1. Warm-up with the peak's workers (not measured); then they are stopped (or frozen).
 * 2. Peak = the sustained rate: a backlog submitted to the API alone, then drained by the
 *    workers; the window closes when everything the backlog caused is done, portal sync included.
 * 3. Paced phases at 25, 50 and 75 % of that rate, open-loop, with the same workers.
 * 4. Scaling: the same sustained drain, shorter, with 1, 2 and 4 worker processes, each
 *    consuming every unit queue (UNITS=all), warmed up and frozen while the backlog is submitted.
 */

export const ALL_UNITS = [
  'van-phong', 'lanh-dao', 'tu-phap', 'dia-chinh', 'ke-toan', 'van-hoa', 'chinh-sach',
  'cong-an', 'quan-su', 'y-te', 'truong-hoc', 'bhxh', 'cap-tren',
] as const;

/** Two processes; the busy units of the mix (tu-phap, lanh-dao, cong-an) are spread over both. */
export const DEFAULT_WORKER_UNITS: readonly string[] = [
  'van-phong,tu-phap,ke-toan,van-hoa,quan-su,truong-hoc,cap-tren',
  'lanh-dao,cong-an,bhxh,dia-chinh,chinh-sach,y-te',
];

export interface EngineOptions extends PhaseOptions {
  readonly dossiers: number;
  readonly warmup: number;
  /** Percentages of the sustained rate, one paced phase each. */
  readonly pacedPercents: readonly number[];
  /** UNITS of each worker process of the peak and the paced phases. */
  readonly workerUnits: readonly string[];
  /**
   * How the peak's workers are absent while the backlog is submitted: `restart` (stopped after
   * the warm-up, fresh processes spawned to drain it) or `frozen` (the warm-up's processes
   * suspended with SIGSTOP, then resumed with SIGCONT: warm JIT and caches, no boot in the window).
   */
  readonly peakWorkers: 'restart' | 'frozen';
  /** Worker process counts of the scaling drains (empty: none). */
  readonly scalingProcesses: readonly number[];
  readonly scalingDossiers: number;
  readonly scalingWarmup: number;
  /** The engine's configuration as its built config lib computes it. */
  readonly config: EngineConfig;
  /** Called with what is measured so far after each phase (printed on the hard timeout). */
  readonly onProgress?: (partial: EngineResult) => void;
}

export interface ScalingRun {
  readonly processes: number;
  /** DATABASE_POOL_SIZE of each process: the engine's default, and what it got (lower only if max_connections requires). */
  readonly poolWanted: number;
  readonly poolSize: number;
  readonly handoffsPerSec: number | null;
  readonly handoffs: number;
  readonly drainMs: number | null;
  readonly windowEndedBy: string;
  readonly handoffsPerSecToResultReady: number | null;
  readonly tailMs: number | null;
  readonly cpu: CpuFigures;
}

export interface EngineResult extends Omit<Sustained, 'backlog'> {
  readonly dossiers: number;
  readonly backlog: Sustained['backlog'];
  readonly peakWorkers: 'restart' | 'frozen';
  /** DATABASE_POOL_SIZE of the peak's worker processes (see PoolPlan). */
  readonly workerPools: PoolPlan;
  /** Dossiers per second the API accepted while the peak's backlog was submitted (no worker running). */
  readonly intakePerSec: number;
  /** Keyed by percent of the sustained rate ("25", "50", "75"). */
  readonly paced: Record<string, PacedResult>;
  readonly scaling: {
    readonly units: 'all';
    readonly dossiers: number;
    readonly warmup: number;
    /** Sustained hand-offs/s keyed by worker processes ("1", "2", "4"). */
    readonly handoffsPerSec: Record<string, number | null>;
    readonly runs: ScalingRun[];
  } | null;
  readonly workerProcesses: number;
  readonly workerUnits: readonly string[];
  readonly offices: readonly string[];
  readonly procedures: readonly string[];
  /** Phases that failed after the peak (the figures before them stand). */
  readonly errors?: string[];
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runEngine(o: EngineOptions): Promise<EngineResult> {
  const scope = new Scope('engine');
  try {
    const stack = new EngineStack(scope, o, o.config);
    const units = [...new Set(o.workerUnits.flatMap((u) => u.split(',').map((s) => s.trim())))];
    await stack.boot(units);
    const workerPools = await stack.planPools(o.workerUnits);

    // 1. Warm-up, then no worker consumes while the backlog goes in.
    if (o.warmup > 0 || o.peakWorkers === 'frozen') {
      await stack.startWorkers(o.workerUnits, workerPools);
      log(`engine: ${o.workerUnits.length} workers up; warm-up`);
      if (o.warmup > 0) await stack.warmUp(o.warmup, 'warm-up');
      if (o.peakWorkers === 'frozen') stack.freeze();
      else await stack.stopWorkers();
      log(`engine: warm-up done, workers ${o.peakWorkers === 'frozen' ? 'frozen (SIGSTOP)' : 'stopped'}; peak phase`);
    }

    // 2. Peak: the sustained drain of a backlog.
    const { ids, intakePerSec } = await stack.backlog(o.dossiers);
    log(`engine peak: ${ids.length} dossiers submitted with no worker (${intakePerSec}/s)`);
    const peak = await stack.drain('peak', ids, async () => {
      if (o.peakWorkers === 'frozen') stack.resume();
      else await stack.startWorkers(o.workerUnits, workerPools);
    });
    const result: EngineResult & { paced: Record<string, PacedResult>; errors: string[] } = {
      ...peak,
      dossiers: ids.length,
      peakWorkers: o.peakWorkers,
      workerPools,
      intakePerSec,
      paced: {},
      scaling: null,
      workerProcesses: o.workerUnits.length,
      workerUnits: o.workerUnits,
      offices: OFFICES,
      procedures: o.procedures,
      errors: [],
    };
    const progress = (): void => o.onProgress?.(withoutEmptyErrors(result));
    progress();

    // 3. Paced phases, lowest first, so that a saturated one cannot leave work for the next.
    try {
      const perDossier = peak.handoffs / ids.length;
      for (const pct of [...o.pacedPercents].sort((a, b) => a - b)) {
        result.paced[String(pct)] = await stack.paced(pct, peak.handoffsPerSec ?? 0, perDossier);
        progress();
      }
    } catch (e) {
      result.errors.push(`paced: ${message(e)}`);
      log(`engine paced failed: ${message(e)}`);
    }

    // 4. Scaling with the number of worker processes.
    if (o.scalingProcesses.length > 0) {
      const runs: ScalingRun[] = [];
      const scaling = { units: 'all' as const, dossiers: o.scalingDossiers, warmup: o.scalingWarmup, handoffsPerSec: {} as Record<string, number | null>, runs };
      (result as { scaling: EngineResult['scaling'] }).scaling = scaling;
      try {
        for (const n of o.scalingProcesses) {
          await stack.stopWorkers();
          const groups = Array.from({ length: n }, () => 'all');
          const pools = await stack.planPools(groups);
          await stack.startWorkers(groups, pools);
          log(`engine scaling: ${n} worker process(es), UNITS=all, pool ${pools.given[0]} each; warm-up`);
          if (o.scalingWarmup > 0) await stack.warmUp(o.scalingWarmup, `scaling ×${n} warm-up`);
          stack.freeze();
          const backlog = await stack.backlog(o.scalingDossiers);
          const s = await stack.drain(`scaling ×${n}`, backlog.ids, () => stack.resume());
          runs.push({
            processes: n,
            poolWanted: pools.wanted[0],
            poolSize: pools.given[0],
            handoffsPerSec: s.handoffsPerSec,
            handoffs: s.handoffs,
            drainMs: s.drainMs,
            windowEndedBy: s.windowEndedBy,
            handoffsPerSecToResultReady: s.handoffsPerSecToResultReady,
            tailMs: s.tailMs,
            cpu: s.cpu,
          });
          scaling.handoffsPerSec[String(n)] = s.handoffsPerSec;
          progress();
        }
      } catch (e) {
        result.errors.push(`scaling: ${message(e)}`);
        log(`engine scaling failed: ${message(e)}`);
      }
    }
    return withoutEmptyErrors(result);
  } finally {
    await scope.close();
  }
}

function withoutEmptyErrors(r: EngineResult & { errors: string[] }): EngineResult {
  if (r.errors.length > 0) return { ...r, errors: [...r.errors] };
  const { errors: _none, ...rest } = r;
  return rest;
}
