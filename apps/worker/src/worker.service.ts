import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Processor, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { BhxhClient, PaymentClient, PopulationClient } from '@motcua/connectors';
import { directDatabaseUrl, Env, scrubbedError } from '@motcua/config';
import { isUnitKind, UNIT_KINDS, type UnitKind } from '@motcua/domain';
import { consumerConnection, DEFAULT_RELAY_OPTIONS, OutboxRelay, producerConnection, type QueueName, QueueRegistry, type RedisConnection, redisTarget } from '@motcua/messaging';
import { countHandoff } from '@motcua/metrics';
import { UnitOfWork } from '@motcua/persistence';
import { Clock, ReferenceCache } from '@motcua/workflow';
import { DeadlineProcessor } from './deadlines/deadline.processor';
import { DeadlineSweeper } from './deadlines/deadline-sweeper';
import { RecoverySweeper } from './recovery-sweeper';
import { PortalClient } from './portal/portal-client';
import { PortalSyncProcessor } from './portal/portal-sync.processor';
import { PortalSyncer } from './portal/portal-syncer';
import { Projector } from './projections/projector';
import { AutomaticSteps } from './units/automatic-steps';
import { HandoffProcessor } from './units/handoff.processor';

/** Parses UNITS: `all` or a comma-separated list of unit codes; an unknown code stops the start. */
export function parseUnits(value: string): UnitKind[] {
  if (value.trim() === 'all') return [...UNIT_KINDS];
  const units = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = units.filter((u) => !isUnitKind(u));
  if (bad.length > 0 || units.length === 0) {
    throw new Error(`UNITS: unknown unit code(s) ${bad.join(', ') || '(none given)'}; use "all" or codes like tu-phap,cong-an`);
  }
  return units as UnitKind[];
}

