import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { UnitOfWork } from '@motcua/persistence';
import { CheckDeadlineCommand, type Clock, type DeadlineOutcome } from '@motcua/workflow';

/** Dossiers looked at per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 200;
/** How long a sweep's claim on a passed deadline keeps other workers off it. */
export const DEADLINE_CLAIM_MS = 5 * 60_000;

/**
 * The periodic sweep behind the delayed deadline jobs (DESIGN.md §4.3): a job lost with a Redis
 * that lost its data, or one that fired a little early, leaves a deadline passed and unhandled;
 * the sweep finds it and runs the same check. Each passed deadline is claimed for
 * {@link DEADLINE_CLAIM_MS} as it is read, so N workers sweeping at once check it once (and a
 * claim of a worker that died runs out); the checks are idempotent besides.
 */
export class DeadlineSweeper {
  private readonly logger = new Logger('DeadlineSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Who holds a claim, for an operator reading `deadline_claims`. */
  private readonly name = `${hostname()}:${process.pid}`;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().then(
        () => undefined,
      ).finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<Record<DeadlineOutcome, number>> {
    const counts: Record<DeadlineOutcome, number> = { warned: 0, overdue: 0, rejected: 0, 'not-yet': 0, moved: 0, closed: 0, duplicate: 0 };
    try {
      const due = await this.uow.acrossCommunes.claimPassedDeadlines(this.clock.now(), SWEEP_BATCH, DEADLINE_CLAIM_MS, this.name);
      for (const d of due) {
        const job = { dossierId: d.id, communeCode: d.communeCode, kind: d.kind, dueAt: d.dueAt.toISOString() };
        counts[await this.commands.execute<CheckDeadlineCommand, DeadlineOutcome>(new CheckDeadlineCommand(job))] += 1;
      }
      if (counts.overdue + counts.rejected > 0) this.logger.log(`deadline sweep: ${counts.overdue} marked overdue, ${counts.rejected} rejected (supplement deadline passed)`);
    } catch (e) {
      this.logger.warn(`deadline sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return counts;
  }
}
