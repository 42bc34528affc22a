import type { INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { hashPassword } from '@motcua/persistence';
import { startTestApi, type TestApi } from './support/api';
import { startPortalStub, startWorker } from './support/apps';
import { type BadRequest, badRequests, CAMPAIGN_USERS, showRequest, type Targets } from './support/bad-input-endpoints';
import { testEnv } from './support/env';
import { RawClient, type RawResponse } from './support/raw-http';
import { compareSnapshots, takeSnapshot } from './support/snapshot';
import { completeStep, expectStatus, getAs, inInbox, postAs, receive, signResult, waitForState } from './support/workflow';

/** Requests in one property run, sent at once. */
const BATCH = 20;
/** Property runs: BATCH × RUNS malformed requests in all. */
const RUNS = 500;

/**
 * The bad-input campaign (issue 9): fast-check drives ten thousand malformed requests over every
 * endpoint — wrong types, missing and extra fields, 100 kB strings, NUL bytes and lone surrogates,
 * deep nesting, bad ids, wrong content types, broken JSON — as several roles, at dossiers in every
 * state an action applies to. Not one may be a 5xx, no write may succeed, every refusal says why
 * in a message, and nothing may change: the row count of every table, each dossier's chain head,
 * each work item and account (the audit log aside: it records each refusal, and must hold them all).
 */
describe('bad-input campaign', () => {
  let api: TestApi;
  let client: RawClient;
  let targets: Targets;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z', undefined, { LOGIN_RATE_LIMIT: '1000000', LOOKUP_RATE_LIMIT: '1000000', AUTH_CACHE_MS: '300000', LOG_LEVEL: 'error' });
    // The worker moves the dossiers into their states, then stops: nothing moves during the campaign.
    const stub = await startPortalStub();
    const worker: INestApplicationContext = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url }), api.clock);
    try {
      targets = await prepare(api);
    } finally {
      await worker.close();
      await stub.app.close();
    }
    api.clock.set('2026-03-02T03:00:00Z');
    for (const u of CAMPAIGN_USERS) tokens.set(u, await api.token(u));
    client = await RawClient.of(api.app.getHttpServer());
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await api?.close();
  });

  it('answers ten thousand malformed requests with 4xx and changes nothing', async () => {
    // The setup's last audit entries are written once their responses are finished: let them land.
    await settle(() => auditCount(api));
    const before = await takeSnapshot(api.ds);
    const auditBefore = await auditCount(api);
    const tally = { requests: 0, serverErrors: 0, acceptedWrites: 0, unexplained: 0, audited: 0 };
    const run = await fc.check(
      fc.asyncProperty(fc.array(badRequests(targets, tokens), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => client.send(r)));
        const wrong = (r: BadRequest, res: RawResponse) => res.status >= 500 || (r.write && res.status < 400) || unexplained(res);
        batch.forEach((r, i) => {
          tally.requests++;
          if (audited(r, answers[i].status)) tally.audited++;
          if (answers[i].status >= 500) tally.serverErrors++;
          else if (r.write && answers[i].status < 400) tally.acceptedWrites++;
          else if (unexplained(answers[i])) tally.unexplained++;
        });
        const i = batch.findIndex((r, j) => wrong(r, answers[j]));
        if (i >= 0) throw new Error(`${answers[i].status} for\n${showRequest(batch[i])}\n  answered ${answer(answers[i])}`);
      }),
      { numRuns: RUNS },
    );
    // The audit log records each request when its response is finished: let the last ones land.
    await settle(() => auditCount(api));
    const diff = compareSnapshots(before, await takeSnapshot(api.ds));
    console.log(`campaign bad-input: requests ${tally.requests}, 5xx ${tally.serverErrors}, changed ${diff.changed.length}, lost ${diff.lost.length}, duplicated ${diff.duplicated}`);
    const auditWritten = (await auditCount(api)) - auditBefore;
    if (run.failed) {
      // The shrunk counterexample's own message: the request that failed, not fast-check's dump of the whole batch.
      const cause = (run.errorInstance as Error | undefined)?.message ?? String(run.errorInstance);
      throw new Error(`bad-input campaign failed after ${run.numRuns} runs (seed ${run.seed}, path "${run.counterexamplePath}", ${run.numShrinks} shrinks):\n${cause}`);
    }
    expect(tally.requests).toBe(BATCH * RUNS);
    expect(tally.serverErrors).toBe(0);
    expect(tally.acceptedWrites).toBe(0);
    expect(tally.unexplained).toBe(0);
    // Each refusal is in the audit log (none lost to a NUL byte in a username or a path).
    expect(auditWritten).toBe(tally.audited);
    expect(diff.changed).toEqual([]);
    expect(diff.lost).toEqual([]);
    expect(diff.duplicated).toBe(0);
  });
});

