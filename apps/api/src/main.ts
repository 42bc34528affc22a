import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, EnvValidationError, loadEnv } from '@motcua/config';
import { migrateDatabase } from '@motcua/persistence';
import { ApiModule } from './app.module';
import { configureApi } from './bootstrap';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('api', env);
  if (env.MIGRATIONS_RUN === 'true') {
    const applied = await migrateDatabase(env.DATABASE_URL);
    if (applied.length > 0) logger.log(`migrations applied: ${applied.join(', ')}`);
  }
  const app = await NestFactory.create(ApiModule.forRoot({ env }), { logger });
  configureApi(app);
  await app.listen(env.API_PORT, env.HOST);
  logger.log(`API on http://${env.HOST}:${env.API_PORT}/api (OpenAPI at /api/docs)`);
}

main().catch((e: unknown) => {
  if (e instanceof EnvValidationError) console.error(e.message);
  else console.error(e);
  process.exit(1);
});
