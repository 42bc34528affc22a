import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';

/** How a stub misbehaves, for tests: fail with an error, answer slowly, or never answer. */
export interface FaultPlan {
  mode: 'none' | 'fail' | 'slow' | 'timeout';
  /** How many calls the fault applies to; omitted = until cleared. */
  remaining?: number;
  delayMs?: number;
}

/** The outside systems this process stands in for; each has its own fault plan. */
export const STUB_SYSTEMS = ['portal', 'payment', 'population', 'bhxh'] as const;
export type StubSystem = (typeof STUB_SYSTEMS)[number];

const MODES: readonly FaultPlan['mode'][] = ['none', 'fail', 'slow', 'timeout'];

/** One system's current fault plan; each call to {@link FaultSwitch.take} consumes one unit of it. */
export class FaultSwitch {
  private plan: FaultPlan = { mode: 'none' };

  set(plan: FaultPlan): void {
    this.plan = { ...plan };
  }

  /** Consumes one unit of the current fault and returns it. */
  take(): FaultPlan {
    const f = this.plan;
    if (f.mode === 'none') return f;
    if (f.remaining !== undefined) {
      f.remaining -= 1;
      if (f.remaining <= 0) this.plan = { mode: 'none' };
    }
    return { ...f };
  }

  reset(): void {
    this.plan = { mode: 'none' };
  }
}

/** Checks the system name of `PUT /stub/fault/:system` (404 for an unknown one). */
export function parseSystem(system: string): StubSystem {
  if (!(STUB_SYSTEMS as readonly string[]).includes(system)) {
    throw new NotFoundException({ error: 'unknown_system', message: `Không có hệ thống giả lập "${system}"` });
  }
  return system as StubSystem;
}

/** Checks a fault plan body, so a typo in a test fails loudly instead of injecting nothing. */
export function parseFaultPlan(body: unknown): FaultPlan {
  const b = (body ?? {}) as Record<string, unknown>;
  const bad = (message: string) => new BadRequestException({ error: 'invalid_fault', message });
  if (!MODES.includes(b.mode as FaultPlan['mode'])) throw bad(`mode phải là một trong ${MODES.join(', ')}`);
  const plan: FaultPlan = { mode: b.mode as FaultPlan['mode'] };
  if (b.remaining !== undefined) {
    if (!Number.isSafeInteger(b.remaining) || (b.remaining as number) < 1) throw bad('remaining phải là số nguyên dương');
    plan.remaining = b.remaining as number;
  }
  if (b.delayMs !== undefined) {
    if (!Number.isSafeInteger(b.delayMs) || (b.delayMs as number) < 0) throw bad('delayMs phải là số nguyên không âm');
    plan.delayMs = b.delayMs as number;
  }
  return plan;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Plays one unit of a system's fault before the real work: `timeout` never answers (the caller's
 * own timeout ends the call), `slow` answers after `delayMs` (the work is still done, as a real
 * system would), `fail` answers HTTP 503 with `systemName` in the Vietnamese message.
 */
export async function playFault(faults: FaultSwitch, systemName: string): Promise<void> {
  const fault = faults.take();
  if (fault.mode === 'timeout') await new Promise(() => undefined);
  if (fault.mode === 'slow') await sleep(fault.delayMs ?? 2000);
  if (fault.mode === 'fail') {
    throw new ServiceUnavailableException({ error: 'unavailable', message: `${systemName} tạm thời không phản hồi (giả lập)` });
  }
}
