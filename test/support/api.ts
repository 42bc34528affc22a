import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { DataSource } from 'typeorm';
import { createApi } from '../../apps/api/src/bootstrap';
import { Clock } from '@motcua/workflow';
import { createTestDatabase, dropQueuePrefix, dropTestDatabase } from './database';
import { testEnv, uniqueName } from './env';
import type { Env } from '@motcua/config';

/** A clock a test sets by hand; without a time it follows the real clock (as worker processes do). */
export class FixedClock extends Clock {
  constructor(private current?: Date) {
    super();
  }
  now(): Date {
    return this.current ? new Date(this.current) : new Date();
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
}

/** The real API on its own database, listening on an ephemeral port. */
export interface TestApi {
  readonly app: INestApplication;
  /** An access token of a seeded demo account (`motcua.26734`, `tuphap.26734`…), cached. */
  token(username: string): Promise<string>;
  readonly env: Env;
  readonly ds: DataSource;
  readonly clock: FixedClock;
  readonly dbName: string;
  close(): Promise<void>;
}

/** `at`: the fixed time of the API's clock, or 'live' to follow the real clock. */
export async function startTestApi(
  at: string = '2026-03-02T02:00:00Z',
  queuePrefix = uniqueName('t'),
  extraEnv: Record<string, string> = {},
): Promise<TestApi> {
  const dbName = await createTestDatabase();
  const clock = new FixedClock(at === 'live' ? undefined : new Date(at));
  const env = testEnv(dbName, queuePrefix, extraEnv);
  const app = await createApi(env, clock);
  await app.init();
  const tokens = new Map<string, Promise<string>>();
  const token = (username: string): Promise<string> => {
    let t = tokens.get(username);
    if (!t) {
      t = request(app.getHttpServer())
        .post('/api/auth/login')
        .send({ username, password: DEMO_PASSWORD })
        .then((res) => {
          if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
          return res.body.accessToken as string;
        });
      tokens.set(username, t);
    }
    return t;
  };
  return {
    app,
    token,
    env,
    ds: app.get(DataSource),
    clock,
    dbName,
    async close() {
      await app.close();
      await dropTestDatabase(dbName);
      await dropQueuePrefix(env.REDIS_URL, queuePrefix);
    },
  };
}
