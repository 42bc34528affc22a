import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '@motcua/config';
import { dataSourceOptions } from '@motcua/persistence';
import { type Clock, WorkflowModule } from '@motcua/workflow';
import { CatalogController } from './catalog/catalog.controller';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { IntakeController } from './intake/intake.controller';
import { ReceiveDossierHandler } from './intake/receive-dossier.handler';
import { LookupController } from './lookup/lookup.controller';
import { LookupDossierHandler } from './lookup/lookup-dossier.query';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { IndicatorsController } from './indicators/indicators.controller';
import { WorkflowController } from './workflow/workflow.controller';
import { producerConnection, QueueRegistry } from '@motcua/messaging';

/** Options tests use to swap the clock. */
export interface ApiModuleOptions {
  readonly env: Env;
  readonly clock?: Clock;
}

/** The HTTP API. Configuration arrives validated, so a test can boot it against its own database. */
@Module({})
export class ApiModule {
  static forRoot({ env, clock }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule,
        TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, {}, env.DATABASE_POOL_SIZE)),
        WorkflowModule.forRoot(clock),
      ],
      controllers: [IntakeController, WorkflowController, LookupController, CatalogController, IndicatorsController, DeadLettersController, HealthController],
      providers: [
        { provide: Env, useValue: env },
        // Operations only (dead letters); the write path never talks to Redis inside a request.
        { provide: QueueRegistry, useFactory: () => new QueueRegistry(producerConnection(env.REDIS_URL), env.QUEUE_PREFIX) },
        RedisHealthIndicator,
        ReceiveDossierHandler,
        LookupDossierHandler,
      ],
    };
  }
}
