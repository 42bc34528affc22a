import Redis from 'ioredis';
import { Client } from 'pg';
import { PG_ADMIN_URL, TEMPLATE_DB, uniqueName } from './env';

/** A private database for one test file, cloned from the migrated, seeded template. */
export async function createTestDatabase(): Promise<string> {
  const name = uniqueName(`motcua_t_${process.env.MOTCUA_TEST_RUN ?? 'local'}`);
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    // Template cloning needs an exclusive lock on the template; retry if a sibling holds it.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
        return name;
      } catch (e) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
}

export async function dropTestDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Deletes a test file's BullMQ keys, so the shared Redis does not fill up run after run. */
export async function dropQueuePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // a fault test's private Redis may be gone already: nothing to clean there
  } finally {
    redis.disconnect();
  }
}
