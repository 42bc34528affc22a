import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isTerminal, NotFoundError, type RouteStep } from '@motcua/domain';
import { ConcurrentModificationError, failpoint, type ReceiptTarget, type ReceiptWrite, UnitOfWork } from '@motcua/persistence';
import { Clock } from '../clock';
import { isPortalEventType } from '../portal-events';
import { ReferenceCache } from '../reference-cache';
import { findStep, planReceipt } from '../routing';

/** Tiếp nhận hồ sơ chuyển đến: a unit's consumer records the receipt of an electronic hand-off. */
export class RecordReceiptCommand {
  constructor(
    readonly communeCode: string,
    readonly dossierId: string,
    readonly handoffId: string,
    /** Who recorded it: the unit's consumer. */
    readonly receivedBy: string,
    /**
     * Leave an automatic step's receipt to its completion: when the hand-off is unreceived and
     * its step automatic, nothing is written and the outcome is `automatic` (the consumer calls
     * the outside system, then records receipt and completion in one transaction).
     */
    readonly deferAutomatic = false,
  ) {}
}

export interface RecordReceiptResult {
  /**
   * `duplicate`: this hand-off was received before (BullMQ delivered the job again);
   * `automatic`: nothing written, the automatic step is the caller's to receive and complete.
   */
  readonly outcome: 'received' | 'duplicate' | 'automatic';
  readonly step: RouteStep;
  /** Whether the step still waits in the inbox (an automatic step may still have to run). */
  readonly pending: boolean;
}

/** Receipts written per statement at most. */
export const RECEIPT_BATCH = 32;
/** Batches of one process in flight at once (each is two statements on its own connection). */
const BATCHES_IN_FLIGHT = 2;
/** A receipt that keeps losing the race for its dossier's head gives up after this many tries (its job retries). */
const RECEIPT_TRIES = 8;

