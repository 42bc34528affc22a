import { createPublicKey, verify } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DEMO_PASSWORD } from '@motcua/catalog';
import { hashPassword } from '@motcua/persistence';
import { startTestApi, type TestApi } from './support/api';
import { eventually, startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';
import { completeStep, eventTypes, expectStatus, getAs, inInbox, postAs, receive, resultDocument, signResult, waitForState } from './support/workflow';

/** An instant in Vietnam time. */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);

/**
 * The officer's workflow over HTTP (issue 4): inbox, take and reassign, supplement with the clock
 * paused, rejection, stop at the citizen's request, the leader's signature, overdue escalation,
 * apology letters, return, the printable forms and the audit log. The worker runs in this process
 * on the test's clock, so hand-offs travel through the real queues while time is set by hand.
 */
describe('officer workflow (Xử lý hồ sơ của cán bộ)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let stub: { app: INestApplication; url: string };

  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url, DEADLINE_SWEEP_MS: '200' }), api.clock);
    // A second officer of Tư pháp, to take and reassign between.
    await api.ds.query(
      `INSERT INTO users (commune_code, username, full_name, roles, unit_kinds, password_hash) VALUES ('26734', 'tuphap2.26734', 'Hà Thị Thu', '{officer}', '{tu-phap}', $1)`,
      [await hashPassword(DEMO_PASSWORD)],
    );
  });
  afterAll(async () => {
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  const at = (local: string) => api.clock.set(vn(local));

  /** A PDF, its bytes kept whole. */
  async function getPdf(username: string, path: string): Promise<{ status: number; type: string; bytes: Buffer }> {
    const res = await request(api.app.getHttpServer())
      .get(path)
      .set('authorization', `Bearer ${await api.token(username)}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    return { status: res.status, type: String(res.headers['content-type']), bytes: res.body as Buffer };
  }

  async function intake(local = '2026-03-02 09:00', over: Record<string, unknown> = {}) {
    at(local);
    const d = await receive(api, over);
    await inInbox(api.ds, d.id, 'xu-ly');
    return d;
  }

  async function snapshot(id: string) {
    const [row] = await api.ds.query(
      `SELECT d.state, d.due_at, d.original_due_at, d.last_seq, d.paused_at, d.supplement_count,
              (SELECT json_agg(json_build_object('step', step_key, 'status', status, 'assignee', assignee_id, 'due', due_at) ORDER BY step_key) FROM work_items WHERE dossier_id = d.id) AS items,
              (SELECT count(*)::int FROM outbox WHERE payload->>'dossierId' = d.id::text) AS outbox,
              (SELECT count(*)::int FROM apology_letters WHERE dossier_id = d.id) AS apologies,
              (SELECT count(*)::int FROM result_signatures WHERE dossier_id = d.id) AS signatures
         FROM dossiers d WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  it('runs the whole life of a dossier over HTTP: intake, two units, a supplement, the signature, late with an apology, return', async () => {
    const d = await intake();
    const base = `/api/dossiers/${d.id}`;

    // The inbox of Tư pháp shows it, soonest due first, with its flags; Công an does not see it.
    const inbox = await expectStatus(getAs(api, 'tuphap.26734', '/api/inbox'), 200);
    const mine = inbox.body.items.find((i: { dossierId: string }) => i.dossierId === d.id);
    expect(mine).toMatchObject({ dossierCode: d.code, unit: 'tu-phap', stepKey: 'xu-ly', status: 'pending', overdue: false, paused: false });
    expect(mine.procedureName).toBe('Cấp Giấy xác nhận tình trạng hôn nhân');
    const police = await expectStatus(getAs(api, 'congan.26734', '/api/inbox'), 200);
    expect(police.body.items.map((i: { dossierId: string }) => i.dossierId)).not.toContain(d.id);

    // Take: mine again is a no-op; another officer's is 409; a supervisor reassigns.
    expect((await expectStatus(postAs(api, 'tuphap.26734', `${base}/steps/xu-ly/take`), 200)).body.outcome).toBe('taken');
    expect((await expectStatus(postAs(api, 'tuphap.26734', `${base}/steps/xu-ly/take`), 200)).body.outcome).toBe('already-yours');
    expect((await expectStatus(postAs(api, 'tuphap2.26734', `${base}/steps/xu-ly/take`), 409)).body.rule).toBe('TAKEN_BY_ANOTHER');
    await expectStatus(postAs(api, 'giamsat.26734', `${base}/steps/xu-ly/assign`, { assignee: 'tuphap2.26734' }), 200);
    expect((await expectStatus(completeStep(api, d.id, 'xu-ly', {}, 'tuphap.26734'), 409)).body.rule).toBe('TAKEN_BY_ANOTHER');
    await expectStatus(postAs(api, 'giamsat.26734', `${base}/steps/xu-ly/assign`, { assignee: 'tuphap.26734' }), 200);
    const taken = await expectStatus(getAs(api, 'tuphap.26734', '/api/inbox?status=mine'), 200);
    expect(taken.body.items.map((i: { dossierId: string }) => i.dossierId)).toEqual([d.id]);

    // Supplement (Mẫu 02) on Monday 10:00: the clock stops.
    at('2026-03-02 10:00');
    const asked = await expectStatus(
      postAs(api, 'tuphap.26734', `${base}/steps/xu-ly/supplement-request`, {
        reason: 'Thiếu bản sao Căn cước của người yêu cầu',
        items: [{ name: 'Bản sao Căn cước', originals: 0, copies: 1 }],
      }),
      200,
    );
    expect(asked.body).toMatchObject({ number: 1, flagged: false });
    await waitForState(api.ds, d.id, 'waiting_supplement');
    const form02 = await expectStatus(getAs(api, 'tuphap.26734', `${base}/forms/mau-02`), 200);
    expect(form02.text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(form02.text).toContain('Bản sao Căn cước');

    // Supplied at the desk on Wednesday 10:00: Monday 10:00 → Wednesday 10:00 is excluded, Thu 17:00 → Mon 9/3 17:00.
    at('2026-03-04 10:00');
    const supplied = await expectStatus(postAs(api, 'motcua.26734', `${base}/supplement`, { via: 'desk', documents: [resultDocument('CCCD')] }), 200);
    expect(new Date(supplied.body.dueAt)).toEqual(vn('2026-03-09 17:00'));
    expect(new Date(supplied.body.originalDueAt)).toEqual(vn('2026-03-09 17:00'));
    expect(supplied.body.pausedWorkingMinutes).toBe(960);

    // Tư pháp finishes with a document checksum; the leader's step needs a signature, not a plain completion.
    const done = await expectStatus(completeStep(api, d.id, 'xu-ly', { notes: 'Đủ điều kiện', documents: [resultDocument('to-trinh')] }), 200);
    expect(done.body).toEqual({ next: 'handoff', toUnits: ['lanh-dao'] });
    await inInbox(api.ds, d.id, 'ky-duyet');
    const plain = await expectStatus(
      request(api.app.getHttpServer()).post(`${base}/steps/ky-duyet/complete`).set('authorization', `Bearer ${await api.token('lanhdao.26734')}`).send({}),
      409,
    );
    expect(plain.body.rule).toBe('SIGNATURE_REQUIRED');

    // Friday: the leader sees it will be late and issues the apology in time; only once.
    at('2026-03-06 09:00');
    const apology = await expectStatus(postAs(api, 'lanhdao.26734', `${base}/apology`, { reason: 'Cần xác minh thêm với nơi cư trú trước', newDueAt: vn('2026-03-11 17:00').toISOString() }), 200);
    expect(apology.body).toMatchObject({ inTime: true });
    expect(new Date(apology.body.originalDueAt)).toEqual(vn('2026-03-09 17:00'));
    const again = await expectStatus(postAs(api, 'lanhdao.26734', `${base}/apology`, { reason: 'Lần hai', newDueAt: vn('2026-03-13 17:00').toISOString() }), 409);
    expect(again.body.rule).toBe('REAPPOINTMENT_LIMIT');

    // Tuesday 10/3, past the original date: signed, so result ready late, and returned with the apology on file.
    at('2026-03-10 09:00');
    const signed = await expectStatus(signResult(api, d.id), 200);
    expect(signed.body).toMatchObject({ next: 'return', toUnits: ['van-phong'] });
    expect(signed.body.verificationToken).toMatch(/^[0-9a-f]{32}$/);
    expect(signed.body.verificationUrl).toBe(`/api/public/signatures/${signed.body.verificationToken}`);
    await waitForState(api.ds, d.id, 'result_ready');
    at('2026-03-10 10:00');
    const returned = await expectStatus(postAs(api, 'motcua.26734', `${base}/return`, { delivery: 'desk', receiverName: 'Nguyễn Văn An' }), 200);
    expect(returned.body).toEqual({ state: 'returned', timeliness: 'late' });

    // The signature checks out here, and offline with the published key alone; a changed byte does not.
    // The dossier code (sequential) finds nothing; the verification token printed on the result does.
    await request(api.app.getHttpServer()).get(`/api/public/signatures/${d.code}`).expect(404);
    const pub = await request(api.app.getHttpServer()).get(signed.body.verificationUrl).expect(200);
    const sig = pub.body;
    expect(sig).toMatchObject({ valid: true, algorithm: 'ed25519', documentSha256: resultDocument().sha256, signedBy: 'Nguyễn Văn Chiến' });
    const pem = await request(api.app.getHttpServer()).get(sig.publicKeyUrl).expect(200);
    const key = createPublicKey(pem.text);
    expect(verify(null, Buffer.from(sig.payload, 'utf8'), key, Buffer.from(sig.signature, 'base64'))).toBe(true);
    const forged = sig.payload.replace(resultDocument().sha256, resultDocument('other').sha256);
    expect(verify(null, Buffer.from(forged, 'utf8'), key, Buffer.from(sig.signature, 'base64'))).toBe(false);
    const checked = await request(api.app.getHttpServer()).post('/api/public/signatures/verify').send({ payload: forged, signature: sig.signature, keyId: sig.keyId }).expect(200);
    expect(checked.body.valid).toBe(false);

    // The history, in order.
    const types = await eventTypes(api.ds, d.id);
    expect(types).toEqual(
      expect.arrayContaining(['DossierReceived', 'WorkItemTaken', 'WorkItemReassigned', 'SupplementRequested', 'SupplementReceived', 'StepCompleted', 'ApologyIssued', 'ResultSigned', 'ResultReady', 'ResultReturned']),
    );
    expect(types.indexOf('SupplementRequested')).toBeLessThan(types.indexOf('SupplementReceived'));
    expect(types.indexOf('ResultSigned')).toBeLessThan(types.indexOf('ResultReturned'));

    // Every form of the dossier renders, as HTML and as PDF; the control sheet judges each step.
    for (const form of ['mau-01', 'mau-02', 'mau-04', 'mau-06']) {
      const html = await expectStatus(getAs(api, 'motcua.26734', `${base}/forms/${form}`), 200);
      expect(html.headers['content-type']).toContain('text/html');
      expect(html.text).toContain(d.code);
      const pdf = await getPdf('motcua.26734', `${base}/forms/${form}?format=pdf`);
      expect(pdf).toMatchObject({ status: 200, type: 'application/pdf' });
      expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const sheet = await getAs(api, 'motcua.26734', `${base}/forms/mau-06`);
    expect(sheet.text).toContain('Tư pháp');
    expect(sheet.text).toMatch(/Trước hạn|Đúng hạn|Quá hạn/);
    const apologyForm = await getAs(api, 'motcua.26734', `${base}/forms/mau-04`);
    expect(apologyForm.text).toContain('Cần xác minh thêm với nơi cư trú trước');
    expect(apologyForm.text).toContain('17 giờ 00 phút, ngày 11/03/2026');
    // Every form quotes the same two appointments: the one the slip printed at intake (Thu 5/3,
    // never moved) and the current one (Wed 11/3, after the pause and the apology). The pause-
    // adjusted 9/3 is the on-time judgement's, never printed as an appointment.
    const printed = '17 giờ 00 phút, ngày 05/03/2026';
    const current = '17 giờ 00 phút, ngày 11/03/2026';
    for (const form of ['mau-01', 'mau-04', 'mau-06']) {
      const text = (await expectStatus(getAs(api, 'motcua.26734', `${base}/forms/${form}`), 200)).text;
      expect([form, text.includes(printed), text.includes(current)]).toEqual([form, true, true]);
    }
    for (const form of ['mau-01', 'mau-04']) expect((await getAs(api, 'motcua.26734', `${base}/forms/${form}`)).text).not.toContain('ngày 09/03/2026');
    for (const form of ['mau-03', 'mau-05']) {
      expect((await expectStatus(getAs(api, 'motcua.26734', `${base}/forms/${form}`), 409)).body.rule).toBe('FORM_NOT_APPLICABLE');
    }
    const book = await expectStatus(getAs(api, 'motcua.26734', `/api/tracking-book?officeCode=H26.01.01&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00`), 200);
    expect(book.text).toContain('SỔ THEO DÕI HỒ SƠ');
    expect(book.text).toContain(d.code);
    expect(book.text).toContain(printed);
    expect(book.text).toContain(`Hẹn lại: ${current}`);
    const bookPdf = await getPdf('motcua.26734', `/api/tracking-book?officeCode=H26.01.01&from=2026-03-01T00:00:00%2B07:00&to=2026-04-01T00:00:00%2B07:00&format=pdf`);
    expect(bookPdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    // The audit log holds who did what, refusals included.
    const audit = await eventually(async () => {
      const res = await getAs(api, 'giamsat.26734', `/api/audit?targetId=${d.id}&limit=200`);
      const actions = res.body.items as { actorUsername: string; action: string; status: number }[];
      return actions.some((a) => a.action.endsWith('/return')) ? actions : undefined;
    });
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorUsername: 'tuphap2.26734', action: 'POST /api/dossiers/:id/steps/:stepKey/take', status: 409 }),
        expect.objectContaining({ actorUsername: 'lanhdao.26734', action: 'POST /api/dossiers/:id/sign', status: 200 }),
        expect.objectContaining({ actorUsername: 'motcua.26734', action: 'POST /api/dossiers/:id/return', status: 200 }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('0912345678');
  });

  it('marks an unfinished dossier overdue at its due time, escalates to supervisors, and refuses a late return without an apology', async () => {
    const d = await intake('2026-03-02 09:00');
    await expectStatus(completeStep(api, d.id, 'xu-ly'), 200);
    await inInbox(api.ds, d.id, 'ky-duyet');
    // The desk's reminder one working day before, then the due time passes (Thu 5/3 17:00).
    at('2026-03-05 09:00');
    at('2026-03-06 08:00');
    const [row] = await eventually(async () => {
      const rows = await api.ds.query(`SELECT overdue_at FROM dossiers WHERE id = $1 AND overdue_at IS NOT NULL`, [d.id]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(row.overdue_at).toEqual(vn('2026-03-06 08:00'));
    const notes = await expectStatus(getAs(api, 'giamsat.26734', '/api/notifications'), 200);
    expect(notes.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ dossierCode: d.code, kind: 'overdue' })]));
    const unitNotes = await expectStatus(getAs(api, 'lanhdao.26734', '/api/notifications'), 200);
    expect(unitNotes.body.items.some((n: { dossierCode: string; kind: string }) => n.dossierCode === d.code && n.kind === 'overdue')).toBe(true);
    const inbox = await expectStatus(getAs(api, 'lanhdao.26734', '/api/inbox?overdue=true'), 200);
    expect(inbox.body.items.find((i: { dossierId: string }) => i.dossierId === d.id)).toMatchObject({ overdue: true, dossierOverdue: true });
    expect((await eventTypes(api.ds, d.id)).filter((t) => t === 'DossierOverdue')).toHaveLength(1);

    await expectStatus(signResult(api, d.id), 200);
    await waitForState(api.ds, d.id, 'result_ready');
    const before = await snapshot(d.id);
    const refused = await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/return`, { delivery: 'desk' }), 409);
    expect(refused.body.rule).toBe('APOLOGY_REQUIRED');
    expect(await snapshot(d.id)).toEqual(before);
    // An apology after the due date is allowed, but not "in time" for the indicator.
    const apology = await expectStatus(postAs(api, 'lanhdao.26734', `/api/dossiers/${d.id}/apology`, { reason: 'Chậm do thiếu cán bộ', newDueAt: vn('2026-03-09 17:00').toISOString() }), 200);
    expect(apology.body.inTime).toBe(false);
    const post = await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/return`, { delivery: 'post' }), 400);
    expect(post.body.errors[0].field).toBe('postalTrackingNumber');
    const returned = await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/return`, { delivery: 'post', postalTrackingNumber: 'EB123456789VN' }), 200);
    expect(returned.body.timeliness).toBe('late');
  });

  it('excludes the time with the citizen across a weekend and public holidays (Hùng Kings, 30/4, 1/5)', async () => {
    // Wed 22/4 09:00, 3 working days: Thu 23, Fri 24, (Mon 27 off for Hùng Kings on Sunday) Tue 28 → Tue 28/4 17:00.
    const d = await intake('2026-04-22 09:00');
    const [before] = await api.ds.query(`SELECT due_at FROM dossiers WHERE id = $1`, [d.id]);
    expect(before.due_at).toEqual(vn('2026-04-28 17:00'));
    at('2026-04-23 10:00');
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu giấy tờ', items: [{ name: 'Tờ khai' }] }), 200);
    // Supplied Wed 29/4 09:00. Left at the pause: Thu 330 + Fri 480 + Tue 480 = 1290 office minutes.
    // From Wed 29/4 09:00: 390 that day, 30/4 and 1/5 off, the weekend, 480 on Mon 4/5, 420 on Tue 5/5 → 16:00.
    at('2026-04-29 09:00');
    const supplied = await expectStatus(postAs(api, 'dvcqg.26734', `/api/dossiers/${d.id}/supplement`, { via: 'online' }), 200);
    expect(new Date(supplied.body.dueAt)).toEqual(vn('2026-05-05 16:00'));
    const [after] = await api.ds.query(`SELECT state, due_at, original_due_at, paused_at FROM dossiers WHERE id = $1`, [d.id]);
    expect(after).toEqual({ state: 'in_progress', due_at: vn('2026-05-05 16:00'), original_due_at: vn('2026-05-05 16:00'), paused_at: null });
    const [step] = await api.ds.query(`SELECT due_at FROM work_items WHERE dossier_id = $1 AND step_key = 'xu-ly'`, [d.id]);
    expect(step.due_at.getTime()).toBeGreaterThan(vn('2026-04-29 09:00').getTime());
  });

  it('rejects automatically when the citizen misses the supplement deadline; a second request is flagged', async () => {
    const d = await intake('2026-03-02 09:00');
    at('2026-03-02 10:00');
    const first = await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/steps/xu-ly/supplement-request`, { reason: 'Thiếu', items: [{ name: 'Tờ khai' }] }), 200);
    // 7 working days: Tue 3 … Wed 11/3 17:00.
    expect(new Date(first.body.citizenDueAt)).toEqual(vn('2026-03-11 17:00'));
    at('2026-03-03 09:00');
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${d.id}/supplement`, { via: 'desk' }), 200);
    const second = await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${d.id}/steps/xu-ly/supplement-request`, { reason: 'Còn thiếu', items: [{ name: 'Giấy ủy quyền' }] }), 200);
    expect(second.body).toMatchObject({ number: 2, flagged: true });
    at('2026-03-13 08:00');
    await waitForState(api.ds, d.id, 'rejected_after_appraisal');
    const types = await eventTypes(api.ds, d.id);
    expect(types.slice(-2)).toEqual(['SupplementExpired', 'RejectedAfterAppraisal']);
    const [item] = await api.ds.query(`SELECT status FROM work_items WHERE dossier_id = $1`, [d.id]);
    expect(item.status).toBe('cancelled');
    const refusal = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${d.id}/forms/mau-03`), 200);
    expect(refusal.text).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
    expect(refusal.text).toContain('Quá thời hạn bổ sung hồ sơ');
  });

  it('rejects after appraisal with a reason, and stops at the citizen request (Mẫu 03, Mẫu 05)', async () => {
    const a = await intake('2026-03-16 09:00');
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${a.id}/steps/xu-ly/reject`, { reason: 'Người yêu cầu đang có vợ theo Sổ hộ tịch' }), 200);
    await waitForState(api.ds, a.id, 'rejected_after_appraisal');
    expect((await getAs(api, 'tuphap.26734', `/api/dossiers/${a.id}/forms/mau-03`)).text).toContain('Người yêu cầu đang có vợ theo Sổ hộ tịch');

    const b = await intake('2026-03-16 10:00');
    const stop = await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${b.id}/withdraw`, { reason: 'Công dân đề nghị rút hồ sơ để bổ sung sau' }), 200);
    expect(stop.body.state).toBe('withdrawn');
    const [item] = await api.ds.query(`SELECT status FROM work_items WHERE dossier_id = $1`, [b.id]);
    expect(item.status).toBe('cancelled');
    const notice = await expectStatus(getAs(api, 'motcua.26734', `/api/dossiers/${b.id}/forms/mau-05?format=html`), 200);
    expect(notice.text).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
    expect(notice.text).toContain('Công dân đề nghị rút hồ sơ để bổ sung sau');
    const before = await snapshot(b.id);
    expect((await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${b.id}/withdraw`, { reason: 'Lần nữa' }), 409)).body.rule).toBe('ILLEGAL_TRANSITION');
    expect((await expectStatus(completeStep(api, b.id, 'xu-ly', {}, 'tuphap.26734'), 409)).body.rule).toBe('ILLEGAL_TRANSITION');
    expect(await snapshot(b.id)).toEqual(before);
  });

  it('refuses what it must (403 other unit, 404 other commune or unknown, 400 naming the field, 409 illegal) and changes nothing', async () => {
    const d = await intake('2026-03-17 09:00');
    const base = `/api/dossiers/${d.id}`;
    // The reminders wait in the timer table for their moment on the application's clock, so none
    // fires during the refusals: the step's warning and the dossier's two.
    await eventually(async () => {
      const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM deadline_timers WHERE dossier_id = $1 AND fired_at IS NULL AND fire_at > $2`, [d.id, api.clock.now()]);
      return n === 3 ? true : undefined;
    });
    const before = await snapshot(d.id);
    const refusals: [Promise<request.Response>, number, string?][] = [
      [postAs(api, 'congan.26734', `${base}/steps/xu-ly/take`), 403],
      [postAs(api, 'congan.26734', `${base}/steps/xu-ly/supplement-request`, { reason: 'x', items: [{ name: 'y' }] }), 403],
      [postAs(api, 'tuphap.26737', `${base}/steps/xu-ly/take`), 404],
      [postAs(api, 'tuphap.26737', `${base}/steps/xu-ly/reject`, { reason: 'x' }), 404],
      [getAs(api, 'congan.26734', base), 403],
      [getAs(api, 'tuphap.26737', `${base}/forms/mau-01`), 404],
      [postAs(api, 'tuphap.26734', `${base}/sign`, { document: resultDocument() }), 403],
      [postAs(api, 'tuphap.26734', `${base}/steps/xu-ly/supplement-request`, { reason: 'x', items: [] }), 400, 'items'],
      [postAs(api, 'tuphap.26734', `${base}/steps/xu-ly/supplement-request`, { items: [{ name: 'y' }] }), 400, 'reason'],
      [postAs(api, 'lanhdao.26734', `${base}/sign`, { document: { name: 'kq.pdf', sha256: 'abc' } }), 400, 'document.sha256'],
      [postAs(api, 'lanhdao.26734', `${base}/apology`, { reason: 'x', newDueAt: 'ngày mai' }), 400, 'newDueAt'],
      [postAs(api, 'lanhdao.26734', `${base}/apology`, { reason: 'x', newDueAt: vn('2026-03-18 17:00').toISOString() }), 400, 'newDueAt'],
      [postAs(api, 'giamsat.26734', `${base}/steps/xu-ly/assign`, { assignee: 'congan.26734' }), 400, 'assignee'],
      [postAs(api, 'motcua.26734', `${base}/return`, { delivery: 'desk' }), 409],
      [postAs(api, 'motcua.26734', `${base}/supplement`, { via: 'desk' }), 409],
      [postAs(api, 'lanhdao.26734', `${base}/sign`, { document: resultDocument() }), 409],
      [postAs(api, 'tuphap.26734', `${base}/steps/khong-co/take`), 409],
      [postAs(api, 'tuphap.26734', `/api/dossiers/00000000-0000-4000-8000-000000000000/steps/xu-ly/take`), 404],
      [getAs(api, 'tuphap.26734', '/api/inbox?unit=cong-an'), 403],
    ];
    for (const [pending, status, field] of refusals) {
      const res = await expectStatus(pending, status);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(typeof res.body.message).toBe('string');
    }
    expect(await snapshot(d.id)).toEqual(before);

    // Lists never leak another commune's dossiers.
    const other = await expectStatus(getAs(api, 'tuphap.26737', '/api/inbox?limit=200'), 200);
    expect(other.body.items.map((i: { dossierCode: string }) => i.dossierCode).filter((c: string) => c.startsWith('H26.01'))).toEqual([]);
  });
});
