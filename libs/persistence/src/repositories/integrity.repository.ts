import type { EntityManager } from 'typeorm';
import { type BrokenLink, type ChainedEvent, DossierEvents, EventSql, type StateChange, verifyChain } from '@motcua/domain';

const RECEIVED = EventSql.type(DossierEvents.Received);
const SENT = EventSql.type(DossierEvents.HandoffSent);
/** The payload key of the state an event records (any type whose payload is a {@link StateChange}). */
const STATE = EventSql.key<StateChange>('state');

/** A dossier whose event chain is broken, with the first bad link. */
export interface BrokenChain extends BrokenLink {
  readonly dossierCode: string;
}

/** The invariants `check-invariants` checks (DESIGN.md §5). */
export type InvariantRule =
  | 'in_progress_without_pending_work'
  | 'handoff_not_received'
  | 'automatic_step_stalled'
  | 'outbox_dead'
  | 'state_disagrees_with_log';

/** A dossier (or an outbox row of none) that breaks an invariant. */
export interface InvariantViolation {
  readonly dossierCode: string;
  readonly rule: InvariantRule;
  readonly detail: string;
}

/**
 * The conservation identity over the whole database: every dossier the log says was received is
 * in exactly one state, counted from the dossiers table —
 * received = not yet handed on + in progress + waiting for supplement + resolved (result ready
 * or returned) + rejected + withdrawn. `unaccounted` (received with no known after-receipt state,
 * or a row without its receipt event) must be 0.
 */
export interface Conservation {
  readonly received: number;
  readonly byState: Readonly<Record<string, number>>;
  readonly unaccounted: number;
}

/** The states a received dossier can be in; the right-hand side of the identity. */
const AFTER_RECEIPT = ['received', 'in_progress', 'waiting_supplement', 'result_ready', 'returned', 'rejected_after_appraisal', 'withdrawn'];

/**
 * Whole-database checks run by the operator's commands: the hash chain of every dossier's
 * events, and the "no dossier is lost" invariants. They read in batches of dossiers, so they run
 * beside live traffic.
 */
export class IntegrityRepository {
  constructor(private readonly m: EntityManager) {}

