import { UNIT_KINDS, type UnitKind } from '@motcua/domain';

/**
 * One place owns the queue wiring (STYLE.md, after immich): every queue name, every job name and
 * the payload each job carries. Jobs carry ids only; consumers reload state from PostgreSQL.
 */
export const CONNECTOR_QUEUES = ['portal-sync'] as const;
export type ConnectorQueue = (typeof CONNECTOR_QUEUES)[number];

/** Units are queues by kind, not by commune: one pool of workers per kind serves every commune. */
export type QueueName = UnitKind | ConnectorQueue;

export const ALL_QUEUES: readonly QueueName[] = [...UNIT_KINDS, ...CONNECTOR_QUEUES];

export enum JobName {
  /** Push a dossier's new status to the national portal (DongBoHoSoMC / CapNhatTienDoHoSoMC). */
  PortalSync = 'portal-sync',
  /** Deliver a dossier to a unit: record the receipt and put the step in the unit's inbox. */
  Handoff = 'handoff',
}

/** Payload of {@link JobName.PortalSync}: the dossier and the event that changed it. */
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
