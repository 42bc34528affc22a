import { UNIT_KINDS, type UnitKind } from '@motcua/domain';

/**
 * One place owns the queue wiring (STYLE.md, after immich): every queue name, every job name and
 * the payload each job carries. Jobs carry ids only; consumers reload state from PostgreSQL.
 */
export const CONNECTOR_QUEUES = ['portal-sync', 'deadlines'] as const;
export type ConnectorQueue = (typeof CONNECTOR_QUEUES)[number];

/** Units are queues by kind, not by commune: one pool of workers per kind serves every commune. */
export type QueueName = UnitKind | ConnectorQueue;

export const ALL_QUEUES: readonly QueueName[] = [...UNIT_KINDS, ...CONNECTOR_QUEUES];

/** Is this a queue some consumer reads? (An outbox row naming another is refused, never lost in Redis.) */
export function isQueueName(value: string): value is QueueName {
  return (ALL_QUEUES as readonly string[]).includes(value);
}

export enum JobName {
  /**
   * A per-event portal push of older versions. Portal sync is the worker's portal syncer now
   * (a cursor per dossier, `portal_sync`); such jobs left in Redis, or replayed dead letters of
   * them, only lower the dossier's cursor to before their event.
   */
  PortalSync = 'portal-sync',
  /** Deliver a dossier to a unit: record the receipt and put the step in the unit's inbox. */
  Handoff = 'handoff',
  /** A deadline's moment came (reminder, due time, the citizen's supplement deadline). */
  Deadline = 'deadline',
}

/** Payload of {@link JobName.PortalSync} (older versions): the dossier and the event that changed it. */
export interface PortalSyncJob {
  readonly dossierId: string;
  readonly communeCode: string;
  readonly eventSeq: number;
}

/** Payload of {@link JobName.Handoff}, sent on the receiving unit's queue. */
export interface HandoffJob {
  readonly handoffId: string;
  readonly dossierId: string;
  readonly communeCode: string;
}

/**
 * What a deadline job checks when it fires (a delayed job, DESIGN.md §4.3):
 * - `step-due-soon`: warn the unit that a step is nearly due;
 * - `dossier-due-soon`: warn the desk one working day before the dossier is due;
 * - `dossier-due`: mark the dossier overdue and escalate to the supervisors;
 * - `supplement-due`: the citizen's deadline to supplement passed: reject.
 */
export type DeadlineKind = 'step-due-soon' | 'dossier-due-soon' | 'dossier-due' | 'supplement-due';

/** Payload of {@link JobName.Deadline}; `dueAt` is the deadline it was scheduled for (ISO). */
export interface DeadlineJob {
  readonly dossierId: string;
  readonly communeCode: string;
  readonly kind: DeadlineKind;
  readonly dueAt: string;
  readonly stepKey?: string;
}
