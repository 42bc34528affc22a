import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '@motcua/persistence';
import { Clock, SystemClock } from './clock';
import { CompleteStepHandler } from './commands/complete-step.command';
import { RecordReceiptHandler } from './commands/record-receipt.command';
import { ReferenceCache } from './reference-cache';

/**
 * The write side shared by the API and the workers: the unit of work, the reference cache, the
 * clock and the routing command handlers. Import it next to CqrsModule and TypeOrmModule.
 */
@Module({})
export class WorkflowModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: WorkflowModule,
      global: true,
      providers: [
        { provide: Clock, useValue: clock },
        { provide: UnitOfWork, useFactory: (ds: DataSource) => new UnitOfWork(ds), inject: [DataSource] },
        ReferenceCache,
        CompleteStepHandler,
        RecordReceiptHandler,
      ],
      exports: [Clock, UnitOfWork, ReferenceCache],
    };
  }
}
