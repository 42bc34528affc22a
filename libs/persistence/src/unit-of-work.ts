import { DataSource, EntityManager } from 'typeorm';
import { AcrossCommunes } from './across-communes';
import { failpoint } from './failpoints';
import { AuditRepository } from './repositories/audit.repository';
import { CaseworkRepository } from './repositories/casework.repository';
import { DossierEventRepository } from './repositories/dossier-event.repository';
import { DossierRepository } from './repositories/dossier.repository';
import { IndicatorRepository } from './repositories/indicator.repository';
import { MonitoringRepository } from './repositories/monitoring.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { ReceiptRepository } from './repositories/receipt.repository';
import { ReportRepository } from './repositories/report.repository';
import { PortalSyncRepository } from './repositories/portal-sync.repository';
import { ProjectionRepository } from './repositories/projection.repository';
import { ProjectorRepository } from './projections/projector.repository';
import { ReferenceRepository } from './repositories/reference.repository';
import { StuckWorkRepository } from './repositories/stuck-work.repository';
import { SequenceRepository } from './repositories/sequence.repository';
import { SigningRepository } from './repositories/signing.repository';
import { UserRepository } from './repositories/user.repository';
import { WorkflowRepository } from './repositories/workflow.repository';
import { requestAudit } from './request-audit';

/**
 * The repositories of one commune, inside a command's transaction or for reads outside one.
 * Every repository here is bound to `communeCode` and can reach no other commune's rows; the
 * reference data (communes, offices, the catalog, calendars) is shared by all.
 */
export class TransactionScope {
  readonly dossiers: DossierRepository;
  readonly events: DossierEventRepository;
  readonly outbox: OutboxRepository;
  readonly portalSync: PortalSyncRepository;
  readonly sequences: SequenceRepository;
  readonly workflow: WorkflowRepository;
  readonly indicators: IndicatorRepository;
  /** The read models (rollups, live counters) the projector keeps. */
  readonly projections: ProjectionRepository;
  /** The supervisors' throughput and backlog board. */
  readonly monitoring: MonitoringRepository;
  readonly reports: ReportRepository;
  readonly users: UserRepository;
  readonly casework: CaseworkRepository;
  readonly signing: SigningRepository;
  readonly audit: AuditRepository;
  readonly stuck: StuckWorkRepository;
  readonly reference: ReferenceRepository;

  constructor(
    private readonly m: EntityManager,
    readonly communeCode: string,
  ) {
    this.dossiers = new DossierRepository(m, communeCode);
    this.events = new DossierEventRepository(m, communeCode);
    this.outbox = new OutboxRepository(m, communeCode);
    this.portalSync = new PortalSyncRepository(m, communeCode);
    this.sequences = new SequenceRepository(m, communeCode);
    this.workflow = new WorkflowRepository(m, communeCode);
    this.indicators = new IndicatorRepository(m, communeCode);
    this.projections = new ProjectionRepository(m, communeCode);
    this.monitoring = new MonitoringRepository(m, communeCode);
    this.reports = new ReportRepository(m, communeCode);
    this.users = new UserRepository(m, communeCode);
    this.casework = new CaseworkRepository(m, communeCode);
    this.signing = new SigningRepository(m, communeCode);
    this.audit = new AuditRepository(m, communeCode);
    this.stuck = new StuckWorkRepository(m, communeCode);
    this.reference = new ReferenceRepository(m);
  }

  /**
   * Another commune's repositories in the same transaction. Only the desk's intake needs it:
   * since Decree 118/2025 an office receives dossiers that another commune of the province decides.
   */
  forCommune(communeCode: string): TransactionScope {
    return communeCode === this.communeCode ? this : new TransactionScope(this.m, communeCode);
  }
}

/**
 * Opens the one transaction of a command (STYLE.md habit 3): the state change, its events and its
 * outbox rows commit together or not at all — and, for a command an API request asked for, the
 * request's audit entry too, with the status the route answers on success. So a command refuses
 * by throwing inside `run`: the rollback takes the success entry with it, and the API audits the
 * refusal instead.
 */
export class UnitOfWork {
  constructor(
    private readonly ds: DataSource,
    /** A streaming replica for reports and dashboards (`DATABASE_READ_URL`); the primary if none. */
    private readonly replica: DataSource = ds,
  ) {}

  /** One command's transaction, in one commune. */
  async run<T>(communeCode: string, work: (tx: TransactionScope) => Promise<T>): Promise<T> {
    const audit = requestAudit.getStore();
    const auditHere = audit !== undefined && !audit.written && audit.actor !== undefined && audit.successStatus !== undefined;
    const result = await this.ds.transaction(async (m) => {
      const value = await work(new TransactionScope(m, communeCode));
      if (auditHere && audit.actor) {
        await new AuditRepository(m, audit.actor.communeCode).append({
          actorId: audit.actor.id,
          actorUsername: audit.actor.username,
          action: audit.action ?? `${audit.method} ${audit.path}`,
          method: audit.method,
          path: audit.path,
          targetId: audit.targetId ?? null,
          status: audit.successStatus!,
          ip: audit.ip,
          at: audit.at,
        });
      }
      return value;
    });
    if (auditHere) audit.written = true;
    await failpoint('command.after-commit');
    return result;
  }

  /** The hand-off path's batched receipts of one commune: prepared statements, each its own transaction. */
  receipts(communeCode: string): ReceiptRepository {
    return new ReceiptRepository(this.ds.manager, communeCode);
  }

  /** A commune's repositories outside a transaction, for reads. */
  read(communeCode: string): TransactionScope {
    return new TransactionScope(this.ds.manager, communeCode);
  }

  /**
   * A commune's repositories on the read replica, for reads that may lag the primary by its
   * replay delay (indicators, the tracking book); never for a read a command acts on.
   */
  reporting(communeCode: string): TransactionScope {
    return new TransactionScope(this.replica.manager, communeCode);
  }

  /** The reference data every commune shares: communes, offices, the catalog, calendars. */
  get reference(): ReferenceRepository {
    return new ReferenceRepository(this.ds.manager);
  }

  /** The worker's projector: applies the event log to the read models, each projection in its own transactions. */
  get projector(): ProjectorRepository {
    return new ProjectorRepository(this.ds);
  }

  /** The few named reads and writes that span communes (sweeps, public pages, sign-in, checks). */
  get acrossCommunes(): AcrossCommunes {
    return new AcrossCommunes(this.ds.manager);
  }

  /** {@link acrossCommunes} inside a transaction (the hand-off sweeper claims rows with it). */
  runAcrossCommunes<T>(work: (x: AcrossCommunes) => Promise<T>): Promise<T> {
    return this.ds.transaction((m) => work(new AcrossCommunes(m)));
  }
}
