import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env, loggingModule } from '@motcua/config';
import { dataSourceOptions } from '@motcua/persistence';
import { type Clock, WorkflowModule } from '@motcua/workflow';
import { WorkerMetrics } from './worker-metrics';
import { WorkerService } from './worker.service';

@Module({})
export class WorkerModule {
  static forRoot(env: Env, clock?: Clock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [loggingModule('worker', env), CqrsModule.forRoot(), TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, {}, env.DATABASE_POOL_SIZE)), WorkflowModule.forRoot(clock, env.SIGNING_KEY_PASSPHRASE)],
      providers: [{ provide: Env, useValue: env }, WorkerService, WorkerMetrics],
    };
  }
}
