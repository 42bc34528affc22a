import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { type PortalSyncJob } from '@motcua/messaging';
import type { UnitOfWork } from '@motcua/persistence';
import type { ReferenceCache } from '@motcua/workflow';
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
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly portal: PortalClient,
  ) {}

  async process(job: Job<PortalSyncJob>): Promise<JobOutcome> {
    const { dossierId, communeCode, eventSeq } = job.data;
    const read = this.uow.read(communeCode);
    const dossier = await read.dossiers.findById(dossierId);
    // State-secret dossiers never reach the portal, even if a message slipped through.
    if (!dossier || dossier.stateSecret) {
      this.logger.warn(`job ${job.id}: dossier ${dossierId} ${dossier ? 'is state-secret' : 'not found'}; skipped`);
      return 'skipped';
    }
    const event = await read.events.findOne(dossierId, eventSeq);
    if (!event) throw new Error(`event ${eventSeq} of dossier ${dossierId} not found`);
    const procedure = await this.refs.procedure(read.reference, communeCode, dossier.procedureVersionId);
    await this.portal.syncDossier(dossierHeader(dossier, procedure));
    await this.portal.appendProgress([progressItem(dossier, event)]);
    return 'synced';
  }
}
