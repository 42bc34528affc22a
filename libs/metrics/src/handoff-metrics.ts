import { type HandoffMetricOutcome, handoffLatency, handoffsTotal } from './metrics';

/** Outcomes in which this delivery recorded the hand-off's receipt. */
const RECEIVED_NOW: ReadonlySet<string> = new Set(['received', 'completed', 'needs_officer']);

/**
 * Counts a hand-off job's outcome per receiving unit and, when this delivery recorded the
 * receipt, observes its latency: now minus `queuedAt`, the job's creation in the unit's queue
 * (BullMQ's `job.timestamp`, set by the relay just after the sender's commit; a retried job keeps
 * it, so retries count in its latency). It costs no query on the hand-off path. A `duplicate`
 * (BullMQ delivered it again) is counted but not timed. A throw counts as `failed` and goes on.
 */
export async function countHandoff<T extends string>(unit: string, queuedAt: number, work: () => Promise<T>): Promise<T> {
  let outcome: T;
  try {
    outcome = await work();
  } catch (e) {
    handoffsTotal.inc({ unit, outcome: 'failed' satisfies HandoffMetricOutcome });
    throw e;
  }
  handoffsTotal.inc({ unit, outcome });
  if (RECEIVED_NOW.has(outcome)) handoffLatency.observe({ unit }, Math.max(0, (Date.now() - queuedAt) / 1000));
  return outcome;
}
