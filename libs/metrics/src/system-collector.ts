import type { DataSource } from 'typeorm';
import { ALL_QUEUES, type QueueRegistry } from '@motcua/messaging';
import { OperationsMetricsRepository } from '@motcua/persistence/repositories/operations-metrics.repository';
import {
  collectDuration,
  collectorUp,
  type CollectorSource,
  deadLetters,
  deadlineTimersDue,
  dossiersOverdue,
  outboxDead,
  outboxLag,
  outboxUnsent,
  portalSyncBacklog,
  portalSyncFailing,
  projectionLagEvents,
  projectionLagSeconds,
  queueJobs,
} from './metrics';

/** What a scrape reads the system-wide gauges from. */
export interface SystemSources {
  readonly ds: DataSource;
  readonly queues: QueueRegistry;
  /** The application clock (due times and timers are set by it). */
  readonly now: () => Date;
  /** Longest a scrape waits for one source; past it the source is reported down. Default 2000. */
  readonly timeoutMs?: number;
}

/** Rejects with a timeout after `ms`, or settles as `work` does. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The gauges that describe the whole deployment rather than this process: queue depths and dead
 * letters (BullMQ's job counts), outbox lag, overdue dossiers, portal backlog, due timers and
 * projection lag. Read at scrape time, never on the hand-off path; each source has a time limit
 * (a slow Redis or database makes the scrape report that source down, not hang), and scrapes
 * that arrive while a read runs share it. Every process reports the same values: aggregate them
 * with `max without (instance)` (README, "Metrics").
 */
export class SystemCollector {
  private readonly repository: OperationsMetricsRepository;
  private inFlight?: Promise<void>;

  constructor(private readonly sources: SystemSources) {
    this.repository = new OperationsMetricsRepository(sources.ds);
  }

  /** Reads every source once (or joins the read already running) and sets the gauges. */
  refresh(): Promise<void> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async read(): Promise<void> {
    const started = process.hrtime.bigint();
    const timeoutMs = this.sources.timeoutMs ?? 2000;
    const run = async (source: CollectorSource, work: () => Promise<void>) => {
      try {
        await within(work(), timeoutMs, source);
        collectorUp.set({ source }, 1);
      } catch {
        collectorUp.set({ source }, 0);
      }
    };
    await Promise.all([run('queues', () => this.readQueues()), run('database', () => this.readDatabase()), run('projections', () => this.readProjections())]);
    collectDuration.set(Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async readQueues(): Promise<void> {
    const counts = await Promise.all(
      ALL_QUEUES.map(async (name) => ({ name, c: await this.sources.queues.get(name).getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed') })),
    );
    for (const { name, c } of counts) {
      queueJobs.set({ queue: name, state: 'waiting' }, (c.wait ?? 0) + (c.prioritized ?? 0));
      queueJobs.set({ queue: name, state: 'active' }, c.active ?? 0);
      queueJobs.set({ queue: name, state: 'delayed' }, c.delayed ?? 0);
      queueJobs.set({ queue: name, state: 'failed' }, c.failed ?? 0);
      deadLetters.set({ queue: name }, c.failed ?? 0);
    }
  }

  private async readDatabase(): Promise<void> {
    const s = await this.repository.snapshot(this.sources.now());
    outboxUnsent.set(s.outboxUnsent);
    outboxLag.set(s.outboxLagSeconds);
    outboxDead.set(s.outboxDead);
    // A commune that has none overdue any more drops out rather than keeping its last count.
    dossiersOverdue.reset();
    for (const [commune, n] of Object.entries(s.overdueByCommune)) dossiersOverdue.set({ commune }, n);
    portalSyncBacklog.set(s.portalSyncBacklog);
    portalSyncFailing.set(s.portalSyncFailing);
    deadlineTimersDue.set(s.deadlineTimersDue);
  }

  private async readProjections(): Promise<void> {
    const lags = await this.repository.projectionLags();
    projectionLagEvents.reset();
    projectionLagSeconds.reset();
    for (const { projection, events, seconds } of lags) {
      projectionLagEvents.set({ projection }, events);
      projectionLagSeconds.set({ projection }, seconds);
    }
  }
}
