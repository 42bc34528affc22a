import { Logger } from '@nestjs/common';
import type { UnitOfWork } from '@motcua/persistence';

/** Re-sends at most this many times; after that the hand-off waits for a person (dead letters). */
const MAX_RESENDS = 3;

/**
 * The safety net under the outbox: an electronic hand-off that nobody received long after it
 * was sent (its job lost after the outbox marked it sent) is sent again. Receipts are idempotent,
 * so a hand-off that was merely slow is received once all the same.
 */
export class HandoffSweeper {
  private readonly logger = new Logger('HandoffSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly resendAfterMs: number,
  ) {}

  start(): void {
    const every = Math.max(250, Math.min(60_000, Math.floor(this.resendAfterMs / 2)));
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, every);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<void> {
    try {
      const n = await this.uow.runAcrossCommunes((x) => x.resendStaleHandoffs(this.resendAfterMs, MAX_RESENDS));
      if (n > 0) this.logger.warn(`re-sent ${n} hand-off(s) not received within ${this.resendAfterMs} ms`);
    } catch (e) {
      this.logger.warn(`hand-off sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
