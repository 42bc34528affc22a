import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { type PortalSyncJob } from '@motcua/messaging';
import { DossierEntity, DossierEventEntity, ProcedureVersionEntity } from '@motcua/persistence';
import { PortalClient } from './portal-client';
import { dossierHeader, progressItem } from './portal-payload';

/** What a job handler reports, counted per job and status. */
export type JobOutcome = 'synced' | 'skipped';

/**
 * Syncs one dossier event to the national portal: the header (create, or update when the portal
 * already has it) and the progress row of the event. Idempotent: the header is an upsert and the
 * progress row carries `IdTienDo`, which the portal uses to drop a repeat.
 */
export class PortalSyncProcessor {
  private readonly logger = new Logger('PortalSync');

  constructor(
    private readonly ds: DataSource,
    private readonly portal: PortalClient,
  ) {}

  async process(job: Job<PortalSyncJob>): Promise<JobOutcome> {
    const { dossierId, communeCode, eventSeq } = job.data;
    const m = this.ds.manager;
    const dossier = await m.findOne(DossierEntity, { where: { id: dossierId, communeCode } });
    // State-secret dossiers never reach the portal, even if a message slipped through.
    if (!dossier || dossier.stateSecret) {
      this.logger.warn(`job ${job.id}: dossier ${dossierId} ${dossier ? 'is state-secret' : 'not found'}; skipped`);
      return 'skipped';
    }
    const event = await m.findOne(DossierEventEntity, { where: { dossierId, seq: eventSeq } });
    if (!event) throw new Error(`event ${eventSeq} of dossier ${dossierId} not found`);
    const procedure = await m.findOneOrFail(ProcedureVersionEntity, { where: { id: dossier.procedureVersionId } });
    await this.portal.syncDossier(dossierHeader(dossier, procedure.definition));
    await this.portal.appendProgress([progressItem(dossier, event)]);
    return 'synced';
  }
}
