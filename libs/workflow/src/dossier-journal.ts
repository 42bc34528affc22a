import type { DeadlineTimer, DossierEntity, OutboxMessage, TransactionScope } from '@motcua/persistence';
import type { DossierEventPayloads, DossierEventType, DossierState, TypedDossierEvent } from '@motcua/domain';
import { JobName, type PortalSyncJob } from '@motcua/messaging';

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
 * Events marked for the portal get a portal-sync message, unless the dossier is state-secret.
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
    if (!this.dossier.stateSecret) {
      this.events.forEach((e, i) => {
        if (!e.portal) return;
        const job: PortalSyncJob = { dossierId: this.dossier.id, communeCode: this.dossier.communeCode, eventSeq: this.dossier.lastSeq + i + 1 };
        this.messages.push({ queue: 'portal-sync', jobName: JobName.PortalSync, payload: { ...job } });
      });
    }
    const head = await this.tx.events.append(
      { dossierId: this.dossier.id, lastSeq: this.dossier.lastSeq, lastHash: this.dossier.lastHash },
      { events: this.events, state: this.state, messages: this.messages, timers: this.timers },
    );
    return head.lastSeq;
  }
}