/** Dossiers in each state an action applies to, one of another commune, and a signed result. */
async function prepare(api: TestApi): Promise<Targets> {
  await api.ds.query(
    `INSERT INTO users (commune_code, username, full_name, roles, unit_kinds, password_hash) VALUES ('26734', 'tuphap2.26734', 'Hà Thị Thu', '{officer}', '{tu-phap}', $1)`,
    [await hashPassword(DEMO_PASSWORD)],
  );
  const [inInboxD, waiting, atSignature, ready] = [await receive(api), await receive(api), await receive(api), await receive(api)];
  for (const d of [inInboxD, waiting, atSignature, ready]) await inInbox(api.ds, d.id, 'xu-ly');
  await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${waiting.id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu giấy tờ', items: [{ name: 'Bản sao Căn cước' }] }), 200);
  for (const d of [atSignature, ready]) {
    await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    await inInbox(api.ds, d.id, 'ky-duyet');
  }
  await expectStatus(signResult(api, ready.id), 200);
  await Promise.all([waitForState(api.ds, waiting.id, 'waiting_supplement'), waitForState(api.ds, ready.id, 'result_ready')]);
  const other = await request(api.app.getHttpServer())
    .post('/api/dossiers')
    .set('authorization', `Bearer ${await api.token('motcua.26737')}`)
    .send({ procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan', officeCode: 'H26.02.01', channel: 'desk', applicant: { fullName: 'Trần Văn Bình', phone: '0912000222' } })
    .expect(201);
  const [{ handoff, workItem }] = await api.ds.query(`SELECT h.id AS handoff, w.id AS "workItem" FROM handoffs h JOIN work_items w USING (dossier_id, step_key) WHERE h.dossier_id = $1`, [inInboxD.id]);
  const [{ id: outboxMessage }] = await api.ds.query(`SELECT id::text FROM outbox WHERE commune_code = '26734' ORDER BY id LIMIT 1`);
  const record = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${ready.id}`), 200);
  const verificationToken = record.body.signatures[0].verificationToken as string;
  const signed = (await expectStatus(request(api.app.getHttpServer()).get(`/api/public/signatures/${verificationToken}`), 200)).body;
  return {
    inInbox: inInboxD.id,
    inInboxCode: inInboxD.code,
    waitingSupplement: waiting.id,
    atSignature: atSignature.id,
    resultReady: ready.id,
    otherCommune: other.body.id,
    handoff,
    workItem,
    outboxMessage,
    verificationToken,
    signed: { payload: signed.payload, signature: signed.signature, keyId: signed.keyId },
  };
}

/**
 * Requests the audit log records (README, "Audit log"): every write, and the reads of personal
 * data — but not those Node's HTTP parser answers itself (431: the headers, the URL among them,
 * past 16 kB), which never reach the API.
 */
function audited(r: BadRequest, status: number): boolean {
  if (status === 431) return false;
  const path = r.path.split('?')[0];
  if (r.method === 'GET') return /^\/api\/(dossiers\/[^/]+(\/forms\/[^/]+)?|tracking-book)\/?$/.test(path);
  return true;
}

async function auditCount(api: TestApi): Promise<number> {
  const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM audit_log`);
  return n;
}

/** Waits until `read` gives the same value twice, 200 ms apart (at most 5 s). */
async function settle(read: () => Promise<number>): Promise<void> {
  let last = await read();
  for (let i = 0; i < 25; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await read();
    if (now === last) return;
    last = now;
  }
}

/**
 * A refusal that does not say why in a message for people (JSON `message`). Node's HTTP parser
 * answers a URL past 16 kB with a bare 431 before the API sees the request.
 */
function unexplained(res: RawResponse): boolean {
  return res.status >= 400 && res.status !== 431 && typeof res.json?.message !== 'string';
}

function answer(res: RawResponse): string {
  return res.text.length > 500 ? `${res.text.slice(0, 500)}…` : res.text;
}

