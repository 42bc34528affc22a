import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Env } from '@motcua/config';
import { dataSourceOptions, UnitOfWork } from '@motcua/persistence';
import { CatalogController } from './catalog/catalog.controller';
import { CalendarService } from './common/calendar.service';
import { Clock, SystemClock } from './common/clock';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { IntakeController } from './intake/intake.controller';
import { ReceiveDossierHandler } from './intake/receive-dossier.handler';
import { LookupController } from './lookup/lookup.controller';
import { LookupDossierHandler } from './lookup/lookup-dossier.query';

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
        TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL)),
      ],
      controllers: [IntakeController, LookupController, CatalogController, HealthController],
      providers: [
        { provide: Env, useValue: env },
        { provide: Clock, useValue: clock ?? new SystemClock() },
        { provide: UnitOfWork, useFactory: (ds: DataSource) => new UnitOfWork(ds), inject: [DataSource] },
        CalendarService,
        RedisHealthIndicator,
        ReceiveDossierHandler,
        LookupDossierHandler,
      ],
    };
  }
}
