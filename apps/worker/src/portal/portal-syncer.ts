import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { scrubbedError } from '@motcua/config';
import type { DossierEntity, PortalBackoff, PortalSyncQueue, PortalSyncWork, UnitOfWork } from '@motcua/persistence';
import { PORTAL_EVENT_TYPES, type ReferenceCache } from '@motcua/workflow';
import { PortalError, type PortalClient, type PortalHeader } from './portal-client';
import { dossierHeader, progressItem } from './portal-payload';

export interface PortalSyncerOptions extends PortalBackoff {
  /** Dossiers claimed per round: one DongBoHoSoMC (two with new ones) and one CapNhatTienDoHoSoMC carry them all. */
  readonly batchSize: number;
  /** How often an idle syncer looks for due dossiers; what arrives meanwhile is coalesced. */
  readonly pollMs: number;
  /** How long a claim keeps other syncers off its dossiers; well above a round's calls and their timeouts. */
  readonly leaseMs: number;
  /** The portal client's per-call time limit: a round starts no call that could outlast its lease. */
  readonly callTimeoutMs: number;
}

/** What a round did with the dossiers it claimed, counted per status. */
export interface PortalRoundOutcome {
  synced: number;
  failed: number;
  /** State-secret dossiers whose row was dropped, and rows whose dossier is gone. */
  skipped: number;
  /** Left untried, the round being near the end of its lease: due again at once. */
  released: number;
}

/** Calls a round may make for one group: session, create, update, progress. */
const CALLS_PER_GROUP = 4;

/**
 * Syncs dossiers to the national portal (DESIGN.md §4.5) apart from the hand-off consumers: a
 * command only raises its dossier's `portal_sync.wanted_seq`, and this loop, in every worker
 * process, does the rest:
 * 1. one statement claims a batch of due dossiers with a lease (SKIP LOCKED: syncers of several
 *    processes take disjoint dossiers, so none is sent twice at once and each dossier's calls go
 *    in order);
 * 2. one statement reads their headers and their portal events after each cursor, in seq order;
 * 3. one DongBoHoSoMC (two when the batch has new dossiers besides known ones) stores the headers,
 *    each as of its last event, then one CapNhatTienDoHoSoMC appends every progress row in order;
 * 4. the cursors move to what was sent. No transaction is open during the calls.
 * A batch the portal refuses goes again dossier by dossier, so one bad dossier holds back no
 * other; a portal that is down fails the batch, each dossier then waits out its own exponential
 * backoff (capped) and is tried again, for as long as it takes: nothing is dropped. A killed
 * worker's claims run out after the lease and another syncer takes them.
 */
export class PortalSyncer {
  private readonly logger = new Logger('PortalSync');
  private readonly name = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private failures = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly portal: PortalClient,
    private readonly options: PortalSyncerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Drains what is due unless a drain is running; a full batch means more may wait. */
  kick(): void {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      while (!this.stopped && (await this.round()).claimed === this.options.batchSize) {
        // a full batch: more dossiers may be due
      }
    })().finally(() => (this.running = undefined));
  }

  /** One round: claim, read, send, record. Never throws; a database error is logged and the next poll tries again. */
  async round(): Promise<PortalRoundOutcome & { claimed: number }> {
    const outcome: PortalRoundOutcome = { synced: 0, failed: 0, skipped: 0, released: 0 };
    const claim = randomUUID();
    const leaseEnd = Date.now() + this.options.leaseMs;
    const queue = this.uow.acrossCommunes.portalSync;
    let claimed = 0;
    try {
      const rows = await queue.claim(this.options.batchSize, this.options.leaseMs, claim, this.name);
      claimed = rows.length;
      if (claimed === 0) return { ...outcome, claimed };
      const loaded = await queue.load(rows, PORTAL_EVENT_TYPES);
      const secret = loaded.filter((w) => w.dossier.stateSecret).map((w) => w.dossier.id);
      const gone = rows.filter((r) => !loaded.some((w) => w.dossier.id === r.dossierId)).map((r) => r.dossierId);
      await queue.forget([...secret, ...gone]);
      outcome.skipped = secret.length + gone.length;
      await this.send(queue, claim, leaseEnd, loaded.filter((w) => !w.dossier.stateSecret), outcome);
      if (this.failures > 0 && outcome.failed === 0) this.logger.log('portal sync recovered');
      this.failures = outcome.failed > 0 ? this.failures + 1 : 0;
    } catch (e) {
      this.logger.warn(`portal sync round failed (${scrubbedError(e).message}); the claims run out and are retried`);
    }
    return { ...outcome, claimed };
  }

  /** Sends the batch; a refusal splits it into single dossiers, each sent and recorded alone. */
  private async send(queue: PortalSyncQueue, claim: string, leaseEnd: number, work: PortalSyncWork[], outcome: PortalRoundOutcome): Promise<void> {
    const headerSynced = new Set<string>();
    const groups: PortalSyncWork[][] = [work];
    while (groups.length > 0) {
      const group = groups.shift()!;
      if (group.length === 0) continue;
      if (Date.now() + CALLS_PER_GROUP * this.options.callTimeoutMs > leaseEnd) {
        const left = [group, ...groups].flat().map((w) => w.dossier.id);
        await queue.release(claim, left);
        outcome.released += left.length;
        return;
      }
      try {
        await this.sendGroup(group, headerSynced);
      } catch (e) {
        if (group.length > 1 && e instanceof PortalError && e.refusal) {
          groups.unshift(...group.map((w) => [w]));
          continue;
        }
        const error = scrubbedError(e).message;
        await queue.markFailed(claim, group.map((w) => w.dossier.id), headerSynced, error, this.options);
        outcome.failed += group.length;
        if (this.failures === 0 || this.failures % 30 === 0) this.logger.warn(`portal sync of ${group.length} dossier(s) failed, retried with backoff: ${error}`);
        continue;
      }
      await queue.markSynced(
        claim,
        group.map((w) => ({ dossierId: w.dossier.id, fromSeq: w.claimed.syncedSeq, sentSeq: w.dossier.lastSeq })),
      );
      outcome.synced += group.length;
    }
  }

  /** The group's headers (as of each dossier's last event), then all their progress rows, each dossier's in seq order. */
  private async sendGroup(group: readonly PortalSyncWork[], headerSynced: Set<string>): Promise<void> {
    const headers: PortalHeader[] = [];
    for (const w of group) {
      const procedure = await this.refs.procedure(this.uow.reference, w.dossier.communeCode, w.dossier.procedureVersionId);
      headers.push({ header: dossierHeader(w.dossier, procedure), known: w.claimed.headerSynced || headerSynced.has(w.dossier.id) });
    }
    await this.portal.syncDossiers(headers);
    for (const w of group) headerSynced.add(w.dossier.id);
    await this.portal.appendProgress(group.flatMap((w) => w.events.map((e, i) => progressItem(stateAt(w.dossier, w.events, i), e))));
  }
}

/**
 * The dossier as of its `i`-th event read, for a progress row whose event names no state (an
 * apology): the state of the latest event before it that names one, else the current state.
 */
function stateAt(d: DossierEntity, events: PortalSyncWork['events'], i: number): DossierEntity {
  for (let j = i; j >= 0; j--) {
    const state = events[j].payload.state;
    if (typeof state === 'string') return state === d.state ? d : { ...d, state: state as DossierEntity['state'] };
  }
  return d;
}
