import type { Timeliness } from '../calendar/early-on-time-late';
import type { DossierState } from '../dossier/dossier-state';
import type { PortalStatusCode } from '../dossier/portal-status';

/**
 * The catalog of the dossier log: every event type, past tense (STYLE.md habit 2), and below the
 * shape of its payload. Payloads hold ids, codes and times, never ID or phone numbers. Times are
 * ISO 8601 strings: a payload is stored as jsonb and hashed into the chain exactly as written.
 *
 * Payloads are type aliases, not interfaces, so they stay assignable to `Record<string, unknown>`
 * (the JSON the event repository stores and hashes).
 *
 * Invariant: stored rows never change, so a payload type only ever gains optional fields; a
 * reader of old rows must not rely on a field added later.
 */
export const DossierEvents = {
  Received: 'DossierReceived',
  HandoffSent: 'HandoffSent',
  HandoffReceived: 'HandoffReceived',
  StepCompleted: 'StepCompleted',
  ResultReady: 'ResultReady',
  WorkItemTaken: 'WorkItemTaken',
  WorkItemReassigned: 'WorkItemReassigned',
  SupplementRequested: 'SupplementRequested',
  SupplementReceived: 'SupplementReceived',
  SupplementExpired: 'SupplementExpired',
  RejectedAfterAppraisal: 'RejectedAfterAppraisal',
  ResultSigned: 'ResultSigned',
  ApologyIssued: 'ApologyIssued',
  ResultReturned: 'ResultReturned',
  Withdrawn: 'Withdrawn',
  StepDueSoon: 'StepDueSoon',
  DossierDueSoon: 'DossierDueSoon',
  DossierOverdue: 'DossierOverdue',
} as const;

/** The type name of a dossier event, as stored in `dossier_events.type`. */
export type DossierEventType = (typeof DossierEvents)[keyof typeof DossierEvents];

/** Why a hand-off was carried on paper (DESIGN.md §4.2). */
export const PAPER_REASONS = ['originals_needed', 'state_secret', 'system_down', 'other'] as const;
export type PaperReason = (typeof PAPER_REASONS)[number];

/** How a hand-off travels: through the queues, or carried by hand and recorded by an officer. */
export type HandoffChannel = 'electronic' | 'paper';

/** An ISO 8601 instant (`Date.prototype.toISOString`), as payloads carry times. */
export type IsoInstant = string;

/** A unit kind's code (`UnitKind`) as stored: old rows may name kinds since retired. */
export type UnitCode = string;

/** One thing the citizen must add or complete (a line of Mẫu 02). */
export type SupplementItemPayload = {
  readonly name: string;
  readonly originals: number;
  readonly copies: number;
  readonly note?: string;
};

/** A document named in an event: its file name and the lower-case hex SHA-256 of its content. */
export type EventDocument = {
  readonly name: string;
  readonly sha256: string;
};

/** The dossier's state after the event, as the portal sees it too. */
export type StateChange = {
  readonly state: DossierState;
  readonly portalStatus: PortalStatusCode;
};

export type DossierReceivedPayload = StateChange & {
  readonly code: string;
  readonly procedureCode: string;
  readonly procedureVersion: number;
  readonly routeVersion: number;
  /** The route options chosen at intake. */
  readonly options: readonly string[];
  readonly channel: 'desk' | 'post' | 'online';
  readonly resultDelivery: 'desk' | 'post' | 'online';
  readonly stateSecret: boolean;
  readonly receivingOfficeCode: string;
  readonly receivingCommuneCode: string;
  readonly countedFrom: IsoInstant;
  readonly dueAt: IsoInstant;
};

export type HandoffSentPayload = {
  readonly handoffId: string;
  readonly stepKey: string;
  readonly fromUnit: UnitCode;
  readonly toUnit: UnitCode;
  readonly channel: HandoffChannel;
  /** Paper hand-offs only. */
  readonly reason?: PaperReason;
  readonly note?: string;
  readonly stepDueAt: IsoInstant | null;
};

