import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { Env, loggingModule } from '@motcua/config';
import { producerConnection, QueueRegistry, redisTarget } from '@motcua/messaging';
import { normaliseUsername } from '@motcua/domain';
import { dataSourceOptions, REPLICA_DATA_SOURCE } from '@motcua/persistence';
import { type Clock, WorkflowModule } from '@motcua/workflow';
import { AuditController } from './audit/audit.controller';
import { AuditWriter } from './audit/request-audit';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenStates } from './auth/token-states';
import { CatalogController } from './catalog/catalog.controller';
import { RateLimits } from './common/rate-limits';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { StuckController } from './stuck/stuck.controller';
import { DossierController } from './dossiers/dossier.controller';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { InboxController } from './inbox/inbox.controller';
import { IndicatorsController } from './indicators/indicators.controller';
import { IntakeController } from './intake/intake.controller';
import { ReceiveDossierHandler } from './intake/receive-dossier.command';
import { LookupController } from './lookup/lookup.controller';
import { LookupDossierHandler } from './lookup/lookup-dossier.query';
import { MonitoringController } from './monitoring/monitoring.controller';
import { QueueBoardSessionController } from './queue-board/queue-board-session.controller';
import { ReportsController } from './reports/reports.controller';
import { SignaturesController } from './signatures/signatures.controller';
import { UsersController } from './users/users.controller';
import { WorkflowController } from './workflow/workflow.controller';

/** Options tests use to swap the clock. */
export interface ApiModuleOptions {
  readonly env: Env;
  readonly clock?: Clock;
}

/** The login's username, normalised once before the limiter counts it and the lookup finds it. */
function normaliseLogin(req: Request, _res: Response, next: NextFunction): void {
  const body = req.body as { username?: unknown } | undefined;
  if (body && typeof body === 'object' && 'username' in body) body.username = normaliseUsername(body.username);
  next();
}

/** The HTTP API. Configuration arrives validated, so a test can boot it against its own database. */
@Module({})
export class ApiModule implements NestModule {
  constructor(
    @Inject(Env) private readonly env: Env,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Password guessing: a few tries per client address and username every 15 minutes. Public
   * pages (lookup, signature verification): a few requests per address a minute, so codes and
   * tokens cannot be enumerated. Both counted in Redis, shared by every API replica.
   */
  configure(consumer: MiddlewareConsumer): void {
    const login = this.limits.limiter({
      name: 'login',
      windowMs: 15 * 60_000,
      limit: this.env.LOGIN_RATE_LIMIT,
      key: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`,
      message: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.',
    });
    consumer.apply(normaliseLogin, login).forRoutes({ path: 'auth/login', method: RequestMethod.POST });
    const publicPages = this.limits.limiter({
      name: 'public',
      windowMs: 60_000,
      limit: this.env.LOOKUP_RATE_LIMIT,
      message: 'Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.',
    });
    consumer.apply(publicPages).forRoutes({ path: 'public/*path', method: RequestMethod.ALL });
  }

  static forRoot({ env, clock }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        loggingModule('api', env),
        CqrsModule.forRoot(),
        TerminusModule,
        TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, {}, env.DATABASE_POOL_SIZE)),
        ...(env.DATABASE_READ_URL ? [TypeOrmModule.forRoot({ ...dataSourceOptions(env.DATABASE_READ_URL, {}, env.DATABASE_POOL_SIZE), name: REPLICA_DATA_SOURCE })] : []),
        WorkflowModule.forRoot(clock, env.SIGNING_KEY_PASSPHRASE, env.DATABASE_READ_URL !== undefined),
        JwtModule.register({ secret: env.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
      ],
      controllers: [
        AuthController,
        UsersController,
        IntakeController,
        DossierController,
        WorkflowController,
        InboxController,
        SignaturesController,
        AuditController,
        LookupController,
        CatalogController,
        IndicatorsController,
        ReportsController,
        MonitoringController,
        DeadLettersController,
        StuckController,
        QueueBoardSessionController,
        HealthController,
      ],
      providers: [
        { provide: Env, useValue: env },
        // Operations only (dead letters, the queue board); the write path never talks to Redis inside a request.
        { provide: QueueRegistry, useFactory: () => new QueueRegistry(producerConnection(redisTarget(env)), env.QUEUE_PREFIX) },
        RedisHealthIndicator,
        RateLimits,
        TokenStates,
        AuditWriter,
        { provide: APP_GUARD, useClass: AuthGuard },
        ReceiveDossierHandler,
        LookupDossierHandler,
      ],
    };
  }
}