  /** Verifies every dossier's chain; calls `onBroken` for each broken one. Returns dossiers checked. */
  async verifyChains(onBroken: (b: BrokenChain) => void, batchSize = 500): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let checked = 0;
    for (;;) {
      const dossiers = (await this.m.query(
        `SELECT id, code, last_seq, last_hash FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, batchSize],
      )) as { id: string; code: string; last_seq: number; last_hash: string }[];
      if (dossiers.length === 0) return checked;
      const events = (await this.m.query(
        `SELECT dossier_id AS "dossierId", seq, type, payload, actor, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash
           FROM dossier_events WHERE dossier_id = ANY($1::uuid[]) ORDER BY dossier_id, seq`,
        [dossiers.map((d) => d.id)],
      )) as ChainedEvent[];
      const byDossier = new Map<string, ChainedEvent[]>();
      for (const e of events) byDossier.set(e.dossierId, [...(byDossier.get(e.dossierId) ?? []), e]);
      for (const d of dossiers) {
        const chain = byDossier.get(d.id) ?? [];
        const broken = verifyChain(chain);
        if (broken) onBroken({ ...broken, dossierCode: d.code });
        else if (chain.length !== d.last_seq || (chain.length > 0 && chain[chain.length - 1].hash !== d.last_hash)) {
          // The log ends before the head the dossier row points at: events were removed from the end.
          onBroken({ dossierId: d.id, dossierCode: d.code, seq: chain.length + 1, reason: 'sequence_gap' });
        }
        checked += 1;
      }
      after = dossiers[dossiers.length - 1].id;
    }
  }

  /**
   * Every invariant violation: dossiers in progress that nothing will move on (no step in an
   * inbox, no hand-off unreceived), hand-offs given up after their re-sends (reported as such,
   * not as lost as well), automatic steps not completed `automaticAfterMs` after their last drive,
   * dead outbox rows, and dossiers whose state is not the one their event log ends in.
   */
  async violations(automaticAfterMs: number): Promise<InvariantViolation[]> {
    const stranded = await this.strandedDossiers();
    const givenUp = (await this.m.query(
      `SELECT d.code, h.step_key, h.to_unit, h.resend_count FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id
        WHERE h.given_up_at IS NOT NULL AND h.received_at IS NULL ORDER BY d.code, h.step_key`,
    )) as { code: string; step_key: string; to_unit: string; resend_count: number }[];
    const stalled = (await this.m.query(
      `SELECT d.code, w.step_key, w.automatic, w.redrive_count FROM work_items w JOIN dossiers d ON d.id = w.dossier_id
        WHERE w.automatic IS NOT NULL AND w.status = 'pending' AND d.state IN ('in_progress', 'waiting_supplement')
          AND COALESCE(w.redriven_at, w.created_at) < now() - make_interval(secs => $1 / 1000.0)
        ORDER BY d.code, w.step_key`,
      [automaticAfterMs],
    )) as { code: string; step_key: string; automatic: string; redrive_count: number }[];
    const dead = (await this.m.query(
      `SELECT o.id::text AS id, d.code, o.queue, o.job_name, o.attempts, o.last_error FROM outbox o
         LEFT JOIN dossiers d ON d.id::text = o.payload->>'dossierId'
        WHERE o.dead_at IS NOT NULL ORDER BY o.id`,
    )) as { id: string; code: string | null; queue: string; job_name: string; attempts: number; last_error: string | null }[];
    return [
      ...stranded,
      ...givenUp.map((r) => ({
        dossierCode: r.code,
        rule: 'handoff_not_received' as const,
        detail: `lượt chuyển bước ${r.step_key} đến ${r.to_unit} chưa được tiếp nhận sau ${r.resend_count} lần gửi lại`,
      })),
      ...stalled.map((r) => ({
        dossierCode: r.code,
        rule: 'automatic_step_stalled' as const,
        detail: `bước tự động ${r.step_key} (${r.automatic}) đã tiếp nhận nhưng chưa hoàn thành (${r.redrive_count} lần chạy lại)`,
      })),
      ...dead.map((r) => ({
        dossierCode: r.code ?? '-',
        rule: 'outbox_dead' as const,
        detail: `tin outbox ${r.id} (${r.queue}/${r.job_name}) bị từ chối ${r.attempts} lần: ${r.last_error ?? ''}`,
      })),
      ...(await this.statesAgainstLog()),
    ];
  }

  /** Dossiers in progress with neither a step in an inbox nor a hand-off unreceived: lost. */
  async strandedDossiers(): Promise<InvariantViolation[]> {
    const rows = (await this.m.query(
      `SELECT d.code FROM dossiers d
        WHERE d.state = 'in_progress'
          AND NOT EXISTS (SELECT 1 FROM work_items w WHERE w.dossier_id = d.id AND w.status IN ('pending', 'taken'))
          AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.dossier_id = d.id AND h.received_at IS NULL)
        ORDER BY d.code`,
    )) as { code: string }[];
    return rows.map((r) => ({
      dossierCode: r.code,
      rule: 'in_progress_without_pending_work' as const,
      detail: 'đang xử lý nhưng không có bước chờ xử lý và không có lượt chuyển đang đi',
    }));
  }

  /**
   * Dossiers whose state column is not the state their event log ends in: the state of the last
   * event that records one, where the intake's `received` became `in_progress` with the first
   * HandoffSent (the desk forwards at once, and that move records no state of its own).
   */
  private async statesAgainstLog(batchSize = 1000): Promise<InvariantViolation[]> {
    const out: InvariantViolation[] = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await this.m.query(
        `SELECT d.id, d.code, d.state,
                CASE WHEN s.state = 'received' AND EXISTS (SELECT 1 FROM dossier_events h WHERE h.dossier_id = d.id AND h.type = ${SENT} AND h.seq > s.seq)
                     THEN 'in_progress' ELSE s.state END AS logged
           FROM dossiers d
           LEFT JOIN LATERAL (SELECT e.seq, e.payload->>${STATE} AS state FROM dossier_events e
                               WHERE e.dossier_id = d.id AND e.payload ? ${STATE} ORDER BY e.seq DESC LIMIT 1) s ON true
          WHERE d.id > $1 ORDER BY d.id LIMIT $2`,
        [after, batchSize],
      )) as { id: string; code: string; state: string; logged: string | null }[];
      if (rows.length === 0) return out;
      for (const r of rows) {
        if (r.logged !== r.state) {
          out.push({ dossierCode: r.code, rule: 'state_disagrees_with_log', detail: `trạng thái ${r.state}, nhật ký ghi ${r.logged ?? '(không có)'}` });
        }
      }
      after = rows[rows.length - 1].id;
    }
  }

  /** The conservation identity (see {@link Conservation}). */
  async conservation(): Promise<Conservation> {
    const [{ received }] = (await this.m.query(
      `SELECT count(DISTINCT dossier_id)::int AS received FROM dossier_events WHERE type = ${RECEIVED}`,
    )) as { received: number }[];
    const states = (await this.m.query(
      `SELECT d.state, count(*)::int AS n FROM dossiers d
        WHERE EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.type = ${RECEIVED})
        GROUP BY d.state`,
    )) as { state: string; n: number }[];
    const byState: Record<string, number> = Object.fromEntries(AFTER_RECEIPT.map((s) => [s, 0]));
    let accounted = 0;
    for (const r of states) {
      byState[r.state] = r.n;
      if (AFTER_RECEIPT.includes(r.state)) accounted += r.n;
    }
    return { received, byState, unaccounted: received - accounted };
  }
}
