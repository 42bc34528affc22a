import { DossierEvents, isDossierEvent, judgeTimeliness, type Timeliness, toLocalDate } from '@motcua/domain';

/** One row of `dossier_events` as the projector reads it. */
export interface ProjectedEvent {
  /** bigint, as text. */
  readonly id: string;
  readonly communeCode: string;
  readonly dossierId: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly occurredAt: Date;
}

/** What every event of a dossier is filed under: from its DossierReceived event and the catalog (procedure → field). */
export interface DossierFiling {
  readonly code: string;
  readonly procedureCode: string;
  readonly fieldCode: string;
  readonly stateSecret: boolean;
  readonly channel: 'desk' | 'post' | 'online';
  readonly receivingCommuneCode: string;
  readonly receivedAt: Date;
  readonly dueAt: string;
}

/** The counters of one daily rollup row, by column name. */
export const ROLLUP_COUNTERS = [
  'received_online',
  'received_desk',
  'received_post',
  'resolved_early',
  'resolved_on_time',
  'resolved_late',
  'rejected',
  'withdrawn',
  'returned',
  'supplements_requested',
  'apologies',
  'apologies_in_time',
  'became_overdue',
  'handoffs_sent_electronic',
  'handoffs_sent_paper',
  'handoffs_received_electronic',
  'handoffs_received_paper',
  'steps_completed',
  'steps_early',
  'steps_on_time',
  'steps_late',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];

/** The key of a daily rollup row; `unit` is '' for the dossier-level counts (received, resolved…). */
export interface RollupKey {
  readonly day: string;
  readonly communeCode: string;
  readonly unit: string;
  readonly procedureCode: string;
  readonly fieldCode: string;
  readonly stateSecret: boolean;
}

export type RollupDelta = RollupKey & { counts: Partial<Record<RollupCounter, number>> };

const stepCounter: Record<Timeliness, RollupCounter> = { early: 'steps_early', on_time: 'steps_on_time', late: 'steps_late' };
const resolvedCounter: Record<Timeliness, RollupCounter> = { early: 'resolved_early', on_time: 'resolved_on_time', late: 'resolved_late' };

/**
 * What a batch of events adds to the daily rollups, summed per row key. Days are Vietnam local
 * dates (UTC+7) of `occurred_at`. A dossier is resolved when its result is ready: early / on time /
 * late is the ResultReady payload's `timeliness` (judged against the original due date, DOMAIN.md
 * decisions 5 and 6); rows written before that field existed are judged the same way here, by
 * calendar day against the due date the dossier was received with.
 */
export function rollupDeltas(events: readonly ProjectedEvent[], filings: ReadonlyMap<string, DossierFiling>): RollupDelta[] {
  const rows = new Map<string, RollupDelta>();
  const add = (e: ProjectedEvent, f: DossierFiling, unit: string, counter: RollupCounter): void => {
    const key: RollupKey = { day: toLocalDate(e.occurredAt), communeCode: e.communeCode, unit, procedureCode: f.procedureCode, fieldCode: f.fieldCode, stateSecret: f.stateSecret };
    const k = `${key.communeCode}|${key.day}|${unit}|${key.procedureCode}|${key.fieldCode}|${key.stateSecret}`;
    let row = rows.get(k);
    if (!row) rows.set(k, (row = { ...key, counts: {} }));
    row.counts[counter] = (row.counts[counter] ?? 0) + 1;
  };
  for (const e of events) {
    const f = filings.get(e.dossierId);
    if (!f) continue;
    if (isDossierEvent(e, DossierEvents.Received)) add(e, f, '', `received_${e.payload.channel}`);
    else if (isDossierEvent(e, DossierEvents.ResultReady)) add(e, f, '', resolvedCounter[e.payload.timeliness ?? judgeTimeliness(e.occurredAt, new Date(f.dueAt))]);
    else if (isDossierEvent(e, DossierEvents.RejectedAfterAppraisal)) add(e, f, e.payload.unit ?? '', 'rejected');
    else if (isDossierEvent(e, DossierEvents.Withdrawn)) add(e, f, '', 'withdrawn');
    else if (isDossierEvent(e, DossierEvents.ResultReturned)) add(e, f, '', 'returned');
    else if (isDossierEvent(e, DossierEvents.SupplementRequested)) add(e, f, e.payload.unit, 'supplements_requested');
    else if (isDossierEvent(e, DossierEvents.ApologyIssued)) {
      add(e, f, '', 'apologies');
      if (e.payload.inTime) add(e, f, '', 'apologies_in_time');
    } else if (isDossierEvent(e, DossierEvents.DossierOverdue)) add(e, f, '', 'became_overdue');
    else if (isDossierEvent(e, DossierEvents.HandoffSent)) add(e, f, e.payload.fromUnit, `handoffs_sent_${e.payload.channel}`);
    else if (isDossierEvent(e, DossierEvents.HandoffReceived)) add(e, f, e.payload.unit, `handoffs_received_${e.payload.channel}`);
    else if (isDossierEvent(e, DossierEvents.StepCompleted)) {
      add(e, f, e.payload.unit, 'steps_completed');
      if (e.payload.timeliness) add(e, f, e.payload.unit, stepCounter[e.payload.timeliness]);
    }
  }
  return [...rows.values()];
}

