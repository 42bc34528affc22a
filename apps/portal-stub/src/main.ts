import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, EnvValidationError, loadEnv } from '@motcua/config';
import { PortalStubModule } from './portal-stub.module';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('portal-stub', env);
  const app = await NestFactory.create(PortalStubModule, { logger });
  app.enableShutdownHooks();
  await app.listen(env.PORTAL_STUB_PORT, env.HOST);
  logger.log(`portal stub on http://${env.HOST}:${env.PORTAL_STUB_PORT} (portal /dvcqg, /payment, /population, /bhxh; controls /stub)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
