import { Injectable } from '@nestjs/common';
import { type DossierEventPayloads, type DossierEventType, type DossierState, NotFoundError, type OfficeProfile, type ProcedureDefinition, type TypedDossierEvent, type WorkingCalendar } from '@motcua/domain';
import { type DeadlineTimer, type DossierEntity, type NewDossier, type NewHandoff, type OutboxMessage, requestAudit, setAuditTarget, type TransactionScope, UnitOfWork } from '@motcua/persistence';
import type { ActingUser } from './access';
import { Clock } from './clock';
import { isPortalEventType } from './portal-events';
import { ReferenceCache } from './reference-cache';
import type { RoutingContext } from './routing';

/**
 * The repositories a command on a dossier may ask for. The event log, the outbox, the timers and
 * the portal mark are not among them: a command writes those only through its journal, which the
 * pipeline flushes.
 */
export type CommandRepository = 'dossiers' | 'workflow' | 'casework' | 'users' | 'signing';

/**
 * A command's view of its transaction: only the repositories it named, bound to its commune. A
 * helper states the ones it needs in its context's type (`RoutingContext<'workflow'>`), so a
 * command that did not ask for one cannot call it: a compile error, not a review comment.
 */
export type CommandScope<K extends CommandRepository> = Pick<TransactionScope, K | 'communeCode'>;

/** What intake's first half sees: the desk's commune, its numbering counters and the reference data. */
export type DeskScope = Pick<TransactionScope, 'communeCode' | 'sequences' | 'reference'>;

/** What a command may do with its journal: everything but flush it, which is the pipeline's. */
export type JournalWriter = Pick<DossierJournal, 'record' | 'setState' | 'send' | 'timer' | 'handoff' | 'completeWorkItem'>;

type Pending = TypedDossierEvent & {
  readonly actor: string;
  readonly occurredAt: Date;
  readonly portal: boolean;
};

/**
 * Collects what one command does to one dossier: its events, its new state, the messages to
 * send and the reminders to set. `flush` appends the events to the hash chain (moving the state
 * with the head) and writes the outbox rows and the timers, in one statement of the command's
 * transaction. It flushes once: recording after the flush (it would be lost) or flushing twice throws.
 * Events marked for the portal raise the dossier's portal-sync mark to the last of them, in the
 * same statement (the worker's portal syncer sends them later, in order), unless the dossier is
 * state-secret: nothing of it is ever marked.
 */
export class DossierJournal {
  private readonly events: Pending[] = [];
  private readonly messages: OutboxMessage[] = [];
  private readonly timers: DeadlineTimer[] = [];
  private readonly handoffs: NewHandoff[] = [];
  private readonly completed: { id: string; at: Date }[] = [];
  private state?: DossierState;
  private flushed = false;

  constructor(
    private readonly tx: Pick<TransactionScope, 'events'>,
    private readonly dossier: Pick<DossierEntity, 'id' | 'communeCode' | 'lastSeq' | 'lastHash' | 'stateSecret'>,
  ) {}

  /**
   * Records an event of the catalog: its payload must have the shape the catalog gives its type
   * (a literal type; a union of types would accept any of their payloads).
   */
  record<T extends DossierEventType>(type: T, payload: DossierEventPayloads[T], actor: string, occurredAt: Date, opts: { portal?: boolean } = {}): void {
    this.open();
    this.events.push({ type, payload, actor, occurredAt, portal: opts.portal ?? false } as Pending);
  }

  /** The dossier's new state, written with the chain head when the journal is flushed. */
  setState(state: DossierState): void {
    this.open();
    this.state = state;
  }

  send(message: OutboxMessage): void {
    this.open();
    this.messages.push(message);
  }

  /** Sets a reminder (a row of the timer table), written with the events. */
  timer(timer: DeadlineTimer): void {
    this.open();
    this.timers.push(timer);
  }

  /** Sends an electronic hand-off: its row is written with the events (nothing in this command reads it back). */
  handoff(handoff: NewHandoff): void {
    this.open();
    this.handoffs.push(handoff);
  }

  /** Marks a work item done, written with the events (the command decides the join from what it read). */
  completeWorkItem(id: string, at: Date): void {
    this.open();
    this.completed.push({ id, at });
  }

  /** Writes the events, the state and the messages; returns the new head sequence number. */
  async flush(): Promise<number> {
    this.open();
    this.flushed = true;
    let portalUpTo: number | undefined;
    this.events.forEach((e, i) => {
      if (!e.portal) return;
      // The syncer sends only events of the portal types: a marked event of another type would be passed over.
      if (!isPortalEventType(e.type)) throw new Error(`${e.type} is marked for the portal but is not a portal event type (PORTAL_EVENT_TYPES)`);
      if (!this.dossier.stateSecret) portalUpTo = this.dossier.lastSeq + i + 1;
    });
    const head = await this.tx.events.append(
      { dossierId: this.dossier.id, lastSeq: this.dossier.lastSeq, lastHash: this.dossier.lastHash },
      { events: this.events, state: this.state, messages: this.messages, timers: this.timers, portalUpTo, handoffs: this.handoffs, completedWorkItems: this.completed },
    );
    return head.lastSeq;
  }

