import type { Job } from 'bullmq';
import type { QueueRegistry } from './connections';
import { ALL_QUEUES, type QueueName } from './queues';

/** Danh sách chết — a job that used up its retries (or met a rule no retry can fix). */
export interface DeadLetter {
  readonly queue: QueueName;
  readonly jobId: string | undefined;
  readonly name: string;
  /** Ids only (the job's payload), never a document. */
  readonly data: Record<string, unknown>;
  /** Why it failed, scrubbed of personal numbers by the worker. */
  readonly failedReason: string;
  readonly attemptsMade: number;
  readonly failedAt: string | null;
}

/** Failed jobs read from Redis at a time while looking for a commune's. */
const PAGE = 200;

/**
 * One commune's dead letters. The queues are shared by every commune (one per unit kind), so
 * each failed job is matched on the commune its payload names: a supervisor sees and replays
 * their own commune's jobs, and another commune's job is not found, like an unknown one.
 */
export class DeadLetterRepository {
  constructor(
    private readonly queues: QueueRegistry,
    readonly communeCode: string,
  ) {}

  /** The commune's dead letters, newest first per queue, at most `limit`. */
  async list(limit: number, queue?: QueueName): Promise<DeadLetter[]> {
    await this.queues.ready();
    const found: DeadLetter[] = [];
    for (const name of queue ? [queue] : ALL_QUEUES) {
      const q = this.queues.get(name);
      for (let start = 0; found.length < limit; start += PAGE) {
        const jobs = await q.getFailed(start, start + PAGE - 1);
        for (const j of jobs) if (this.owns(j) && found.length < limit) found.push(toDeadLetter(name, j));
        if (jobs.length < PAGE) break;
      }
      if (found.length >= limit) break;
    }
    return found;
  }

  /** Runs a dead letter of the commune again; `not-found` for an unknown job or another commune's. */
  async replay(queue: QueueName, jobId: string): Promise<'replayed' | 'not-found' | 'not-failed'> {
    await this.queues.ready();
    const job = await this.queues.get(queue).getJob(jobId);
    if (!job || !this.owns(job)) return 'not-found';
    if (!(await job.isFailed())) return 'not-failed';
    await job.retry('failed');
    return 'replayed';
  }

  private owns(job: Job): boolean {
    return (job.data as { communeCode?: unknown } | undefined)?.communeCode === this.communeCode;
  }
}

function toDeadLetter(queue: QueueName, j: Job): DeadLetter {
  return {
    queue,
    jobId: j.id,
    name: j.name,
    data: j.data as Record<string, unknown>,
    failedReason: j.failedReason,
    attemptsMade: j.attemptsMade,
    failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
  };
}
