import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { startTestApi, type TestApi } from './support/api';
import { eventually } from './support/apps';
import { expectStatus, getAs, postAs, receive } from './support/workflow';

/**
 * Tenancy by construction (issue 8): what a commune's users see is their commune's, in every
 * list, including the ones that do not come from PostgreSQL.
 */
describe('tenancy: each commune sees its own', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('2026-03-10T02:00:00Z');
  });
  afterAll(() => api.close());

  it("lists and replays only the supervisor's own commune's dead letters", async () => {
    const connection = new Redis(api.env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('portal-sync', { connection, prefix: api.env.QUEUE_PREFIX });
    for (const communeCode of ['26734', '26737']) {
      await queue.add('portal-sync', { dossierId: '00000000-0000-4000-8000-000000000001', communeCode, eventSeq: 1 }, { jobId: `dl-${communeCode}`, attempts: 1 });
    }
    const workerConnection = connection.duplicate();
    const failing = new Worker('portal-sync', async () => Promise.reject(new Error('cổng DVCQG không trả lời')), { connection: workerConnection, prefix: api.env.QUEUE_PREFIX });
    try {
      await eventually(async () => ((await queue.getFailedCount()) === 2 ? true : undefined), 10_000, 'two dead letters');
    } finally {
      // BullMQ does not close a connection it was given.
      await failing.close();
      workerConnection.disconnect();
    }
    const mine = await expectStatus(getAs(api, 'giamsat.26734', '/api/dead-letters?queue=portal-sync'), 200);
    expect(mine.body.map((j: { jobId: string }) => j.jobId)).toEqual(['dl-26734']);
    const theirs = await expectStatus(getAs(api, 'giamsat.26737', '/api/dead-letters'), 200);
    expect(theirs.body.map((j: { jobId: string }) => j.jobId)).toEqual(['dl-26737']);
    // Another commune's job is not found, exactly like an unknown one; the own one replays.
    const other = await expectStatus(postAs(api, 'giamsat.26734', '/api/dead-letters/portal-sync/dl-26737/replay'), 404);
    const unknown = await expectStatus(postAs(api, 'giamsat.26734', '/api/dead-letters/portal-sync/khong-co/replay'), 404);
    expect(other.body).toEqual(unknown.body);
    expect(await (await queue.getJob('dl-26737'))!.isFailed()).toBe(true);
    await expectStatus(postAs(api, 'giamsat.26734', '/api/dead-letters/portal-sync/dl-26734/replay'), 202);
    expect(await (await queue.getJob('dl-26734'))!.isFailed()).toBe(false);
    await queue.close();
    connection.disconnect();
  });

  it("keeps the receiving office's tracking book whole for a dossier another commune decides", async () => {
    // The office of Thanh Bình (26734) receives for Phú Hòa (26737), as Decree 118/2025 allows.
    const d = await receive(api, { communeCode: '26737' });
    const book = await expectStatus(
      getAs(api, 'motcua.26734', '/api/tracking-book?officeCode=H26.01.01&from=2026-03-10T00:00:00%2B07:00&to=2026-03-11T00:00:00%2B07:00'),
      200,
    );
    expect(book.text).toContain(d.code);
    // Received at 09:00 and handed to the unit at once: the time shows in both columns.
    expect(book.text.split('09 giờ 00 phút, ngày 10/03/2026').length - 1).toBe(2);
    // The dossier itself is Phú Hòa's: its desk sees it; Thanh Bình's desk does not find it.
    await expectStatus(getAs(api, 'motcua.26737', `/api/dossiers/${d.id}`), 200);
    await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}`), 404);
    // Another commune's office has no book for this desk, like an unknown office.
    await expectStatus(getAs(api, 'motcua.26737', '/api/tracking-book?officeCode=H26.01.01&from=2026-03-10T00:00:00%2B07:00&to=2026-03-11T00:00:00%2B07:00'), 404);
  });
});
