import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, EnvValidationError, loadEnv } from '@motcua/config';
import { migrateDatabase } from '@motcua/persistence';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('worker', env);
  // Before the context exists: its bootstrap starts consumers that need the schema.
  if (env.MIGRATIONS_RUN === 'true') await migrateDatabase(env.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { logger, abortOnError: false });
  app.enableShutdownHooks();
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
