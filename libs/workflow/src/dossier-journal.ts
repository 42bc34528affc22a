import type { DeadlineTimer, DossierEntity, OutboxMessage, TransactionScope } from '@motcua/persistence';
import type { DossierEventPayloads, DossierEventType, DossierState, TypedDossierEvent } from '@motcua/domain';
import { isPortalEventType } from './portal-events';

type Pending = TypedDossierEvent & {
  readonly actor: string;
  readonly occurredAt: Date;
  readonly portal: boolean;
};

/**
 * Collects what one command does to one dossier: its events, its new state, the messages to
 * send and the reminders to set. `flush` appends the events to the hash chain (moving the state
 * with the head) and writes the outbox rows and the timers, in one statement of the command's
 * transaction.
 * Events marked for the portal raise the dossier's portal-sync mark to the last of them, in the
 * same statement (the worker's portal syncer sends them later, in order), unless the dossier is
 * state-secret: nothing of it is ever marked.
 */
export class DossierJournal {
  private readonly events: Pending[] = [];
  private readonly messages: OutboxMessage[] = [];
  private readonly timers: DeadlineTimer[] = [];
  private state?: DossierState;

  constructor(
    private readonly tx: TransactionScope,
    private readonly dossier: Pick<DossierEntity, 'id' | 'communeCode' | 'lastSeq' | 'lastHash' | 'stateSecret'>,
  ) {}

  /**
   * Records an event of the catalog: its payload must have the shape the catalog gives its type
   * (a literal type; a union of types would accept any of their payloads).
   */
  record<T extends DossierEventType>(type: T, payload: DossierEventPayloads[T], actor: string, occurredAt: Date, opts: { portal?: boolean } = {}): void {
    this.events.push({ type, payload, actor, occurredAt, portal: opts.portal ?? false } as Pending);
  }

  /** The dossier's new state, written with the chain head when the journal is flushed. */
  setState(state: DossierState): void {
    this.state = state;
  }

  send(message: OutboxMessage): void {
    this.messages.push(message);
  }

  /** Sets a reminder (a row of the timer table), written with the events. */
  timer(timer: DeadlineTimer): void {
    this.timers.push(timer);
  }

  /** Writes the events, the state and the messages; returns the new head sequence number. */
  async flush(): Promise<number> {
    let portalUpTo: number | undefined;
    this.events.forEach((e, i) => {
      if (!e.portal) return;
      // The syncer sends only events of the portal types: a marked event of another type would be passed over.
      if (!isPortalEventType(e.type)) throw new Error(`${e.type} is marked for the portal but is not a portal event type (PORTAL_EVENT_TYPES)`);
      if (!this.dossier.stateSecret) portalUpTo = this.dossier.lastSeq + i + 1;
    });
    const head = await this.tx.events.append(
      { dossierId: this.dossier.id, lastSeq: this.dossier.lastSeq, lastHash: this.dossier.lastHash },
      { events: this.events, state: this.state, messages: this.messages, timers: this.timers, portalUpTo },
    );
    return head.lastSeq;
  }
}
