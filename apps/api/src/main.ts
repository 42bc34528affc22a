import 'reflect-metadata';
import { createLogger, EnvValidationError, loadEnv, scrubPersonalData } from '@motcua/config';
import { migrateDatabase, UnitOfWork } from '@motcua/persistence';
import { DataSource } from 'typeorm';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  const env = loadEnv({ secrets: ['JWT_SECRET', 'SIGNING_KEY_PASSPHRASE'] });
  const logger = createLogger('api', env);
  if (env.MIGRATIONS_RUN === 'true') {
    const applied = await migrateDatabase(env.DATABASE_URL);
    if (applied.length > 0) logger.info(`migrations applied: ${applied.join(', ')}`);
  }
  const app = await createApi(env);
  if (env.NODE_ENV === 'production') {
    // The demo accounts' password is published: a production API does not run beside them.
    const demo = await new UnitOfWork(app.get(DataSource)).acrossCommunes.activeDemoUsers();
    if (demo.length > 0) {
      await app.close();
      throw new EnvValidationError(
        `Refusing to start with NODE_ENV=production: ${demo.length} demo account(s) with the published password can sign in ` +
          `(${demo.slice(0, 3).join(', ')}${demo.length > 3 ? ', …' : ''}). Deactivate them: node dist/apps/cli/apps/cli/src/main.js remove-demo-users`,
      );
    }
  }
  await app.listen(env.API_PORT, env.HOST);
  logger.info(`API on http://${env.HOST}:${env.API_PORT}/api (OpenAPI at /api/docs)`);
}

main().catch((e: unknown) => {
  console.error(scrubPersonalData(e instanceof EnvValidationError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(1);
});