/** Hồ sơ trong danh sách tra cứu — one row of the dossier search list. */
export interface DossierListRow {
  dossierId: string;
  communeCode: string;
  code: string;
  receivingCommuneCode: string;
  procedureCode: string;
  fieldCode: string;
  channel: string;
  stateSecret: boolean;
  state: string;
  receivedAt: string;
  dueAt: string;
  originalDueAt: string;
  resolvedAt: string | null;
  timeliness: Timeliness | null;
  overdue: boolean;
  apologyIssued: boolean;
  supplements: number;
  /** Step key → the unit that holds it: sent to it and not completed yet. */
  openSteps: Record<string, string>;
  currentUnits: string[];
  /** bigint as text: the last event folded in. */
  lastEventId: string;
}

/** Moves a dossier's search-list row on by one event; `row` is undefined before its DossierReceived. */
export function foldDossierRow(row: DossierListRow | undefined, e: ProjectedEvent, f: DossierFiling | undefined): DossierListRow | undefined {
  if (isDossierEvent(e, DossierEvents.Received)) {
    return {
      dossierId: e.dossierId,
      communeCode: e.communeCode,
      code: e.payload.code,
      receivingCommuneCode: e.payload.receivingCommuneCode,
      procedureCode: e.payload.procedureCode,
      fieldCode: f?.fieldCode ?? '',
      channel: e.payload.channel,
      stateSecret: e.payload.stateSecret,
      state: e.payload.state,
      receivedAt: e.occurredAt.toISOString(),
      dueAt: new Date(e.payload.dueAt).toISOString(),
      originalDueAt: new Date(e.payload.dueAt).toISOString(),
      resolvedAt: null,
      timeliness: null,
      overdue: false,
      apologyIssued: false,
      supplements: 0,
      openSteps: {},
      currentUnits: [],
      lastEventId: e.id,
    };
  }
  if (!row || BigInt(e.id) <= BigInt(row.lastEventId)) return row;
  const next: DossierListRow = { ...row, openSteps: { ...row.openSteps }, lastEventId: e.id };
  if ('state' in e.payload && typeof e.payload.state === 'string') next.state = e.payload.state;
  const resolve = (): void => {
    next.resolvedAt = e.occurredAt.toISOString();
    next.openSteps = {};
  };
  if (isDossierEvent(e, DossierEvents.HandoffSent)) next.openSteps[e.payload.stepKey] = e.payload.toUnit;
  else if (isDossierEvent(e, DossierEvents.StepCompleted)) delete next.openSteps[e.payload.stepKey];
  else if (isDossierEvent(e, DossierEvents.SupplementRequested)) next.supplements += 1;
  else if (isDossierEvent(e, DossierEvents.SupplementReceived)) {
    next.dueAt = new Date(e.payload.dueAt).toISOString();
    next.originalDueAt = new Date(e.payload.originalDueAt).toISOString();
  } else if (isDossierEvent(e, DossierEvents.ApologyIssued)) {
    next.apologyIssued = true;
    next.dueAt = new Date(e.payload.newDueAt).toISOString();
  } else if (isDossierEvent(e, DossierEvents.DossierOverdue)) next.overdue = true;
  else if (isDossierEvent(e, DossierEvents.ResultReady)) {
    resolve();
    next.timeliness = e.payload.timeliness ?? judgeTimeliness(e.occurredAt, new Date(next.originalDueAt));
    if (next.timeliness === 'late') next.overdue = true;
  } else if (isDossierEvent(e, DossierEvents.RejectedAfterAppraisal, DossierEvents.Withdrawn)) resolve();
  next.currentUnits = [...new Set(Object.values(next.openSteps))].sort();
  return next;
}
