import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { createLogger, EnvValidationError, loadEnv, loggingModule, scrubPersonalData } from '@motcua/config';
import { PortalStubModule } from './portal-stub.module';

/** The stub with structured logs, as its own process runs it. */
@Module({})
class PortalStubProcess {
  static forRoot(env: ReturnType<typeof loadEnv>): DynamicModule {
    return { module: PortalStubProcess, imports: [loggingModule('portal-stub', env), PortalStubModule] };
  }
}

async function main(): Promise<void> {
  const env = loadEnv();
  // A stand-in with open control endpoints (/stub): for development and tests, never production.
  if (env.NODE_ENV === 'production') {
    throw new EnvValidationError(
      'Refusing to start with NODE_ENV=production: portal-stub stands in for the outside systems (its /stub controls are open to anyone). Point PORTAL_URL and STUBS_URL at the real systems instead.',
    );
  }
  const app = await NestFactory.create(PortalStubProcess.forRoot(env), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(env.PORTAL_STUB_PORT, env.HOST);
  createLogger('portal-stub', env).info(`portal stub on http://${env.HOST}:${env.PORTAL_STUB_PORT} (portal /dvcqg, /payment, /population, /bhxh; controls /stub)`);
}

main().catch((e: unknown) => {
  console.error(scrubPersonalData(e instanceof EnvValidationError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(1);
});