  private open(): void {
    if (this.flushed) throw new Error(`the journal of dossier ${this.dossier.id} was flushed already`);
  }
}

/** A dossier opened outside the pipeline: the whole transaction scope, and the journal to flush. */
export interface OpenedDossier extends RoutingContext {
  readonly tx: TransactionScope;
  readonly journal: DossierJournal;
}

/**
 * Locks the dossier (every command on a dossier runs after the previous one committed) and
 * gathers what routing needs. A dossier of another commune is "not found", exactly like an
 * unknown id: the transaction's repositories see only their own commune.
 *
 * The pipeline's first step. A handler calls it itself only until it runs through
 * {@link DossierCommandPipeline.run} (which flushes the journal for it).
 */
export async function openDossier(tx: TransactionScope, refs: ReferenceCache, dossierId: string, actor: string, now: Date): Promise<OpenedDossier> {
  const dossier = await tx.dossiers.lock(dossierId);
  const { communeCode } = tx;
  if (!dossier) throw new NotFoundError('Không tìm thấy hồ sơ.', { dossierId });
  const [procedure, calendar, profile] = await Promise.all([
    refs.procedure(tx.reference, communeCode, dossier.procedureVersionId),
    refs.forCommune(tx.reference, communeCode),
    refs.profileOf(tx.reference, dossier.receivingOfficeCode),
  ]);
  return { tx, journal: new DossierJournal(tx, dossier), dossier, procedure, calendar, profile, now, actor };
}

/** The dossier a command acts on, the commune it runs in, and the name its events carry. */
export interface DossierTarget {
  readonly communeCode: string;
  readonly dossierId: string;
  readonly actor: string;
}

/** A user's command on a dossier runs in the user's commune: another commune's dossier is not found (404). */
export function targetOf(c: { readonly dossierId: string; readonly actor: ActingUser }): DossierTarget {
  return { communeCode: c.actor.communeCode, dossierId: c.dossierId, actor: c.actor.name };
}

/** What intake's first half decided: the new dossier's row (of its deciding commune) and its routing data. */
export interface NewDossierContext {
  readonly dossier: NewDossier;
  readonly procedure: ProcedureDefinition;
  readonly calendar: WorkingCalendar;
  readonly profile: OfficeProfile;
}

/**
 * One shape for every command on a dossier (STYLE.md habit 3). {@link run}:
 * 1. opens the command's one transaction in the actor's commune (`UnitOfWork.run`);
 * 2. locks the dossier and gathers the routing context ({@link openDossier}): another commune's
 *    dossier is not found (404);
 * 3. hands the command's work that context, with only the repositories it named and a journal it
 *    cannot flush; the work checks its rule (an illegal transition throws 409, another unit's step
 *    403) and does what it does;
 * 4. flushes the journal, exactly once, after the work: the events, the state, the outbox rows, the
 *    timers and the portal mark in one statement;
 * 5. commits; the request's audit entry, for a command an API request asked for, is written by
 *    `UnitOfWork.run` in the same transaction, so a refusal rolls it back with everything else.
 *
 * Intake ({@link receive}) has its own first half: it creates the dossier instead of locking one;
 * from step 3 on it is the same.
 *
 * The one exception is the batched receipt (`RecordReceiptHandler`): a unit's consumer writes the
 * receipts of many dossiers in two prepared statements per batch, with no transaction (each
 * statement guards on the head it read), because it is the hottest path (issue 10).
 */
@Injectable()
export class DossierCommandPipeline {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  private readonly waiting: Batched[] = [];
  private batchesInFlight = 0;

  /**
   * Runs `work` on the dossier `target` names, with the repositories of `uses`; see the class.
   * A command no request asked for (a unit's consumer, the deadline sweeper) may share its
   * transaction with others: see {@link runBatch}.
   */
  run<K extends CommandRepository, T>(target: DossierTarget, uses: readonly K[], work: (ctx: RoutingContext<K>) => Promise<T>): Promise<T> {
    if (requestAudit.getStore() !== undefined) return this.runAlone(target, uses, work);
    return new Promise<T>((resolve, reject) => {
      const run = (tx: TransactionScope, now: Date) => this.workOn(tx, now, target, uses, work);
      this.waiting.push({ target, run, alone: () => this.runAlone(target, uses, work), resolve: resolve as (v: unknown) => void, reject });
      if (this.batchesInFlight < COMMAND_BATCHES_IN_FLIGHT) setImmediate(() => this.pump());
    });
  }

  private runAlone<K extends CommandRepository, T>(target: DossierTarget, uses: readonly K[], work: (ctx: RoutingContext<K>) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    return this.uow.run(target.communeCode, (tx) => this.workOn(tx, now, target, uses, work));
  }

  private async workOn<K extends CommandRepository, T>(tx: TransactionScope, now: Date, target: DossierTarget, uses: readonly K[], work: (ctx: RoutingContext<K>) => Promise<T>): Promise<T> {
    const opened = await openDossier(tx, this.refs, target.dossierId, target.actor, now);
    return finish({ ...opened, tx: narrowed(tx, uses) }, opened.journal, work);
  }

