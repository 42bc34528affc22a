import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { DeadlineJob, DeadlineKind } from '@motcua/messaging';
import type { DueTimer, UnitOfWork } from '@motcua/persistence';
import { CheckDeadlineCommand, type Clock, type DeadlineOutcome } from '@motcua/workflow';

/** Dossiers looked at per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 200;
/** Timers fired per poll; a poll that fills it polls again at once. */
const TIMER_BATCH = 100;
/** A timer whose check failed this often is marked fired with outcome `failed`, for an operator. */
export const TIMER_MAX_ATTEMPTS = 5;
/** How long a sweep's claim on a passed deadline keeps other workers off it. */
export const DEADLINE_CLAIM_MS = 5 * 60_000;

/**
 * Fires deadline reminders (DESIGN.md §4.3) in two loops:
 * - every `timerPollMs`, one claim statement takes the due rows of the timer table
 *   (`deadline_timers`, written with the events of the command that set the date) and runs the
 *   check of each; a check that fails is retried on the next claim after its lease, up to
 *   {@link TIMER_MAX_ATTEMPTS} times;
 * - every `everyMs`, a backstop sweep finds deadlines passed and unhandled without a timer
 *   (dossiers from before the timer table, or a reminder removed by hand) and runs the same check.
 * Each passed deadline and each timer is claimed for {@link DEADLINE_CLAIM_MS} as it is read, so
 * N workers sweeping at once check it once (and a claim of a worker that died runs out); the
 * checks are idempotent besides.
 */
export class DeadlineSweeper {
  private readonly logger = new Logger('DeadlineSweeper');
  private timer?: NodeJS.Timeout;
  private poller?: NodeJS.Timeout;
  private running?: Promise<void>;
  private firing?: Promise<void>;
  /** Who holds a claim, for an operator reading `deadline_claims`. */
  private readonly name = `${hostname()}:${process.pid}`;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly timerPollMs: number = 1_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().then(
        () => undefined,
      ).finally(() => (this.running = undefined));
    }, this.everyMs);
    this.poller = setInterval(() => {
      this.firing ??= this.fireDueTimers().then(
        () => undefined,
      ).finally(() => (this.firing = undefined));
    }, this.timerPollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.poller) clearInterval(this.poller);
    await Promise.all([this.running, this.firing]);
  }

  /** Claims the due timers and runs their checks, until no full batch is due; returns the outcomes. */
  async fireDueTimers(): Promise<Partial<Record<DeadlineOutcome | 'failed', number>>> {
    const counts: Partial<Record<DeadlineOutcome | 'failed', number>> = {};
    try {
      for (;;) {
        const due = await this.uow.acrossCommunes.claimDueTimers(this.clock.now(), TIMER_BATCH, DEADLINE_CLAIM_MS, this.name);
        const fired: { id: string; outcome: string }[] = [];
        for (const t of due) {
          const outcome = await this.check(t);
          if (outcome) {
            fired.push({ id: t.id, outcome });
            counts[outcome] = (counts[outcome] ?? 0) + 1;
          }
        }
        await this.uow.acrossCommunes.markTimersFired(fired);
        if (due.length < TIMER_BATCH) break;
      }
    } catch (e) {
      this.logger.warn(`deadline timers: ${e instanceof Error ? e.message : String(e)}`);
    }
    return counts;
  }

  /** The timer's check; undefined when it failed and has attempts left (its claim runs out, then it is retried). */
  private async check(t: DueTimer): Promise<DeadlineOutcome | 'failed' | undefined> {
    const job: DeadlineJob = {
      dossierId: t.dossierId,
      communeCode: t.communeCode,
      kind: t.kind as DeadlineKind,
      dueAt: t.dueAt.toISOString(),
      ...(t.stepKey ? { stepKey: t.stepKey } : {}),
    };
    try {
      return await this.commands.execute<CheckDeadlineCommand, DeadlineOutcome>(new CheckDeadlineCommand(job));
    } catch (e) {
      const last = t.attempts >= TIMER_MAX_ATTEMPTS;
      this.logger.warn(`deadline timer ${t.id} (${t.kind}) attempt ${t.attempts} failed${last ? ', giving up' : ''}: ${e instanceof Error ? e.message : String(e)}`);
      return last ? 'failed' : undefined;
    }
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
