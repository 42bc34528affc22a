import { Logger } from '@nestjs/common';
import { type AcrossCommunes, PURGE_BATCH, type UnitOfWork } from '@motcua/persistence';

/** Re-sends at most this many times; after that the hand-off is given up and listed as stuck. */
export const MAX_RESENDS = 3;
/** Re-drives of a received automatic step at most; after that a supervisor sees it as stuck. */
export const MAX_REDRIVES = 3;

export interface RecoveryOptions {
  /** A hand-off unreceived, or an automatic step uncompleted, this long is driven again. */
  readonly resendAfterMs: number;
  /** Sent outbox rows are deleted this long after they were sent. */
  readonly outboxRetentionMs: number;
  /**
   * The hot path's tables are vacuumed at least this often, and whenever a purge caught up;
   * 0: never (leave it to autovacuum). Default one minute.
   */
  readonly vacuumEveryMs?: number;
}

/**
 * The safety net under the outbox (DESIGN.md §5), run by every worker (rows are claimed with
 * SKIP LOCKED, and what it drives is idempotent):
 * - an electronic hand-off nobody received long after it was sent (its job lost after the
 *   outbox marked it sent) is sent again, {@link MAX_RESENDS} times, then given up: it leaves
 *   "on its way" for the list of stuck work an operator sees (`GET /api/stuck`, `check-invariants`);
 * - a received automatic step that never completed (the worker died between the receipt and the
 *   step, then Redis lost the retry) is driven again, {@link MAX_REDRIVES} times, then listed;
 * - sent outbox rows past their retention are purged;
 * - the hot path's tables are vacuumed (outbox, timers, portal cursors), so the relay's claim
 *   stays a few pages of its partial index on a server with autovacuum off.
 */
export class RecoverySweeper {
  private readonly logger = new Logger('RecoverySweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastVacuumAt = 0;
  private purgedSinceVacuum = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: RecoveryOptions,
  ) {}

  start(): void {
    const every = Math.max(250, Math.min(60_000, Math.floor(this.options.resendAfterMs / 2)));
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, every);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<void> {
    const { resendAfterMs, outboxRetentionMs } = this.options;
    await this.step('hand-off re-send', async (x) => {
      const n = await x.resendStaleHandoffs(resendAfterMs, MAX_RESENDS);
      if (n > 0) this.logger.warn(`re-sent ${n} hand-off(s) not received within ${resendAfterMs} ms`);
    });
    await this.step('hand-off give-up', async (x) => {
      for (const h of await x.giveUpHandoffs(resendAfterMs, MAX_RESENDS)) {
        this.logger.error(`hand-off ${h.id} of dossier ${h.dossierId} to ${h.toUnit} not received after ${MAX_RESENDS} re-sends: listed as stuck`);
      }
    });
    await this.step('automatic-step re-drive', async (x) => {
      const n = await x.redriveAutomaticSteps(resendAfterMs, MAX_REDRIVES);
      if (n > 0) this.logger.warn(`re-drove ${n} received automatic step(s) not completed within ${resendAfterMs} ms`);
    });
    let caughtUp = false;
    await this.step('outbox purge', async (x) => {
      const n = await x.purgeSent(outboxRetentionMs);
      if (n > 0) this.logger.log(`purged ${n} sent outbox row(s) older than ${outboxRetentionMs} ms`);
      this.purgedSinceVacuum += n;
      caughtUp = n < PURGE_BATCH;
    });
    const vacuumEveryMs = this.options.vacuumEveryMs ?? 60_000;
    const due = Date.now() - this.lastVacuumAt >= vacuumEveryMs || (caughtUp && this.purgedSinceVacuum > 0);
    if (vacuumEveryMs > 0 && due) {
      try {
        await this.uow.acrossCommunes.vacuumHotTables();
        this.lastVacuumAt = Date.now();
        this.purgedSinceVacuum = 0;
      } catch (e) {
        this.logger.warn(`vacuum failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private async step(name: string, work: (x: AcrossCommunes) => Promise<void>): Promise<void> {
    try {
      await this.uow.runAcrossCommunes(work);
    } catch (e) {
      this.logger.warn(`${name} sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
