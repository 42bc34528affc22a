import { type DefaultJobOptions, Queue } from 'bullmq';
import Redis, { type RedisOptions } from 'ioredis';
import { type QueueName } from './queues';

/**
 * Retries with exponential backoff; a job that exhausts them stays in the queue's failed set,
 * which is the dead-letter list (visible and replayable). Completed jobs are kept for a day so a
 * relay re-send of the same jobId (after a crash between add and commit) is a no-op.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: false,
};

/** Producer connections fail fast while Redis is down, so the outbox keeps the message. */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  const r = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, ...extra });
  r.on('error', () => undefined); // surfaced by the failing command; ioredis reconnects by itself
  return r;
}

/** Worker connections block on Redis and must retry forever (BullMQ requirement). */
export function consumerConnection(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  r.on('error', () => undefined);
  return r;
}

/** Retry policy of the jobs a registry's queues create. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** One Queue per name, sharing one producer connection, which the registry owns and closes. */
export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly jobOptions: DefaultJobOptions;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    retry?: RetryPolicy,
  ) {
    this.jobOptions = retry
      ? { ...DEFAULT_JOB_OPTIONS, attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs } }
      : DEFAULT_JOB_OPTIONS;
  }

  get(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: this.jobOptions });
      q.on('error', () => undefined);
      this.queues.set(name, q);
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
