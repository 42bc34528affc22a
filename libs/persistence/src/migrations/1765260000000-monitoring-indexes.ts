import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supervisors' throughput and backlog board (issue 11 item 3) reads two ranges no index
 * served: dossiers finished per hour (`dossier_list.resolved_at`; the daily rollups have no hour)
 * and the last hour's electronic hand-offs received (`handoffs.received_at`, for the latency
 * percentiles). Both partial, so open dossiers and unreceived hand-offs add no entries.
 */
export class MonitoringIndexes1765260000000 implements MigrationInterface {
  name = 'MonitoringIndexes1765260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX dossier_list_commune_resolved ON dossier_list (commune_code, resolved_at) WHERE resolved_at IS NOT NULL;
      CREATE INDEX handoffs_commune_received_electronic ON handoffs (commune_code, received_at) WHERE received_at IS NOT NULL AND channel = 'electronic';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX handoffs_commune_received_electronic;
      DROP INDEX dossier_list_commune_resolved;
    `);
  }
}