export type HandoffReceivedPayload = {
  readonly handoffId: string;
  readonly stepKey: string;
  readonly unit: UnitCode;
  readonly channel: HandoffChannel;
};

export type StepCompletedPayload = StateChange & {
  readonly stepKey: string;
  readonly unit: UnitCode;
  /** Against the step's own due time; null for a step without one. */
  readonly timeliness: Timeliness | null;
  readonly notes?: string;
  /** What an automatic step's outside system answered, or a form's structured result. */
  readonly result?: Readonly<Record<string, unknown>>;
  readonly documents?: readonly EventDocument[];
};

export type ResultReadyPayload = StateChange & {
  /** Against the dossier's original due date; absent on the first rows written (before 2026-12). */
  readonly timeliness?: Timeliness;
};

export type WorkItemTakenPayload = {
  readonly stepKey: string;
  readonly unit: UnitCode;
  readonly assigneeId: string;
};

export type WorkItemReassignedPayload = {
  readonly stepKey: string;
  readonly unit: UnitCode;
  readonly fromAssigneeId: string | null;
  readonly assigneeId: string;
};

export type SupplementRequestedPayload = StateChange & {
  /** The request's number within the dossier, from 1. */
  readonly number: number;
  readonly stepKey: string;
  readonly unit: UnitCode;
  readonly reason: string;
  readonly items: readonly SupplementItemPayload[];
  readonly citizenDueAt: IsoInstant;
  readonly flagged: boolean;
};

export type SupplementReceivedPayload = StateChange & {
  readonly number: number;
  readonly via: 'desk' | 'online' | 'post';
  readonly note?: string;
  readonly documents?: readonly EventDocument[];
  readonly pausedWorkingMinutes: number;
  readonly dueAt: IsoInstant;
  readonly originalDueAt: IsoInstant;
};

export type SupplementExpiredPayload = {
  readonly citizenDueAt: IsoInstant;
};

/** What closing a dossier without a result records besides its own fields. */
export type ClosedWithoutResult = StateChange & {
  readonly reason: string;
  /** The step keys whose open work items were cancelled. */
  readonly cancelledSteps: readonly string[];
};

export type RejectedAfterAppraisalPayload = ClosedWithoutResult & {
  /** Null when the system rejected the dossier (supplement deadline passed). */
  readonly stepKey: string | null;
  readonly unit: UnitCode | null;
};

export type WithdrawnPayload = ClosedWithoutResult & {
  readonly requestedAt: IsoInstant;
};

export type ResultSignedPayload = {
  readonly stepKey: string;
  readonly signatureId: string;
  readonly keyId: string;
  readonly documentSha256: string;
};

export type ApologyIssuedPayload = {
  readonly reason: string;
  readonly originalDueAt: IsoInstant;
  readonly previousDueAt: IsoInstant;
  readonly newDueAt: IsoInstant;
  readonly inTime: boolean;
};

export type ResultReturnedPayload = StateChange & {
  readonly delivery: 'desk' | 'post';
  readonly receiverName?: string;
  readonly postalTrackingNumber?: string;
  readonly timeliness: Timeliness;
};

/** A reminder: the step's (with its key and unit) or the dossier's due time is near. */
export type DueSoonPayload = {
  readonly dueAt: IsoInstant;
  readonly stepKey?: string;
  readonly unit?: UnitCode;
};

export type DossierOverduePayload = {
  readonly dueAt: IsoInstant;
  readonly originalDueAt: IsoInstant;
  /** The audience the overdue notice went to. */
  readonly escalatedTo: string;
};

