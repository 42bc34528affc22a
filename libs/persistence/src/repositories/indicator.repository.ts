import { DossierEvents, EventSql, type HandoffSentPayload } from '@motcua/domain';
import { CommuneRepository } from '../tenancy';

const RECEIVED = EventSql.type(DossierEvents.Received);
const SENT = EventSql.type(DossierEvents.HandoffSent);
/** A DossierReceived row's state-secret flag, false when absent. */
const secretOf = (alias: string): string => `coalesce((${EventSql.text(alias, DossierEvents.Received, 'stateSecret')})::boolean, false)`;
const sent = (alias: string, key: keyof HandoffSentPayload & string): string => EventSql.text(alias, DossierEvents.HandoffSent, key);

/** Counts behind the electronic-circulation indicator (DOMAIN.md decision 9). */
export interface ElectronicShareCounts {
  /** Dossiers received in the period that needed at least one hand-off, state secrets excluded. */
  readonly dossiers: number;
  /** …of which every hand-off went through the system. */
  readonly dossiersElectronic: number;
  /** State-secret dossiers received in the period, left out of the denominator. */
  readonly stateSecretExcluded: number;
  /** Hand-offs sent in the period (state secrets excluded). */
  readonly handoffs: number;
  readonly handoffsElectronic: number;
  /** Hand-off counts by receiving unit. */
  readonly byUnit: readonly { unit: string; handoffs: number; electronic: number }[];
}

/**
 * Indicator queries. Everything here is recomputed from the event log (dossier_events), which is
 * what the rollups of the dashboards must agree with.
 */
export class IndicatorRepository extends CommuneRepository {
  /**
   * Electronic share in [from, to): dossier level over dossiers received in the period, hand-off
   * level over hand-offs sent in it. With `unit`, only dossiers and hand-offs that unit sent or
   * received.
   */
  async electronicShare(from: Date, to: Date, unit: string | null): Promise<ElectronicShareCounts> {
    const params = [from, to, unit];
    const [dossierRow] = (await this.sql(
      `WITH received AS (
         SELECT e.dossier_id, ${secretOf('e')} AS secret
           FROM dossier_events e
          WHERE e.commune_code = $1 AND e.type = ${RECEIVED} AND e.occurred_at >= $2 AND e.occurred_at < $3
       ), sent AS (
         SELECT e.dossier_id, ${sent('e', 'channel')} AS channel, ${sent('e', 'fromUnit')} AS from_unit, ${sent('e', 'toUnit')} AS to_unit
           FROM dossier_events e JOIN received r ON r.dossier_id = e.dossier_id
          WHERE e.commune_code = $1 AND e.type = ${SENT} AND NOT r.secret
       ), per_dossier AS (
         SELECT dossier_id, bool_and(channel = 'electronic') AS all_electronic
           FROM sent GROUP BY dossier_id
         HAVING $4::text IS NULL OR bool_or(from_unit = $4 OR to_unit = $4)
       )
       SELECT (SELECT count(*) FROM per_dossier)::int AS dossiers,
              (SELECT count(*) FROM per_dossier WHERE all_electronic)::int AS electronic,
              (SELECT count(*) FROM received WHERE secret)::int AS secret`,
      params,
    )) as { dossiers: number; electronic: number; secret: number }[];
    const units = (await this.sql(
      `SELECT ${sent('e', 'toUnit')} AS unit, count(*)::int AS handoffs,
              count(*) FILTER (WHERE ${sent('e', 'channel')} = 'electronic')::int AS electronic
         FROM dossier_events e
        WHERE e.commune_code = $1 AND e.type = ${SENT} AND e.occurred_at >= $2 AND e.occurred_at < $3
          AND ($4::text IS NULL OR ${sent('e', 'fromUnit')} = $4 OR ${sent('e', 'toUnit')} = $4)
          AND NOT EXISTS (SELECT 1 FROM dossier_events r WHERE r.dossier_id = e.dossier_id AND r.type = ${RECEIVED}
                          AND ${secretOf('r')})
        GROUP BY 1 ORDER BY 1`,
      params,
    )) as { unit: string; handoffs: number; electronic: number }[];
    return {
      dossiers: dossierRow.dossiers,
      dossiersElectronic: dossierRow.electronic,
      stateSecretExcluded: dossierRow.secret,
      handoffs: units.reduce((n, u) => n + u.handoffs, 0),
      handoffsElectronic: units.reduce((n, u) => n + u.electronic, 0),
      byUnit: units,
    };
  }
}
