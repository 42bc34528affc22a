import { type DefaultJobOptions, Queue } from 'bullmq';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { type QueueName } from './queues';

/**
 * How long BullMQ remembers a completed job, and so drops a re-add of its job id: 24 hours, or
 * the last 100,000 completed jobs of the queue, whichever is shorter (BullMQ trims by both on
 * each completion). At the bench's 100 hand-offs/s on one queue the count bound is reached after
 * about 17 minutes. The relay re-adds a row only after a crash between its add and its "sent",
 * within a claim lease (30 s); so the window covers it with room to spare, and beyond it the
 * consumers are idempotent anyway (a second delivery of a hand-off changes nothing).
 */
export const DEDUPE_WINDOW = { age: 24 * 3600, count: 100_000 } as const;

/**
 * Retries with exponential backoff; a job that exhausts them stays in the queue's failed set,
 * which is the dead-letter list (visible and replayable, never trimmed). Completed jobs are kept
 * for the {@link DEDUPE_WINDOW}.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { ...DEDUPE_WINDOW },
  removeOnFail: false,
};

/** A connection to a single Redis or to a Redis Cluster; BullMQ, the limiter and the health check take either. */
export type RedisConnection = Redis | Cluster;

/** Where Redis is: a URL, and whether it names one node of a cluster (`REDIS_CLUSTER`). */
export interface RedisTarget {
  readonly url: string;
  readonly cluster?: boolean;
}

/** The target of an environment's `REDIS_URL` and `REDIS_CLUSTER`. */
export function redisTarget(env: { readonly REDIS_URL: string; readonly REDIS_CLUSTER?: string }): RedisTarget {
  return { url: env.REDIS_URL, cluster: env.REDIS_CLUSTER === 'true' };
}

/** A connection with these options: to the node, or to the cluster it belongs to (options per node). */
export function redisConnection(target: RedisTarget | string, options: RedisOptions, clusterOptions: ClusterOptions = {}): RedisConnection {
  const t = typeof target === 'string' ? { url: target } : target;
  if (!t.cluster) return new Redis(t.url, options);
  const { enableOfflineQueue, lazyConnect, enableReadyCheck, ...perNode } = options;
  return new Cluster([t.url], {
    redisOptions: perNode,
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableReadyCheck !== undefined ? { enableReadyCheck } : {}),
    ...clusterOptions,
  });
}

/** Producer connections fail fast while Redis is down, so the outbox keeps the message. */
export function producerConnection(target: RedisTarget | string, extra: RedisOptions = {}): RedisConnection {
  const r = redisConnection(target, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, ...extra });
  r.on('error', () => undefined); // surfaced by the failing command; ioredis reconnects by itself
  return r;
}

/** Worker connections block on Redis and must retry forever (BullMQ requirement). */
export function consumerConnection(target: RedisTarget | string): RedisConnection {
  const r = redisConnection(target, { maxRetriesPerRequest: null, enableReadyCheck: true });
  r.on('error', () => undefined);
  return r;
}

/** Retry policy of the jobs a registry's queues create. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  /** Completed jobs kept (and re-adds of their ids dropped); {@link DEDUPE_WINDOW} unless a test says otherwise. */
  readonly dedupeWindow?: { readonly age: number; readonly count: number };
}

/** One Queue per name, sharing one producer connection, which the registry owns and closes. */
export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly jobOptions: DefaultJobOptions;

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    retry?: RetryPolicy,
  ) {
    this.jobOptions = retry
      ? {
          ...DEFAULT_JOB_OPTIONS,
          attempts: retry.attempts,
          backoff: { type: 'exponential', delay: retry.backoffMs },
          removeOnComplete: { ...(retry.dedupeWindow ?? DEDUPE_WINDOW) },
        }
      : DEFAULT_JOB_OPTIONS;
  }

  get(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const created = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: this.jobOptions });
      created.on('error', () => undefined);
      // A queue made while the connection was not ready yet (a Redis Cluster still loading its
      // slots answers "Cluster isn't ready") fails its start for good: forget it, so the next
      // call makes a fresh one instead of handing out a broken queue for the process's life.
      created.waitUntilReady().catch(() => {
        if (this.queues.get(name) === created) this.queues.delete(name);
      });
      this.queues.set(name, created);
      q = created;
    }
    return q;
  }

  /** Resolves once the producer connection is up (commands fail fast while it is not). */
  async ready(timeoutMs = 3000): Promise<void> {
    if (this.connection.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Redis is not reachable')), timeoutMs);
      this.connection.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Does Redis answer right now? (Tells an outage from a refusal of one command.) */
  async answers(): Promise<boolean> {
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Nest lifecycle hook, for processes that provide the registry through a module. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    this.connection.disconnect();
  }
}
