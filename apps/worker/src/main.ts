import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { EnvValidationError, loadEnv, scrubPersonalData } from '@motcua/config';
import { migrateDatabase } from '@motcua/persistence';
import { WorkerModule } from './worker.module';

/**
 * How long a stop (SIGTERM, SIGINT) may take before the process exits anyway, with code
 * {@link EXIT_STOP_OVERRUN}. A job still running then stays active in Redis with a lock nobody
 * renews, and stall detection gives it to another worker (every consumer is idempotent). Below the
 * 10 s an orchestrator usually allows before SIGKILL, above the consumers' grace for running jobs.
 */
const STOP_DEADLINE_MS = 8_000;
const EXIT_STOP_OVERRUN = 1;

async function main(): Promise<void> {
  const env = loadEnv({ secrets: ['SIGNING_KEY_PASSPHRASE', 'PORTAL_USERNAME', 'PORTAL_PASSWORD'] });
  // Before the context exists: its bootstrap starts consumers that need the schema.
  if (env.MIGRATIONS_RUN === 'true') await migrateDatabase(env.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { bufferLogs: true, abortOnError: false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  // Nest's hooks close the consumers, the relay and the pool; any of them may wait on a Redis or a
  // job that never answers, so the stop itself is bounded here. Once: Nest re-raises the signal
  // when it is done, and that second delivery must find no listener of ours.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`still stopping ${STOP_DEADLINE_MS} ms after ${signal}: exiting now; unfinished jobs are left to be retried`, 'Worker');
        process.exit(EXIT_STOP_OVERRUN);
      }, STOP_DEADLINE_MS).unref();
    });
  }
}

main().catch((e: unknown) => {
  console.error(scrubPersonalData(e instanceof EnvValidationError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(1);
});