/**
 * The worker process (DESIGN.md §4): one BullMQ consumer per unit named in UNITS, the portal
 * syncer (apart from the unit consumers), the deadline checker (timer rows plus a periodic
 * sweep), the outbox relay and the hand-off sweeper. Several worker processes may run side by
 * side (one per unit, or several per busy unit): the relay, the portal syncer and the sweepers
 * claim rows with SKIP LOCKED, and BullMQ shares the jobs.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];
  /** Connections handed to BullMQ workers; BullMQ does not close connections it was given. */
  private readonly connections: RedisConnection[] = [];
  private relay?: OutboxRelay;
  private sweeper?: RecoverySweeper;
  private deadlineSweeper?: DeadlineSweeper;
  private portalSyncer?: PortalSyncer;
  private projector?: Projector;
  private queues?: QueueRegistry;

  constructor(
    @Inject(Env) private readonly env: Env,
    private readonly ds: DataSource,
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const units = parseUnits(this.env.UNITS);
    this.queues = new QueueRegistry(producerConnection(redisTarget(this.env)), this.env.QUEUE_PREFIX, {
      attempts: this.env.JOB_ATTEMPTS,
      backoffMs: this.env.JOB_BACKOFF_MS,
    });
    // LISTEN needs a session of its own: past PgBouncer when one is in front (DATABASE_DIRECT_URL).
    this.relay = new OutboxRelay(this.ds, this.queues, directDatabaseUrl(this.env), {
      ...DEFAULT_RELAY_OPTIONS,
      maxAttempts: this.env.OUTBOX_MAX_ATTEMPTS,
      backoffMs: this.env.OUTBOX_BACKOFF_MS,
      claimMs: this.env.OUTBOX_CLAIM_MS,
    });
    await this.relay.start();
    this.sweeper = new RecoverySweeper(this.uow, {
      resendAfterMs: this.env.HANDOFF_RESEND_AFTER_MS,
      outboxRetentionMs: this.env.OUTBOX_RETENTION_MS,
      vacuumEveryMs: this.env.OUTBOX_VACUUM_MS,
    });
    this.sweeper.start();
    this.deadlineSweeper = new DeadlineSweeper(this.uow, this.commands, this.clock, this.env.DEADLINE_SWEEP_MS, this.env.DEADLINE_TIMER_POLL_MS);
    this.deadlineSweeper.start();
    this.projector = new Projector(this.uow, this.env.PROJECTION_POLL_MS, this.env.PROJECTION_BATCH);
    this.projector.start();

    const stubs = { baseUrl: this.env.STUBS_URL, timeoutMs: 10_000 };
    const automatic = new AutomaticSteps(new PaymentClient(stubs), new PopulationClient(stubs), new BhxhClient(stubs));
    for (const unit of units) {
      const p = new HandoffProcessor(unit, this.commands, this.uow, automatic, this.env.AUTO_OFFICER === 'true');
      this.consume(unit, (job) => countHandoff(unit, job.timestamp, () => p.process(job)), this.env.WORKER_CONCURRENCY);
    }
    const portal = new PortalClient({
      baseUrl: this.env.PORTAL_URL,
      username: this.env.PORTAL_USERNAME,
      password: this.env.PORTAL_PASSWORD,
      unitCode: this.env.PORTAL_UNIT_CODE,
      timeoutMs: this.env.PORTAL_TIMEOUT_MS,
    });
    this.portalSyncer = new PortalSyncer(this.uow, this.refs, portal, {
      batchSize: this.env.PORTAL_SYNC_BATCH,
      pollMs: this.env.PORTAL_SYNC_POLL_MS,
      leaseMs: this.env.PORTAL_SYNC_LEASE_MS,
      callTimeoutMs: this.env.PORTAL_TIMEOUT_MS,
      backoffMs: this.env.PORTAL_SYNC_BACKOFF_MS,
      maxBackoffMs: this.env.PORTAL_SYNC_MAX_BACKOFF_MS,
    });
    if (this.env.PORTAL_SYNC === 'true') this.portalSyncer.start();
    // Portal sync is the syncer's now; this drains per-event jobs an older version left in Redis
    // (and replayed dead letters of them) into the syncer's cursors.
    const oldPortalJobs = new PortalSyncProcessor(this.uow);
    this.consume('portal-sync', (job) => oldPortalJobs.process(job), 4);
    // Reminders are timer rows now; this drains delayed jobs an older version left in Redis.
    const deadlines = new DeadlineProcessor(this.commands);
    this.consume('deadlines', (job) => deadlines.process(job), 4);
    this.logger.log(`outbox relay running; portal syncer ${this.env.PORTAL_SYNC === 'true' ? 'running' : 'off'}; consuming units ${units.join(', ')}, portal-sync and deadlines`);
  }

  private consume(queue: QueueName, processor: Processor, concurrency: number): void {
    const connection = consumerConnection(redisTarget(this.env));
    this.connections.push(connection);
    // What a job fails with is kept in Redis as its failedReason and stack: never a personal number.
    const scrubbing: Processor = async (job) => {
      try {
        return await processor(job);
      } catch (e) {
        throw scrubbedError(e);
      }
    };
    const w = new Worker(queue, scrubbing, {
      connection,
      prefix: this.env.QUEUE_PREFIX,
      // Stored on every job it runs (`processedBy`): which process of which host handled it.
      name: `${hostname()}:${process.pid}`,
      concurrency,
      lockDuration: this.env.JOB_LOCK_MS,
      stalledInterval: this.env.JOB_LOCK_MS,
    });
    w.on('failed', (job, err) => {
      const exhausted = job && job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.warn(`${queue} job ${job?.id} attempt ${job?.attemptsMade} failed${exhausted ? ' (dead letter)' : ''}: ${err.message}`);
    });
    w.on('error', (e) => this.logger.warn(`${queue} worker: ${e.message}`));
    this.workers.push(w);
  }

  /**
   * Stops in bounded time, Redis or not (issue 9). A graceful BullMQ close waits for Redis for ever
   * when it is gone, and for running jobs however long they take: running jobs get
   * a grace period (`JOB_GRACE_MS`) while Redis is up, none while it is down (they could not be acknowledged
   * anyway). A job left running stays active in Redis under a lock nobody renews, and stall
   * detection hands it to another worker; main.ts ends the process if the stop still overruns.
   */
  async onApplicationShutdown(): Promise<void> {
    const JOB_GRACE_MS = 5_000;
    const STEP_MS = 2_000;
    /** Whether `work` settled within `ms`; never rejects. */
    const within = (work: Promise<unknown>, ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      return Promise.race([work.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
    };
    await within(Promise.all([this.relay?.stop(), this.sweeper?.stop(), this.deadlineSweeper?.stop(), this.portalSyncer?.stop(), this.projector?.stop()]), STEP_MS);
    const redisUp = this.connections.every((c) => c.status === 'ready');
    const closed = await within(Promise.all(this.workers.map((w) => w.close(!redisUp))), redisUp ? JOB_GRACE_MS : STEP_MS);
    if (!redisUp || !closed) {
      this.logger.warn(
        `${redisUp ? `jobs still running after ${JOB_GRACE_MS} ms` : 'Redis unreachable'}: stopping the consumers without them; ` +
          'unfinished job(s) left to be retried (stall detection)',
      );
    }
    for (const c of this.connections) c.disconnect();
    await within(this.queues?.close() ?? Promise.resolve(), STEP_MS);
  }
}
