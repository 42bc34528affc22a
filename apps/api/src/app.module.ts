import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '@motcua/config';
import { dataSourceOptions } from '@motcua/persistence';
import { type Clock, WorkflowModule } from '@motcua/workflow';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
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
import { AuditController } from './audit/audit.controller';
import { AuditMiddleware } from './audit/audit.middleware';
import { InboxController } from './inbox/inbox.controller';
import { SignaturesController } from './signatures/signatures.controller';
import { DossierController } from './dossiers/dossier.controller';
import { producerConnection, QueueRegistry } from '@motcua/messaging';

/** Options tests use to swap the clock. */
export interface ApiModuleOptions {
  readonly env: Env;
  readonly clock?: Clock;
}

/** The HTTP API. Configuration arrives validated, so a test can boot it against its own database. */
@Module({})
export class ApiModule implements NestModule {
  constructor(@Inject(Env) private readonly env: Env) {}

  /**
   * Password guessing: a few tries per address and username every 15 minutes. A route middleware,
   * so the body (the username) is already parsed.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        rateLimit({
          windowMs: 15 * 60_000,
          limit: this.env.LOGIN_RATE_LIMIT,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`,
          handler: (_req, res) =>
            res.status(429).json({ statusCode: 429, rule: 'RATE_LIMITED', message: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.' }),
        }),
      )
      .forRoutes({ path: 'auth/login', method: RequestMethod.POST });
    consumer.apply(AuditMiddleware).forRoutes('*path');
  }

  static forRoot({ env, clock }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule,
        TypeOrmModule.forRoot(dataSourceOptions(env.DATABASE_URL, {}, env.DATABASE_POOL_SIZE)),
        WorkflowModule.forRoot(clock, env.SIGNING_KEY_PASSPHRASE),
        JwtModule.register({ secret: env.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
      ],
      controllers: [
        AuthController,
        IntakeController,
        DossierController,
        WorkflowController,
        InboxController,
        SignaturesController,
        AuditController,
        LookupController,
        CatalogController,
        IndicatorsController,
        DeadLettersController,
        HealthController,
      ],
      providers: [
        { provide: Env, useValue: env },
        // Operations only (dead letters); the write path never talks to Redis inside a request.
        { provide: QueueRegistry, useFactory: () => new QueueRegistry(producerConnection(env.REDIS_URL), env.QUEUE_PREFIX) },
        RedisHealthIndicator,
        { provide: APP_GUARD, useClass: AuthGuard },
        ReceiveDossierHandler,
        LookupDossierHandler,
      ],
    };
  }
}
