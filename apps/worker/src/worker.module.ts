import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '@motcua/config';
import { dataSourceOptions } from '@motcua/persistence';
import { WorkerService } from './worker.service';

@Module({})
export class WorkerModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL))],
      providers: [{ provide: Env, useValue: env }, WorkerService],
    };
  }
}
