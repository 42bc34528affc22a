import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { validateEnv } from '@motcua/config';
import { startTestApi, type TestApi } from './support/api';
import { startPortalStub, startWorker } from './support/apps';
import { dropTestDatabase } from './support/database';
import { testEnv, uniqueName } from './support/env';
import { PrivateRedisCluster } from './support/redis-cluster';
import { getAs, receive, waitForState } from './support/workflow';

/**
 * BullMQ on a Redis Cluster (issue 10): the API and a worker on a 3-node cluster the test starts
 * itself, with a hash-tagged queue prefix; dossiers travel through several unit queues, an
 * automatic BHXH step and a fork, each hand-off received once.
 */
describe('hand-offs on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let api: TestApi;
  let stub: { app: INestApplication; url: string };
  let worker: INestApplicationContext;

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start();
    const redis = { REDIS_URL: cluster.url, REDIS_CLUSTER: 'true' };
    api = await startTestApi('live', `{${uniqueName('rc')}}`, { ...redis, QUEUE_BOARD_ADMINS: 'quantri.26734' });
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { ...redis, PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url, AUTO_OFFICER: 'true' }));
  });
  afterAll(async () => {
    await worker?.close();
    await stub?.app.close();
    await api?.app.close();
    if (api) await dropTestDatabase(api.dbName);
    cluster?.destroy();
  });

  it('refuses a cluster without a hash-tagged queue prefix, naming QUEUE_PREFIX', () => {
    expect(() => validateEnv({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: 'motcua' })).toThrow(/QUEUE_PREFIX="motcua": on a Redis Cluster/);
    expect(validateEnv({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{motcua}' }).QUEUE_PREFIX).toBe('{motcua}');
  });

  it('carries dossiers to the result, forks and the automatic step included, each hand-off received once', async () => {
    const dossiers = [];
    for (let i = 0; i < 4; i++) dossiers.push(await receive(api));
    for (let i = 0; i < 2; i++) dossiers.push(await receive(api, { procedureCode: 'lien-thong-khai-sinh', channel: 'online', options: ['khai-sinh', 'thuong-tru', 'the-bhyt'] }));
    for (const d of dossiers) await waitForState(api.ds, d.id, 'result_ready', 30_000);
    const doubled = await api.ds.query(
      `SELECT payload->>'handoffId' AS handoff, count(*)::int AS n FROM dossier_events
        WHERE type = 'HandoffReceived' AND dossier_id = ANY($1::uuid[]) GROUP BY 1 HAVING count(*) > 1`,
      [dossiers.map((d) => d.id)],
    );
    expect(doubled).toEqual([]);
    // The jobs really lived in the cluster, and the API's health check and dead-letter list read it.
    expect(cluster.keysPerNode().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await request(api.app.getHttpServer()).get('/api/health').expect(200);
    expect((await getAs(api, 'giamsat.26734', '/api/dead-letters')).status).toBe(200);
    // The queue board reads every queue over the cluster too, their finished jobs counted.
    const board = await getAs(api, 'quantri.26734', '/admin/queues/api/queues');
    expect(board.status).toBe(200);
    const counts = (board.body as { queues: { name: string; counts: { completed: number } }[] }).queues;
    expect(counts.find((q) => q.name === 'tu-phap')?.counts.completed).toBeGreaterThan(0);
  });
});
