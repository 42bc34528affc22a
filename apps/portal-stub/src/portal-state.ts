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

/** The stand-in portal's own state: sessions, dossiers and progress rows, fault plan. */
@Injectable()
export class PortalState {
  readonly sessions = new Set<string>();
  readonly dossiers = new Map<string, PortalDossier>();
  calls = 0;
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
    this.faults.reset();
  }
}
