import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { type Env, parseTrustProxy } from '@motcua/config';
import type { Clock } from '@motcua/workflow';
import { ApiModule } from './app.module';
import { AuditWriter, enterRequestAudit, openRequestAudit } from './audit/request-audit';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { jsonBody } from './common/json-body';
import { refuseUnstorablePaths } from './common/request-path';
import { createValidationPipe } from './common/validation';
import { mountMetrics } from './metrics/metrics';
import { mountQueueBoard } from './queue-board/queue-board';

/**
 * Builds the API exactly as it runs, for main.ts and the tests alike: its own path check and body
 * parser after the audit (so a refused path or body is audited), structured logs, the global
 * prefix, validation, error mapping and the OpenAPI document.
 */
export async function createApi(env: Env, clock?: Clock): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot({ env, clock }), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Which address is the client's, for the rate limits and the audit log (README: TRUST_PROXY).
  app.set('trust proxy', parseTrustProxy(env.TRUST_PROXY));
  mountMetrics(app, env);
  mountQueueBoard(app, env);
  app.use(openRequestAudit(app.get(AuditWriter)));
  app.use(refuseUnstorablePaths());
  app.use(jsonBody());
  app.use(enterRequestAudit());
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('MotCua API')
    .setDescription('Tiếp nhận, luân chuyển và tra cứu hồ sơ thủ tục hành chính cấp xã.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
