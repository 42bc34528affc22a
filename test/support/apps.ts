import 'reflect-metadata';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Env } from '@motcua/config';
import type { Clock } from '@motcua/workflow';
import { PortalStubModule } from '../../apps/portal-stub/src/portal-stub.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

/** The portal stub on an ephemeral port; returns its base URL. */
export async function startPortalStub(): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(PortalStubModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** The worker (outbox relay and consumers) in this process, against the test's database and prefix. */
export async function startWorker(env: Env, clock?: Clock): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(WorkerModule.forRoot(env, clock), { logger: ['error'] });
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
