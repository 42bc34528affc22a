import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { rateLimit } from 'express-rate-limit';
import { Env } from '@motcua/config';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { createValidationPipe } from './common/validation';

/** Wiring shared by main.ts and the tests, so the tests run the API users get. */
export function configureApi(app: INestApplication): INestApplication {
  const env = app.get(Env);
  app.setGlobalPrefix('api');
  // The public lookup guesses nothing for free: a few tries a minute per address, no enumeration.
  app.use(
    '/api/public/lookup',
    rateLimit({
      windowMs: 60_000,
      limit: env.LOOKUP_RATE_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) =>
        res.status(429).json({ statusCode: 429, rule: 'RATE_LIMITED', message: 'Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.' }),
    }),
  );
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
