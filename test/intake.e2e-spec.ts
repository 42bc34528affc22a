import request from 'supertest';
import { verifyChain } from '@motcua/domain';
import { startTestApi, type TestApi } from './support/api';

/**
 * Intake end to end over HTTP against the real API, PostgreSQL (own database) and the seeded
 * catalog: receipt at the desk, by post and online; due dates from the calendar; one transaction
 * for dossier + first event + outbox row; refusals that name the field and change nothing.
 */
describe('intake (Tiếp nhận hồ sơ)', () => {
  let api: TestApi;
  const server = () => api.app.getHttpServer();
  /** Requests as the one-stop desk's receptionist of commune 26734. */
  const desk = async () => request.agent(server()).set('authorization', `Bearer ${await api.token('motcua.26734')}`);

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const body = (over: Record<string, unknown> = {}) => ({
    procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
    officeCode: 'H26.01.01',
    channel: 'desk',
    applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678', idNumber: '001090012345', address: 'Thôn Đông, xã Thanh Bình' },
    ...over,
  });

  async function counts(): Promise<Record<string, number>> {
    const [row] = await api.ds.query(`SELECT
      (SELECT count(*) FROM dossiers)::int AS dossiers,
      (SELECT count(*) FROM dossier_events)::int AS events,
      (SELECT count(*) FROM outbox)::int AS outbox,
      (SELECT count(*) FROM deadline_timers)::int AS deadlines,
      (SELECT coalesce(sum(last_value), 0) FROM dossier_code_sequences)::int AS codes,
      (SELECT coalesce(sum(last_value), 0) FROM tracking_book_sequences)::int AS book`);
    return row;
  }

  it('receives at the desk and forwards to the first unit in one transaction: dossier, events, outbox rows', async () => {
    api.clock.set('2026-03-02T02:15:00Z'); // Monday 09:15 in Vietnam
    const before = await counts();
    const res = await (await desk()).post('/api/dossiers').send(body()).expect(201);

    expect(res.body.code).toBe('H26.01.01-260302-0001');
    expect(res.body.state).toBe('in_progress');
    const slip = res.body.receipt;
    expect(slip.form).toBe('Mẫu 01');
    expect(slip.title).toBe('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(slip.procedureName).toBe('Cấp Giấy xác nhận tình trạng hôn nhân');
    expect(slip.legalTime).toBe('3 ngày làm việc');
    expect(slip.receivedAtText).toBe('09 giờ 15 phút, ngày 02/03/2026');
    // 3 working days, receipt day not counted: Tue, Wed, Thu → Thursday 17:00.
    expect(slip.appointmentAt).toBe(new Date('2026-03-05T17:00:00+07:00').toISOString());
    expect(slip.appointmentText).toBe('17 giờ 00 phút, ngày 05/03/2026');
    expect(slip.components.length).toBeGreaterThan(0);
    expect(slip.trackingBook).toBe('Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 1');
    expect(slip.receivedBy).toBe('Trần Thị Bình');

    const after = await counts();
    expect(after.dossiers - before.dossiers).toBe(1);
    expect(after.events - before.events).toBe(2);
    // The hand-off's job only: the portal hears of the dossier through its sync row (below).
    expect(after.outbox - before.outbox).toBe(1);
    // The desk's reminder one working day before the appointment, and the due-time check: rows of
    // the timer table, written with the events (no delayed job, no outbox row).
    const deadlines = await api.ds.query(
      `SELECT kind, due_at, fire_at FROM deadline_timers WHERE dossier_id = $1 AND fired_at IS NULL ORDER BY fire_at`,
      [res.body.id],
    );
    expect(deadlines).toEqual([
      { kind: 'dossier-due-soon', due_at: new Date('2026-03-05T17:00:00+07:00'), fire_at: new Date('2026-03-04T17:00:00+07:00') },
      { kind: 'dossier-due', due_at: new Date('2026-03-05T17:00:00+07:00'), fire_at: new Date('2026-03-05T17:00:00+07:00') },
    ]);

    const events = await api.ds.query(
      `SELECT dossier_id AS "dossierId", seq, type, payload, actor, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash
         FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`,
      [res.body.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual(['DossierReceived', 'HandoffSent']);
    expect(events[1].payload).toMatchObject({ fromUnit: 'van-phong', toUnit: 'tu-phap', channel: 'electronic' });
    expect(events[0].payload).not.toHaveProperty('phone');
    expect(JSON.stringify(events[0].payload)).not.toContain('0912345678');
    expect(verifyChain(events)).toBeUndefined();
    const outbox = await api.ds.query(`SELECT queue, job_name, payload FROM outbox ORDER BY id DESC LIMIT 1`);
    const [handoff] = await api.ds.query(`SELECT id FROM handoffs WHERE dossier_id = $1`, [res.body.id]);
    expect(outbox).toEqual([{ queue: 'tu-phap', job_name: 'handoff', payload: { dossierId: res.body.id, communeCode: '26734', handoffId: handoff.id } }]);
    // Marked for the portal up to its receipt (seq 1), in the same statement; nothing sent yet.
    const sync = await api.ds.query(`SELECT commune_code, wanted_seq, synced_seq, header_synced FROM portal_sync WHERE dossier_id = $1`, [res.body.id]);
    expect(sync).toEqual([{ commune_code: '26734', wanted_seq: 1, synced_seq: 0, header_synced: false }]);
  });

  it('numbers dossiers per office and day, gap-free under concurrent intake', async () => {
    api.clock.set('2026-03-03T02:00:00Z');
    const agent = await desk();
    const results = await Promise.all(Array.from({ length: 8 }, () => agent.post('/api/dossiers').send(body())));
    const codes = results.map((r) => r.body.code as string).sort();
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(codes).toEqual(Array.from({ length: 8 }, (_, i) => `H26.01.01-260303-${String(i + 1).padStart(4, '0')}`));
    const other = await (await desk()).post('/api/dossiers').send(body({ officeCode: 'H26.01.02' })).expect(201);
    expect(other.body.code).toBe('H26.01.02-260303-0001');
  });

  it('carries the appointment across the official Tết 2026 schedule', async () => {
    api.clock.set('2026-02-13T03:00:00Z'); // Friday 10:00, the last working day before Tết
    const res = await (await desk()).post('/api/dossiers').send(body()).expect(201);
    // Off Sat 14 – Sun 22 Feb; working days Mon 23, Tue 24, Wed 25.
    expect(res.body.receipt.appointmentAt).toBe(new Date('2026-02-25T17:00:00+07:00').toISOString());
  });

  it('applies the 15:00 cut-off to same-day procedures', async () => {
    const sameDay = { procedureCode: 'chung-thuc-ban-sao-tu-ban-chinh' };
    api.clock.set('2026-03-04T07:59:00Z'); // Wednesday 14:59
    const early = await (await desk()).post('/api/dossiers').send(body(sameDay)).expect(201);
    expect(early.body.receipt.appointmentAt).toBe(new Date('2026-03-04T17:00:00+07:00').toISOString());
    api.clock.set('2026-03-04T08:00:00Z'); // 15:00
    const late = await (await desk()).post('/api/dossiers').send(body(sameDay)).expect(201);
    expect(late.body.receipt.appointmentAt).toBe(new Date('2026-03-05T17:00:00+07:00').toISOString());
  });

  it('counts an online dossier sent on a Saturday night from the next working period', async () => {
    api.clock.set('2026-03-07T15:00:00Z'); // Saturday 22:00
    const res = await (await desk())
      .post('/api/dossiers')
      .send(body({ channel: 'online', resultDelivery: 'online' }))
      .expect(201);
    const [row] = await api.ds.query(`SELECT counted_from, channel FROM dossiers WHERE id = $1`, [res.body.id]);
    expect(new Date(row.counted_from).toISOString()).toBe(new Date('2026-03-09T07:30:00+07:00').toISOString());
    expect(row.channel).toBe('online');
    // Counted from Monday: Tue, Wed, Thu.
    expect(res.body.receipt.appointmentAt).toBe(new Date('2026-03-12T17:00:00+07:00').toISOString());
    expect(res.body.receipt.channel).toBe('Trực tuyến');
  });

  it('receives by post and records the channel and result delivery', async () => {
    api.clock.set('2026-03-09T03:00:00Z');
    const res = await (await desk()).post('/api/dossiers').send(body({ channel: 'post', resultDelivery: 'post' })).expect(201);
    expect(res.body.receipt.channel).toBe('Qua dịch vụ bưu chính công ích');
    expect(res.body.receipt.resultDelivery).toBe('Qua dịch vụ bưu chính công ích');
  });

  it('receives for another commune of the province and records both', async () => {
    api.clock.set('2026-03-09T03:00:00Z');
    const res = await (await desk()).post('/api/dossiers').send(body({ communeCode: '26737' })).expect(201);
    const [row] = await api.ds.query(`SELECT commune_code, receiving_commune_code, receiving_office_code FROM dossiers WHERE id = $1`, [res.body.id]);
    expect(row).toEqual({ commune_code: '26737', receiving_commune_code: '26734', receiving_office_code: 'H26.01.01' });
    expect(res.body.receipt.decidingCommune).toBe('Xã Phú Hòa');
    expect(res.body.code.startsWith('H26.01.01-')).toBe(true);
  });

  it('pins the inter-agency options the citizen chose', async () => {
    api.clock.set('2026-03-09T03:00:00Z');
    const res = await (await desk())
      .post('/api/dossiers')
      .send(body({ procedureCode: 'lien-thong-khai-sinh', channel: 'online', options: ['the-bhyt', 'khai-sinh'] }))
      .expect(201);
    const [row] = await api.ds.query(`SELECT options, route_version, procedure_code FROM dossiers WHERE id = $1`, [res.body.id]);
    expect(row).toEqual({ options: ['khai-sinh', 'the-bhyt'], route_version: 1, procedure_code: 'lien-thong-khai-sinh' });
  });

  it('sends state-secret dossiers on paper only and never to the portal: no message but its own deadlines', async () => {
    api.clock.set('2026-03-09T03:00:00Z');
    const before = await counts();
    const res = await (await desk()).post('/api/dossiers').send(body({ stateSecret: true })).expect(201);
    const after = await counts();
    expect(after.dossiers - before.dossiers).toBe(1);
    expect(after.outbox - before.outbox).toBe(0);
    expect(await api.ds.query(`SELECT 1 FROM portal_sync WHERE dossier_id = $1`, [res.body.id])).toEqual([]);
    // Deadline reminders stay inside the system: the dossier's two and the paper-received step's warning.
    expect(after.deadlines - before.deadlines).toBe(3);
    expect(res.body.state).toBe('in_progress');
    const handoffs = await api.ds.query(`SELECT channel, reason, received_at FROM handoffs WHERE dossier_id = $1`, [res.body.id]);
    expect(handoffs).toEqual([{ channel: 'paper', reason: 'state_secret', received_at: expect.any(Date) }]);
    const items = await api.ds.query(`SELECT unit_kind, status FROM work_items WHERE dossier_id = $1`, [res.body.id]);
    expect(items).toEqual([{ unit_kind: 'tu-phap', status: 'pending' }]);
    const refused = await (await desk())
      .post('/api/dossiers')
      .send(body({ stateSecret: true, handoff: { channel: 'electronic' } }))
      .expect(400);
    expect(refused.body.rule).toBe('STATE_SECRET_PAPER_ONLY');
  });

  it('records a paper hand-off with its reason, and refuses one without', async () => {
    api.clock.set('2026-03-09T03:00:00Z');
    const res = await (await desk())
      .post('/api/dossiers')
      .send(body({ handoff: { channel: 'paper', reason: 'originals_needed', note: 'Bản chính giấy khai sinh' } }))
      .expect(201);
    const [h] = await api.ds.query(`SELECT channel, reason, sent_at = received_at AS same FROM handoffs WHERE dossier_id = $1`, [res.body.id]);
    expect(h).toEqual({ channel: 'paper', reason: 'originals_needed', same: true });
    const before = await counts();
    const refused = await (await desk()).post('/api/dossiers').send(body({ handoff: { channel: 'paper' } })).expect(400);
    expect(refused.body.errors[0].field).toBe('handoff.reason');
    expect(await counts()).toEqual(before);
  });

  describe('refusals name the field and change nothing', () => {
    const cases: [string, Record<string, unknown>, string[], string][] = [
      ['no phone and no ID number', { applicant: { fullName: 'Lê Văn Cường' } }, ['applicant.idNumber', 'applicant.phone'], 'VALIDATION'],
      ['a bad phone', { applicant: { fullName: 'Lê Văn Cường', phone: '12345' } }, ['applicant.phone'], 'VALIDATION'],
      ['a bad ID number', { applicant: { fullName: 'Lê Văn Cường', idNumber: '12AB' } }, ['applicant.idNumber'], 'VALIDATION'],
      ['an unknown channel and a missing name', { channel: 'fax', applicant: { phone: '0912345678' } }, ['channel', 'applicant.fullName'], 'VALIDATION'],
      ['an unknown field', { priority: 'high' }, ['priority'], 'VALIDATION'],
      ['a negative component count', { components: [{ name: 'Tờ khai', originals: -1, copies: 0 }] }, ['components[0].originals'], 'VALIDATION'],
      ['an unknown procedure', { procedureCode: 'khong-co-thu-tuc-nay' }, ['procedureCode'], 'PROCEDURE_UNKNOWN'],
      ['an unknown office', { officeCode: 'H99.99.99' }, ['officeCode'], 'OFFICE_UNKNOWN'],
      ['an unknown commune', { communeCode: '99999' }, ['communeCode'], 'COMMUNE_UNKNOWN'],
      ['online for a procedure not offered online', { procedureCode: 'dang-ky-giam-ho', channel: 'online' }, ['channel'], 'ONLINE_NOT_OFFERED'],
      ['a state secret sent online', { stateSecret: true, channel: 'online' }, ['stateSecret'], 'STATE_SECRET_OFFLINE'],
      ['a group with too few procedures', { procedureCode: 'lien-thong-khai-sinh', options: ['khai-sinh'] }, ['options'], 'OPTIONS_TOO_FEW'],
      ['options for a single procedure', { options: ['khai-sinh'] }, ['options'], 'OPTIONS_NOT_ALLOWED'],
    ];

    it.each(cases)('refuses %s', async (_name, over, fields, rule) => {
      api.clock.set('2026-03-10T03:00:00Z');
      const before = await counts();
      const res = await (await desk()).post('/api/dossiers').send(body(over)).expect(400);
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([...fields].sort());
      for (const e of res.body.errors) expect(typeof e.message).toBe('string');
      expect(res.body.rule).toBe(rule);
      expect(await counts()).toEqual(before);
    });

    it('refuses a commune of another province', async () => {
      await api.ds.query(`INSERT INTO communes (code, name, province_code, province_name) VALUES ('01001', 'Phường Phúc Xá', '01', 'Thành phố Hà Nội')`);
      const before = await counts();
      const res = await (await desk()).post('/api/dossiers').send(body({ communeCode: '01001' })).expect(400);
      expect(res.body.rule).toBe('COMMUNE_OUTSIDE_PROVINCE');
      expect(res.body.errors[0].field).toBe('communeCode');
      expect(await counts()).toEqual(before);
    });

    it('answers malformed JSON with a 400, not a 500', async () => {
      const res = await (await desk()).post('/api/dossiers').set('content-type', 'application/json').send('{"procedureCode":');
      expect(res.status).toBe(400);
    });
  });
});
