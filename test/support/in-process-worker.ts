import type { TestApi } from './api';
import { startPortalStub, startWorker } from './apps';
import { testEnv } from './env';

/**
 * Runs the real worker (outbox relay and consumers) in this process, on the API's database,
 * queue prefix and clock, with a portal stub of its own, for as long as `work` takes. For tests
 * that need a hand-off received the way the system receives it, by the unit's consumer, and no
 * worker the rest of the time.
 */
export async function withWorker<T>(api: TestApi, work: () => Promise<T>): Promise<T> {
  const stub = await startPortalStub();
  try {
    const worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url }), api.clock);
    try {
      return await work();
    } finally {
      await worker.close();
    }
  } finally {
    await stub.app.close();
  }
}
