import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { type PortalSyncJob } from '@motcua/messaging';
import type { UnitOfWork } from '@motcua/persistence';

/** What a job handler reports, counted per job and status. */
export type JobOutcome = 'rewound' | 'skipped';

/**
 * Drains the per-event portal-sync jobs of before the cursor: those the relay had put in Redis
 * when the database moved to `portal_sync`, and dead letters of them replayed by a supervisor.
 * It calls no portal: it lowers the dossier's cursor to just before the job's event, and the
 * portal syncer sends from there, in order with everything after. Idempotent; a state-secret
 * dossier's job is skipped with nothing written.
 */
export class PortalSyncProcessor {
  private readonly logger = new Logger('PortalSync');

  constructor(private readonly uow: UnitOfWork) {}

  async process(job: Job<PortalSyncJob>): Promise<JobOutcome> {
    const { dossierId, communeCode, eventSeq } = job.data;
    if (await this.uow.run(communeCode, (tx) => tx.portalSync.rewind(dossierId, eventSeq))) return 'rewound';
    this.logger.warn(`job ${job.id}: dossier ${dossierId} is state-secret or not found; skipped`);
    return 'skipped';
  }
}
