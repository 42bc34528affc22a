import { Logger } from '@nestjs/common';
import { PROJECTION_NAMES, type ProjectionRound, type UnitOfWork } from '@motcua/persistence';

/** Full batches one projection applies in a row before the others get their turn. */
const MAX_BATCHES_PER_ROUND = 20;

/**
 * Keeps the read models (daily rollups, the dossier list, the live counters; DESIGN.md §4.4)
 * behind the event log: every `pollMs` each projection applies what committed since its cursor,
 * in batches of `batchSize` events, each batch with its cursor in one transaction (see
 * `ProjectorRepository` for the fence that never skips an event committed late). Any number of
 * workers may run it: a projection another worker is applying is skipped this round.
 */
export class Projector {
  private readonly logger = new Logger('Projector');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly pollMs: number,
    private readonly batchSize: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round of every projection; returns what each last did. A failure is logged and retried next round. */
  async runOnce(): Promise<ProjectionRound[]> {
    const rounds: ProjectionRound[] = [];
    for (const name of PROJECTION_NAMES) {
      try {
        let round: ProjectionRound;
        let batches = 0;
        do round = await this.uow.projector.round(name, this.batchSize);
        while (round.more && ++batches < MAX_BATCHES_PER_ROUND);
        rounds.push(round);
      } catch (e) {
        this.logger.warn(`projection ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return rounds;
  }
}
