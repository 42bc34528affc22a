import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { EnvValidationError, loadEnv, scrubPersonalData } from '@motcua/config';
import { migrateDatabase } from '@motcua/persistence';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv({ secrets: ['SIGNING_KEY_PASSPHRASE', 'PORTAL_USERNAME', 'PORTAL_PASSWORD'] });
  // Before the context exists: its bootstrap starts consumers that need the schema.
  if (env.MIGRATIONS_RUN === 'true') await migrateDatabase(env.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

main().catch((e: unknown) => {
  console.error(scrubPersonalData(e instanceof EnvValidationError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(1);
});