interface Waiting {
  readonly c: RecordReceiptCommand;
  tries: number;
  readonly resolve: (r: RecordReceiptResult) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Records receipts micro-batched (issue 10): the receipts that arrive while a batch is being
 * written are written together by the next, up to {@link RECEIPT_BATCH} of one commune, in two
 * prepared statements for the whole batch (read the hand-offs and their dossiers; write every
 * receipt that still applies) and no transaction around them. Alone, a receipt takes the same two
 * statements, so a quiet queue waits for nothing; a backlog fills the batches.
 *
 * Idempotent on the hand-off id: a hand-off found received is a duplicate, and the write moves a
 * dossier's head only if the hand-off is still unreceived and the head is where it was read, so a
 * receipt that lost a race to another command on its dossier is read and planned again.
 */
@CommandHandler(RecordReceiptCommand)
export class RecordReceiptHandler implements ICommandHandler<RecordReceiptCommand, RecordReceiptResult> {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  execute(c: RecordReceiptCommand): Promise<RecordReceiptResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ c, tries: 0, resolve, reject });
      // Receipts arriving in the same turn of the event loop go out together.
      if (this.inFlight < BATCHES_IN_FLIGHT) setImmediate(() => this.pump());
    });
  }

  private pump(): void {
    while (this.inFlight < BATCHES_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The next batch: waiting receipts of the first one's commune, one per dossier, in arrival order. */
  private take(): Waiting[] {
    const commune = this.waiting[0].c.communeCode;
    const dossiers = new Set<string>();
    const batch: Waiting[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < RECEIPT_BATCH; ) {
      const w = this.waiting[i];
      if (w.c.communeCode === commune && !dossiers.has(w.c.dossierId)) {
        dossiers.add(w.c.dossierId);
        batch.push(w);
        this.waiting.splice(i, 1);
      } else {
        i += 1;
      }
    }
    // Dossiers in id order, the order the commands' batches lock theirs in.
    return batch.sort((a, b) => (a.c.dossierId < b.c.dossierId ? -1 : 1));
  }

  private async write(batch: Waiting[]): Promise<void> {
    const commune = batch[0].c.communeCode;
    const repo = this.uow.receipts(commune);
    try {
      const targets = await repo.targets(batch.map((w) => w.c.handoffId));
      const now = this.clock.now();
      const planned: { w: Waiting; write: ReceiptWrite; result: RecordReceiptResult }[] = [];
      for (const w of batch) {
        try {
          const p = await this.plan(w.c, targets.get(w.c.handoffId), now);
          if ('outcome' in p) w.resolve(p);
          else planned.push({ w, ...p });
        } catch (e) {
          w.reject(e);
        }
      }
      if (planned.length === 0) return;
      await failpoint('receipt.before-commit');
      let written: Set<string>;
      try {
        written = await repo.write(planned.map((p) => p.write));
      } catch (e) {
        // One bad receipt fails the statement: alone, it fails its job; in a batch, each goes again alone.
        if (planned.length === 1) throw e;
        for (const p of planned) this.retry(p.w, e, true);
        return;
      }
      for (const p of planned) {
        if (written.has(p.w.c.dossierId)) p.w.resolve(p.result);
        else this.retry(p.w, new ConcurrentModificationError(p.w.c.dossierId));
      }
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }

  /** Plans the receipt again (lost a race, or its batch failed): at the front of the line. */
  private retry(w: Waiting, cause: unknown, alone = false): void {
    w.tries += 1;
    if (w.tries >= RECEIPT_TRIES) {
      w.reject(cause);
      return;
    }
    if (alone) {
      this.inFlight += 1;
      void this.write([w]).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
      return;
    }
    this.waiting.unshift(w);
    setImmediate(() => this.pump());
  }

  private async plan(
    c: RecordReceiptCommand,
    target: ReceiptTarget | undefined,
    now: Date,
  ): Promise<RecordReceiptResult | { write: ReceiptWrite; result: RecordReceiptResult }> {
    if (!target || target.handoff.dossierId !== c.dossierId) throw new NotFoundError('Không tìm thấy lượt chuyển hồ sơ.', { handoffId: c.handoffId });
    const { handoff, dossier } = target;
    const via = this.uow.reference;
    const [procedure, calendar, profile] = await Promise.all([
      this.refs.procedure(via, c.communeCode, dossier.procedureVersionId),
      this.refs.forCommune(via, c.communeCode),
      this.refs.profileOf(via, dossier.receivingOfficeCode),
    ]);
    const step = findStep(procedure, handoff.stepKey);
    if (!step) throw new Error(`step ${handoff.stepKey} is not in the pinned route of dossier ${c.dossierId}`);
    if (handoff.receivedAt) return { outcome: 'duplicate', step, pending: target.itemStatus === 'pending' };

    if (c.deferAutomatic && step.automatic && !isTerminal(dossier.state)) return { outcome: 'automatic', step, pending: true };

    const plan = planReceipt(dossier, procedure, calendar, profile, handoff, now);
    let lastPortal = -1;
    plan.events.forEach((e, i) => {
      if (e.portal && isPortalEventType(e.type)) lastPortal = i;
    });
    const state = plan.resolved?.state ?? dossier.state;
    return {
      write: {
        head: { dossierId: dossier.id, lastSeq: dossier.lastSeq, lastHash: dossier.lastHash },
        handoffId: handoff.id,
        receivedAt: now,
        receivedBy: c.receivedBy,
        events: plan.events.map((e) => ({ type: e.type, payload: e.payload, actor: c.receivedBy, occurredAt: now })),
        resolved: plan.resolved,
        workItem: plan.workItem,
        timer: plan.timer,
        ...(lastPortal >= 0 && !dossier.stateSecret ? { portalUpTo: dossier.lastSeq + lastPortal + 1 } : {}),
      },
      result: { outcome: 'received', step, pending: step.share > 0 && !isTerminal(state) },
    };
  }
}
