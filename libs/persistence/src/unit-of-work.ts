import { DataSource, EntityManager } from 'typeorm';
import { AuditRepository } from './repositories/audit.repository';
import { CaseworkRepository } from './repositories/casework.repository';
import { SigningRepository } from './repositories/signing.repository';
import { DossierEventRepository } from './repositories/dossier-event.repository';
import { DossierRepository } from './repositories/dossier.repository';
import { IndicatorRepository } from './repositories/indicator.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { ReferenceRepository } from './repositories/reference.repository';
import { SequenceRepository } from './repositories/sequence.repository';
import { UserRepository } from './repositories/user.repository';
import { WorkflowRepository } from './repositories/workflow.repository';

/** The repositories of one transaction. */
export class TransactionScope {
  readonly dossiers: DossierRepository;
  readonly events: DossierEventRepository;
  readonly outbox: OutboxRepository;
  readonly sequences: SequenceRepository;
  readonly reference: ReferenceRepository;
  readonly workflow: WorkflowRepository;
  readonly indicators: IndicatorRepository;
  readonly users: UserRepository;
  readonly casework: CaseworkRepository;
  readonly signing: SigningRepository;
  readonly audit: AuditRepository;

  constructor(m: EntityManager) {
    this.dossiers = new DossierRepository(m);
    this.events = new DossierEventRepository(m);
    this.outbox = new OutboxRepository(m);
    this.sequences = new SequenceRepository(m);
    this.reference = new ReferenceRepository(m);
    this.workflow = new WorkflowRepository(m);
    this.indicators = new IndicatorRepository(m);
    this.users = new UserRepository(m);
    this.casework = new CaseworkRepository(m);
    this.signing = new SigningRepository(m);
    this.audit = new AuditRepository(m);
  }
}

/**
 * Opens the one transaction of a command (STYLE.md habit 3): the state change, its events and its
 * outbox rows commit together or not at all.
 */
export class UnitOfWork {
  constructor(private readonly ds: DataSource) {}

  run<T>(work: (tx: TransactionScope) => Promise<T>): Promise<T> {
    return this.ds.transaction((m) => work(new TransactionScope(m)));
  }

  /** Repositories outside a transaction, for reads. */
  get read(): TransactionScope {
    return new TransactionScope(this.ds.manager);
  }
}