/** Each event type's payload. */
export interface DossierEventPayloads {
  [DossierEvents.Received]: DossierReceivedPayload;
  [DossierEvents.HandoffSent]: HandoffSentPayload;
  [DossierEvents.HandoffReceived]: HandoffReceivedPayload;
  [DossierEvents.StepCompleted]: StepCompletedPayload;
  [DossierEvents.ResultReady]: ResultReadyPayload;
  [DossierEvents.WorkItemTaken]: WorkItemTakenPayload;
  [DossierEvents.WorkItemReassigned]: WorkItemReassignedPayload;
  [DossierEvents.SupplementRequested]: SupplementRequestedPayload;
  [DossierEvents.SupplementReceived]: SupplementReceivedPayload;
  [DossierEvents.SupplementExpired]: SupplementExpiredPayload;
  [DossierEvents.RejectedAfterAppraisal]: RejectedAfterAppraisalPayload;
  [DossierEvents.ResultSigned]: ResultSignedPayload;
  [DossierEvents.ApologyIssued]: ApologyIssuedPayload;
  [DossierEvents.ResultReturned]: ResultReturnedPayload;
  [DossierEvents.Withdrawn]: WithdrawnPayload;
  [DossierEvents.StepDueSoon]: DueSoonPayload;
  [DossierEvents.DossierDueSoon]: DueSoonPayload;
  [DossierEvents.DossierOverdue]: DossierOverduePayload;
}

/** Any event's payload. */
export type DossierEventPayload = DossierEventPayloads[DossierEventType];

/**
 * An event with its payload typed by its type: a union over the catalog, so checking `type`
 * narrows `payload`.
 */
export type TypedDossierEvent<T extends DossierEventType = DossierEventType> = {
  [K in T]: { readonly type: K; readonly payload: DossierEventPayloads[K] };
}[T];

/** The event types whose payload carries the dossier's state and portal status ({@link StateChange}). */
export type StateChangeEventType = {
  [K in DossierEventType]: DossierEventPayloads[K] extends StateChange ? K : never;
}[DossierEventType];

/** Every {@link StateChangeEventType}, for readers that take the state from the log. */
export const STATE_CHANGE_EVENTS: readonly StateChangeEventType[] = [
  DossierEvents.Received,
  DossierEvents.StepCompleted,
  DossierEvents.ResultReady,
  DossierEvents.SupplementRequested,
  DossierEvents.SupplementReceived,
  DossierEvents.RejectedAfterAppraisal,
  DossierEvents.Withdrawn,
  DossierEvents.ResultReturned,
];

/**
 * Narrows a stored event (a row, a view of one) to the given types, so its payload is read with
 * the catalog's type. The payload is trusted to match its type: the log is written only through
 * the typed journal, and stored rows never change.
 */
export function isDossierEvent<E extends { readonly type: string; readonly payload: unknown }, T extends DossierEventType>(
  event: E,
  ...types: readonly T[]
): event is E & TypedDossierEvent<T> {
  return (types as readonly string[]).includes(event.type);
}

/**
 * SQL over the log names event types and payload keys through these, never as bare literals, so
 * renaming a type or a field in the catalog breaks the compile instead of a report. They take
 * identifiers from the catalog only, never user input, so they are safe to splice into SQL.
 */
export const EventSql = {
  /** The SQL literal of an event type (`'HandoffSent'`). */
  type(type: DossierEventType): string {
    return `'${type}'`;
  },
  /** A list of event types for `IN (…)`. */
  types(types: readonly DossierEventType[]): string {
    return types.map((t) => `'${t}'`).join(', ');
  },
  /** A payload field's name as an SQL literal, checked against a payload type: `key<StateChange>('state')`. */
  key<P extends object>(key: keyof P & string): string {
    return `'${key}'`;
  },
  /** `alias.payload->>'key'`: the field of an event of `type`, as text. */
  text<T extends DossierEventType>(alias: string, _type: T, key: keyof DossierEventPayloads[T] & string): string {
    return `${alias}.payload->>'${key}'`;
  },
} as const;

/** The state and portal status an event records, when its type carries them. */
export function stateChangeOf(event: { readonly type: string; readonly payload: unknown }): StateChange | undefined {
  return isDossierEvent(event, ...STATE_CHANGE_EVENTS) ? event.payload : undefined;
}
