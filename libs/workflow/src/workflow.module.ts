import { getDataSourceToken } from '@nestjs/typeorm';
import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REPLICA_DATA_SOURCE, UnitOfWork } from '@motcua/persistence';
import { Clock, SystemClock } from './clock';
import { CompleteAutomaticStepHandler } from './commands/automatic-step.command';
import { CompleteStepHandler } from './commands/complete-step.command';
import { RecordReceiptHandler } from './commands/record-receipt.command';
import { CheckDeadlineHandler } from './commands/check-deadline.command';
import { IssueApologyHandler, RejectDossierHandler, ReturnResultHandler, WithdrawDossierHandler } from './commands/closing.commands';
import { SignResultHandler } from './commands/sign-result.command';
import { ReceiveSupplementHandler, RequestSupplementHandler } from './commands/supplement.commands';
import { ReassignWorkItemHandler, TakeWorkItemHandler } from './commands/work-item.commands';
import { DossierCommandPipeline } from './dossier-command-pipeline';
import { SigningPassphrase } from './signing';
import { ReferenceCache } from './reference-cache';

/**
 * The write side shared by the API and the workers: the unit of work, the reference cache, the
 * clock, the pipeline every command on a dossier runs through, and the routing command handlers.
 * Import it next to CqrsModule and TypeOrmModule.
 */
@Module({})
export class WorkflowModule {
  /** `replica`: a TypeORM data source named {@link REPLICA_DATA_SOURCE} is registered for reports. */
  static forRoot(clock: Clock = new SystemClock(), signingPassphrase = 'motcua-development-signing-passphrase', replica = false): DynamicModule {
    return {
      module: WorkflowModule,
      global: true,
      providers: [
        { provide: Clock, useValue: clock },
        { provide: SigningPassphrase, useValue: new SigningPassphrase(signingPassphrase) },
        {
          provide: UnitOfWork,
          useFactory: (ds: DataSource, reads?: DataSource) => new UnitOfWork(ds, reads ?? ds),
          inject: [DataSource, ...(replica ? [getDataSourceToken(REPLICA_DATA_SOURCE)] : [])],
        },
        ReferenceCache,
        DossierCommandPipeline,
        CompleteStepHandler,
        CompleteAutomaticStepHandler,
        RecordReceiptHandler,
        TakeWorkItemHandler,
        ReassignWorkItemHandler,
        RequestSupplementHandler,
        ReceiveSupplementHandler,
        RejectDossierHandler,
        WithdrawDossierHandler,
        IssueApologyHandler,
        ReturnResultHandler,
        SignResultHandler,
        CheckDeadlineHandler,
      ],
      exports: [Clock, UnitOfWork, ReferenceCache, DossierCommandPipeline, SigningPassphrase],
    };
  }
}
