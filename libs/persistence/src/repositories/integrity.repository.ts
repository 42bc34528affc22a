import type { EntityManager } from 'typeorm';
import { type BrokenLink, type ChainedEvent, verifyChain } from '@motcua/domain';

/** A dossier whose event chain is broken, with the first bad link. */
export interface BrokenChain extends BrokenLink {
  readonly dossierCode: string;
}

/** A dossier that breaks an invariant of DESIGN.md §5. */
export interface InvariantViolation {
  readonly dossierCode: string;
  readonly rule: 'in_progress_without_pending_work';
  readonly detail: string;
}

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

  /** Dossiers in progress with neither a step in an inbox nor a hand-off on its way: lost. */
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
}