  private pump(): void {
    while (this.batchesInFlight < COMMAND_BATCHES_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.take();
      this.batchesInFlight += 1;
      void this.runBatch(batch).finally(() => {
        this.batchesInFlight -= 1;
        this.pump();
      });
    }
  }

  /** The next batch: waiting commands of the first one's commune, one per dossier, in the order of their dossiers' ids. */
  private take(): Batched[] {
    const commune = this.waiting[0].target.communeCode;
    const dossiers = new Set<string>();
    const batch: Batched[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < COMMAND_BATCH; ) {
      const b = this.waiting[i];
      if (b.target.communeCode === commune && !dossiers.has(b.target.dossierId)) {
        dossiers.add(b.target.dossierId);
        batch.push(b);
        this.waiting.splice(i, 1);
      } else {
        i += 1;
      }
    }
    // Every batch locks its dossiers in the same order, so two batches never wait on each other in a circle.
    return batch.sort((a, b) => (a.target.dossierId < b.target.dossierId ? -1 : 1));
  }

  /**
   * Micro-batching (issue 10): the commands that arrive while a batch runs share the next one's
   * transaction, up to {@link COMMAND_BATCH} of one commune, one after another, each with its own
   * lock, work and flush — one BEGIN and one COMMIT for all. Alone, a command runs as it would
   * without batching; a backlog fills the batches. If any of them throws, the whole transaction
   * rolls back and each runs again alone, so one refusal costs the others nothing but time.
   */
  private async runBatch(batch: Batched[]): Promise<void> {
    if (batch.length === 1) {
      await settle(batch[0], batch[0].alone());
      return;
    }
    const now = this.clock.now();
    let results: unknown[];
    try {
      results = await this.uow.run(batch[0].target.communeCode, async (tx) => {
        const out: unknown[] = [];
        for (const b of batch) out.push(await b.run(tx, now));
        return out;
      });
    } catch {
      for (const b of batch) await settle(b, b.alone());
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]));
  }

  /**
   * Intake. `open` runs first, in the desk's commune, with its counters and the reference data
   * only, and checks every rule before anything is written; the pipeline then inserts the row it
   * returns in the dossier's (deciding) commune, makes that row the audit entry's target, and goes
   * on as {@link run} does, in that commune, with what `open` returned beside the context.
   */
  receive<K extends CommandRepository, O extends NewDossierContext, T>(
    desk: { readonly communeCode: string; readonly actor: string },
    uses: readonly K[],
    open: (scope: DeskScope, now: Date) => Promise<O>,
    work: (ctx: RoutingContext<K>, opened: O) => Promise<T>,
  ): Promise<T> {
    const now = this.clock.now();
    return this.uow.run(desk.communeCode, async (tx) => {
      const opened = await open({ communeCode: tx.communeCode, sequences: tx.sequences, reference: tx.reference }, now);
      // The dossier belongs to the commune that decides it (Decree 118/2025: possibly not the office's).
      const dtx = tx.forCommune(opened.dossier.communeCode);
      await dtx.dossiers.insert(opened.dossier);
      setAuditTarget(opened.dossier.id);
      const dossier: DossierEntity = { ...opened.dossier, lastSeq: 0, lastHash: '', createdAt: now, updatedAt: now };
      const journal = new DossierJournal(dtx, dossier);
      const { procedure, calendar, profile } = opened;
      const ctx: RoutingContext<K> = { tx: narrowed(dtx, uses), journal, dossier, procedure, calendar, profile, now, actor: desk.actor };
      return finish(ctx, journal, (c) => work(c, opened));
    });
  }
}

/** Commands of one process sharing a transaction at most. */
export const COMMAND_BATCH = 16;
/** Batches of one process in flight at once, each on its own connection. */
const COMMAND_BATCHES_IN_FLIGHT = 4;

/** A command waiting for its batch. */
interface Batched {
  readonly target: DossierTarget;
  /** Its lock, work and flush inside the batch's transaction. */
  readonly run: (tx: TransactionScope, now: Date) => Promise<unknown>;
  /** The same, in a transaction of its own. */
  readonly alone: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
}

async function settle(b: Batched, result: Promise<unknown>): Promise<void> {
  try {
    b.resolve(await result);
  } catch (e) {
    b.reject(e);
  }
}

/** The work, then the one flush. A work that throws writes nothing: the transaction rolls back. */
async function finish<K extends CommandRepository, T>(ctx: RoutingContext<K>, journal: DossierJournal, work: (ctx: RoutingContext<K>) => Promise<T>): Promise<T> {
  const result = await work(ctx);
  await journal.flush();
  return result;
}

/** Only the repositories named, so a cast cannot reach the others either. */
function narrowed<K extends CommandRepository>(tx: TransactionScope, uses: readonly K[]): CommandScope<K> {
  const scope: Record<string, unknown> = { communeCode: tx.communeCode };
  for (const name of uses) scope[name] = tx[name];
  return Object.freeze(scope) as CommandScope<K>;
}
