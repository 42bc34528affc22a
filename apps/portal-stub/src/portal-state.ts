import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type FaultPlan, FaultSwitch } from './fault-plan';

export type { FaultPlan } from './fault-plan';

/** One dossier as the national portal knows it (DongBoHoSoMC header). */
export interface PortalDossier {
  header: Record<string, unknown>;
  progress: Record<string, unknown>[];
  createdAt: string;
  updates: number;
}

/**
 * One call of the integration service exactly as it arrived, before the fault plan or the
 * portal's own dedupe (a repeated create refused, a repeated progress row replaced) had a say:
 * what a test asserts "sent once" on. Names the dossiers and rows, never their personal data.
 */
export interface PortalCall {
  readonly service: string;
  readonly isUpdating: boolean;
  /** `MaHoSo` of every item in `data`. */
  readonly dossierCodes: string[];
  /** `IdTienDo` of every progress item. */
  readonly progressIds: string[];
  /** The status each item carries, in order: `TrangThaiHoSo` of a header, `TrangThai` of a progress row. */
  readonly statuses: string[];
  /** The fault played on this call (`none` if it reached the portal's logic). */
  readonly fault: FaultPlan['mode'];
  /** The portal's answer; absent while unanswered (a `timeout` fault never answers). */
  errorCode?: string;
}

/** The stand-in portal's own state: sessions, dossiers and progress rows, fault plan, call log. */
@Injectable()
export class PortalState {
  readonly sessions = new Set<string>();
  readonly dossiers = new Map<string, PortalDossier>();
  calls = 0;
  /** Every integration call in arrival order (see {@link PortalCall}). */
  readonly log: PortalCall[] = [];
  readonly faults = new FaultSwitch();

  newSession(): string {
    const s = randomUUID();
    this.sessions.add(s);
    return s;
  }

  setFault(plan: FaultPlan): void {
    this.faults.set(plan);
  }

  /** Consumes one unit of the current fault and returns it. */
  takeFault(): FaultPlan {
    return this.faults.take();
  }

  reset(): void {
    this.sessions.clear();
    this.dossiers.clear();
    this.calls = 0;
    this.log.length = 0;
    this.faults.reset();
  }
}
