import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../apps/api/src/app.module';
import { configureApi } from '../../apps/api/src/bootstrap';
import { Clock } from '../../apps/api/src/common/clock';
import { createTestDatabase, dropTestDatabase } from './database';
import { testEnv, uniqueName } from './env';

/** A clock a test sets by hand. */
export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
}

/** The real API on its own database, listening on an ephemeral port. */
export interface TestApi {
  readonly app: INestApplication;
  readonly ds: DataSource;
  readonly clock: FixedClock;
  readonly dbName: string;
  close(): Promise<void>;
}

export async function startTestApi(at: string = '2026-03-02T02:00:00Z'): Promise<TestApi> {
  const dbName = await createTestDatabase();
  const clock = new FixedClock(new Date(at));
  const env = testEnv(dbName, uniqueName('t'));
  const app = configureApi(await NestFactory.create(ApiModule.forRoot({ env, clock }), { logger: ['error', 'warn'] }));
  await app.init();
  return {
    app,
    ds: app.get(DataSource),
    clock,
    dbName,
    async close() {
      await app.close();
      await dropTestDatabase(dbName);
    },
  };
}
