import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** How the stub misbehaves, for tests: fail with an error, answer slowly, or never answer. */
export interface FaultPlan {
  mode: 'none' | 'fail' | 'slow' | 'timeout';
  /** How many calls the fault applies to; omitted = until cleared. */
  remaining?: number;
  delayMs?: number;
}

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
  private fault: FaultPlan = { mode: 'none' };

  newSession(): string {
    const s = randomUUID();
    this.sessions.add(s);
    return s;
  }

  setFault(plan: FaultPlan): void {
    this.fault = { ...plan };
  }

  /** Consumes one unit of the current fault and returns it. */
  takeFault(): FaultPlan {
    const f = this.fault;
    if (f.mode === 'none') return f;
    if (f.remaining !== undefined) {
      f.remaining -= 1;
      if (f.remaining <= 0) this.fault = { mode: 'none' };
    }
    return f;
  }

  reset(): void {
    this.sessions.clear();
    this.dossiers.clear();
    this.calls = 0;
    this.fault = { mode: 'none' };
  }
}
