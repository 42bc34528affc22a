import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api';
import { startPortalStub, startWorker } from './support/apps';
import { testEnv } from './support/env';
import { completeStep, expectStatus, inInbox, postAs, receive, signResult, waitForState } from './support/workflow';

/** An instant in Vietnam time. */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);

const HT = 'cap-giay-xac-nhan-tinh-trang-hon-nhan'; // Hộ tịch, 3 working days: received Mon 09:00 → due Thu 17:00
const CT = 'chung-thuc-chu-ky'; // Chứng thực, the same day: received 09:00 → due 17:00 that day

type Counts = Record<string, number>;
/** The 13 official columns (3–13) and the two split out (withdrawn, rejected), in order. */
const c = (...v: number[]): Counts => {
  const keys = ['received', 'receivedOnline', 'receivedInPersonOrPost', 'carriedOver', 'resolved', 'resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'inProcess', 'inProcessWithinDeadline', 'inProcessOverdue', 'withdrawn', 'rejected'];
  return Object.fromEntries(keys.map((k, i) => [k, v[i]]));
};

/**
 * The periodic report (issue 11 items 4 and 7) on a hand-built set of dossiers of commune 26734,
 * every dossier through the real API and worker on the test's clock (2026; Tết is 14–22 Feb, so
 * every day used below is a working day unless it is a weekend):
 *
 * | | procedure | received | channel | what happens | original due |
 * |-|-|-|-|-|-|
 * | J | HT | Mon 23/2 09:00 | desk | signed Wed 25/2 → early | Thu 26/2 |
 * | A | HT | Thu 26/2 09:00 | desk | signed Mon 2/3 → early (carried over into March) | Tue 3/3 |
 * | B | HT | Fri 27/2 10:00 | online | never finished (carried over, overdue in March) | Wed 4/3 |
 * | C | HT | Mon 2/3 09:00 | desk | apology Wed 4/3 (new date 9/3), signed Mon 9/3 → late | Thu 5/3 |
 * | D | HT | Tue 3/3 09:00 | post | paper hand-off to the leader, signed Thu 5/3 → early | Fri 6/3 |
 * | E | HT | Tue 3/3 10:00 | desk | state secret (paper all the way), signed Fri 6/3 → on time | Fri 6/3 |
 * | L | HT | Tue 10/3 09:00 | desk | commune 26737's own dossier, never finished | Fri 13/3 |
 * | G | HT | Wed 11/3 09:00 | desk | received at 26737's office H26.02.01, decided by 26734, signed Mon 16/3 → on time | Mon 16/3 |
 * | H | CT | Thu 12/3 09:00 | desk | withdrawn Fri 13/3 | Thu 12/3 |
 * | I | HT | Thu 12/3 10:00 | online | rejected after appraisal Fri 13/3 | Tue 17/3 |
 * | F | HT | Wed 18/3 09:00 | online | supplement requested 10:00, still waiting (clock paused) | Mon 23/3 |
 * | K | CT | Thu 19/3 09:00 | desk | never finished | Thu 19/3 |
 *
 * The reports are asked on Fri 20/3 09:00.
 */
describe('periodic report (Tình hình, kết quả giải quyết TTHC)', () => {
  let api: TestApi;
  let worker: INestApplicationContext;
  let stub: { app: INestApplication; url: string };
  const ids: Record<string, string> = {};

  const at = (local: string) => api.clock.set(vn(local));
  const get = async (username: string, query: Record<string, string>) =>
    request(api.app.getHttpServer()).get('/api/reports/periodic').set('authorization', `Bearer ${await api.token(username)}`).query(query);
  const binary = async (username: string, query: Record<string, string>) =>
    request(api.app.getHttpServer())
      .get('/api/reports/periodic')
      .set('authorization', `Bearer ${await api.token(username)}`)
      .query(query)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (b: Buffer) => chunks.push(b));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });

  async function intake(key: string, local: string, over: Record<string, unknown> = {}) {
    at(local);
    const d = await receive(api, { procedureCode: HT, ...over });
    ids[key] = d.id;
    return d.id;
  }
  async function finish(id: string, signAt: string, xuLy: Record<string, unknown> = {}) {
    await inInbox(api.ds, id, 'xu-ly');
    await expectStatus(completeStep(api, id, 'xu-ly', xuLy), 200);
    await inInbox(api.ds, id, 'ky-duyet');
    at(signAt);
    await expectStatus(signResult(api, id), 200);
    await waitForState(api.ds, id, 'result_ready');
  }

  beforeAll(async () => {
    api = await startTestApi('2026-02-23T02:00:00Z');
    stub = await startPortalStub();
    worker = await startWorker(testEnv(api.dbName, api.env.QUEUE_PREFIX, { PORTAL_URL: `${stub.url}/dvcqg`, STUBS_URL: stub.url, DEADLINE_SWEEP_MS: '200' }), api.clock);

    const J = await intake('J', '2026-02-23 09:00');
    at('2026-02-25 09:00');
    await finish(J, '2026-02-25 10:00');
    const A = await intake('A', '2026-02-26 09:00');
    await intake('B', '2026-02-27 10:00', { channel: 'online' });
    const C = await intake('C', '2026-03-02 09:00');
    at('2026-03-02 10:00');
    await finish(A, '2026-03-02 11:00');
    const D = await intake('D', '2026-03-03 09:00', { channel: 'post', resultDelivery: 'post' });
    const E = await intake('E', '2026-03-03 10:00', { stateSecret: true });
    at('2026-03-03 14:00');
    await inInbox(api.ds, C, 'xu-ly');
    await expectStatus(completeStep(api, C, 'xu-ly'), 200);
    await inInbox(api.ds, D, 'xu-ly');
    await expectStatus(completeStep(api, D, 'xu-ly', { handoff: { channel: 'paper', reason: 'originals_needed' } }), 200);
    await inInbox(api.ds, E, 'xu-ly');
    await expectStatus(completeStep(api, E, 'xu-ly'), 200);
    at('2026-03-04 09:00');
    const apology = await expectStatus(postAs(api, 'lanhdao.26734', `/api/dossiers/${C}/apology`, { reason: 'Cần xác minh thêm', newDueAt: vn('2026-03-09 17:00').toISOString() }), 200);
    expect(apology.body.inTime).toBe(true);
    for (const [id, local] of [[D, '2026-03-05 09:00'], [E, '2026-03-06 09:00'], [C, '2026-03-09 09:00']] as const) {
      await inInbox(api.ds, id, 'ky-duyet');
      at(local);
      await expectStatus(signResult(api, id), 200);
      await waitForState(api.ds, id, 'result_ready');
    }
    at('2026-03-10 09:00');
    const L = await expectStatus(
      postAs(api, 'motcua.26737', '/api/dossiers', { procedureCode: HT, officeCode: 'H26.02.01', channel: 'desk', applicant: { fullName: 'Trần Thị Bình', phone: '0912000111' } }),
      201,
    );
    ids.L = L.body.id;
    at('2026-03-11 09:00');
    const G = await expectStatus(
      postAs(api, 'motcua.26737', '/api/dossiers', { procedureCode: HT, officeCode: 'H26.02.01', communeCode: '26734', channel: 'desk', applicant: { fullName: 'Lê Văn Cường', phone: '0912000222' } }),
      201,
    );
    ids.G = G.body.id;
    const H = await intake('H', '2026-03-12 09:00', { procedureCode: CT });
    const I = await intake('I', '2026-03-12 10:00', { channel: 'online' });
    at('2026-03-13 09:00');
    await expectStatus(postAs(api, 'motcua.26734', `/api/dossiers/${H}/withdraw`, { reason: 'Công dân đề nghị rút hồ sơ' }), 200);
    await inInbox(api.ds, I, 'xu-ly');
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${I}/steps/xu-ly/reject`, { reason: 'Không đủ điều kiện' }), 200);
    at('2026-03-16 09:00');
    await finish(G.body.id, '2026-03-16 10:00');
    const F = await intake('F', '2026-03-18 09:00', { channel: 'online' });
    await inInbox(api.ds, F, 'xu-ly');
    at('2026-03-18 10:00');
    await expectStatus(postAs(api, 'tuphap.26734', `/api/dossiers/${F}/steps/xu-ly/supplement-request`, { reason: 'Thiếu tờ khai', items: [{ name: 'Tờ khai' }] }), 200);
    await waitForState(api.ds, F, 'waiting_supplement');
    await intake('K', '2026-03-19 09:00', { procedureCode: CT });
    at('2026-03-20 09:00');
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await stub?.app.close();
    await api?.close();
  });

  it('built the dossiers as the table says', async () => {
    const rows = await api.ds.query(`SELECT id, commune_code, receiving_commune_code, state, state_secret FROM dossiers`);
    const by = new Map(rows.map((r: { id: string }) => [r.id, r]));
    expect(by.get(ids.G)).toMatchObject({ commune_code: '26734', receiving_commune_code: '26737', state: 'result_ready' });
    expect(by.get(ids.E)).toMatchObject({ state_secret: true, state: 'result_ready' });
    expect(by.get(ids.F)).toMatchObject({ state: 'waiting_supplement' });
    const [paper] = await api.ds.query(`SELECT count(*)::int AS n FROM handoffs WHERE dossier_id = $1 AND channel = 'paper'`, [ids.D]);
    expect(paper.n).toBe(1);
  });

  it('reports March (calendar) as of Fri 20/3: every column, by field and procedure, and the identity', async () => {
    const res = await expectStatus(get('giamsat.26734', { period: 'month', year: '2026', index: '3' }), 200);
    expect(res.headers['x-report-identity']).toBe('holds');
    expect(res.body.period).toMatchObject({ period: 'month', year: 2026, index: 3, window: 'calendar', firstDay: '2026-03-01', lastDay: '2026-03-31', from: '2026-02-28T17:00:00.000Z' });
    expect(res.body.asOf).toBe(vn('2026-03-20 09:00').toISOString());
    // In scope: received before the end and not closed before 1/3 — A B (carried over) C D E G H I F K; J closed in
    // February, L is 26737's. Hộ tịch: A B C D E G I F (8) — online I F (2), in person C D(post) E G (4), carried A B (2);
    // resolved A early, D early, E on time, G on time, C late (5 = 2 + 2 + 1); in process B (due 4/3 < 20/3: overdue),
    // F (paused before its due day: within) (2 = 1 + 1); I rejected. 8 = 5 + 2 + 0 + 1.
    // Chứng thực: H K (2), both at the desk; K due 19/3 17:00, unfinished on 20/3: overdue; H withdrawn. 2 = 0 + 1 + 1 + 0.
    const hoTich = c(8, 2, 4, 2, 5, 2, 2, 1, 2, 1, 1, 0, 1);
    const chungThuc = c(2, 0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0);
    expect(res.body.rows).toEqual([
      { no: '1', level: 'field', code: 'chung-thuc', name: 'Chứng thực', ...chungThuc },
      { no: '1.1', level: 'procedure', code: CT, name: 'Chứng thực chữ ký trong giấy tờ, văn bản', ...chungThuc },
      { no: '2', level: 'field', code: 'ho-tich', name: 'Hộ tịch', ...hoTich },
      { no: '2.1', level: 'procedure', code: HT, name: 'Cấp Giấy xác nhận tình trạng hôn nhân', ...hoTich },
    ]);
    // 10 = 2 online + 6 in person + 2 carried over = 5 resolved + 3 in process + 1 withdrawn + 1 rejected.
    expect(res.body.total).toEqual(c(10, 2, 6, 2, 5, 2, 2, 1, 3, 1, 2, 1, 1));
    expect(res.body.identity).toMatchObject({ holds: true, failures: [] });
    expect(res.body.columns.map((x: { header: string }) => x.header).slice(0, 6)).toEqual(['TT', 'Lĩnh vực, công việc giải quyết theo cấp', 'Tổng số', 'Trong kỳ: Trực tuyến', 'Trong kỳ: Trực tiếp, dịch vụ bưu chính', 'Từ kỳ trước']);

    // Counted as handled on time instead (another province's form): H and I move into columns 7 and 9.
    const onTime = await expectStatus(get('lanhdao.26734', { period: 'month', year: '2026', index: '3', closedWithoutResult: 'resolved-on-time' }), 200);
    expect(onTime.body.total).toEqual(c(10, 2, 6, 2, 7, 2, 4, 1, 3, 1, 2, 0, 0));
    expect(onTime.body.identity.holds).toBe(true);
  });

  it('reports February (closed): what March carried over was in process and within its deadline then', async () => {
    const res = await expectStatus(get('quantri.26734', { period: 'month', year: '2026', index: '2' }), 200);
    // J A B received (J A desk, B online); J resolved 25/2, early (due 26/2); A (due 3/3) and B (due 4/3) in process, within.
    expect(res.body.total).toEqual(c(3, 1, 2, 0, 1, 1, 0, 0, 2, 2, 0, 0, 0));
    expect(res.body.asOf).toBe(vn('2026-03-01 00:00').toISOString());
    expect(res.body.identity.holds).toBe(true);
  });

  it('reports the 15-to-14 month of March (15/2–14/3) and the first quarter', async () => {
    const res = await expectStatus(get('giamsat.26734', { period: 'month', year: '2026', index: '3', window: '15-14' }), 200);
    expect(res.body.period).toMatchObject({ firstDay: '2026-02-15', lastDay: '2026-03-14' });
    // Received 15/2–14/3: J A B C D E G I (Hộ tịch) and H (Chứng thực) = 9, none before (Tết); online B I.
    // Resolved J A D early, E on time, C late (5); in process on 14/3: B overdue (due 4/3), G within (due 16/3);
    // H withdrawn, I rejected. 9 = 5 + 2 + 1 + 1.
    expect(res.body.total).toEqual(c(9, 2, 7, 0, 5, 3, 1, 1, 2, 1, 1, 1, 1));
    expect(res.body.rows.find((r: { code: string }) => r.code === 'chung-thuc')).toMatchObject(c(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0));
    // Quarter I, calendar, still running (as of 20/3): all 11 of 26734's, none carried over. Online B I F (3), in person
    // J A C D E G H K (8); resolved J A D early, E G on time, C late (6); in process B K overdue, F within (3); H, I.
    // 11 = 6 + 3 + 1 + 1.
    const q = await expectStatus(get('giamsat.26734', { period: 'quarter', year: '2026', index: '1' }), 200);
    expect(q.body.total).toEqual(c(11, 3, 8, 0, 6, 3, 2, 1, 3, 1, 2, 1, 1));
  });

  it('exports XLSX that parses back with the same numbers and Vietnamese headers', async () => {
    const res = await binary('giamsat.26734', { period: 'month', year: '2026', index: '3', format: 'xlsx' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.worksheets[0];
    const text = (r: number, col: number) => String(ws.getRow(r).getCell(col).value ?? '');
    expect(text(2, 1)).toBe('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(text(3, 1)).toBe('Tháng 3 năm 2026 (từ ngày 01/03/2026 đến ngày 31/03/2026)');
    expect(text(5, 1)).toMatch(/^Kiểm tra cân đối: đạt/);
    expect([text(6, 3), text(6, 7), text(6, 11)]).toEqual(['Số hồ sơ nhận giải quyết', 'Số lượng hồ sơ đã giải quyết', 'Số lượng hồ sơ đang giải quyết']);
    expect([text(7, 3), text(7, 6), text(7, 8), text(7, 12), text(7, 13)]).toEqual(['Tổng số', 'Từ kỳ trước', 'Trước hạn', 'Trong hạn', 'Quá hạn']);
    expect(text(8, 13)).toBe('(13)');
    const values = (r: number) => Array.from({ length: 13 }, (_, i) => Number(ws.getRow(r).getCell(i + 3).value));
    expect([text(9, 1), text(9, 2)]).toEqual(['1', 'Chứng thực']);
    expect([text(12, 1), text(12, 2)]).toEqual(['2.1', 'Cấp Giấy xác nhận tình trạng hôn nhân']);
    expect(values(12)).toEqual([8, 2, 4, 2, 5, 2, 2, 1, 2, 1, 1, 0, 1]);
    expect(text(13, 2)).toBe('Tổng cộng');
    expect(values(13)).toEqual([10, 2, 6, 2, 5, 2, 2, 1, 3, 1, 2, 1, 1]);
  });

  it('exports CSV with a UTF-8 BOM for Excel', async () => {
    const res = await binary('giamsat.26734', { period: 'month', year: '2026', index: '3', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    // The title holds a comma, so it is quoted.
    expect(lines[0]).toMatch(/^"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — Ủy ban nhân dân xã .+"$/);
    expect(lines[2]).toMatch(/^"?Kiểm tra cân đối: đạt/);
    expect(lines[4].startsWith('TT,"Lĩnh vực, công việc giải quyết theo cấp",Số hồ sơ nhận giải quyết – Tổng số,')).toBe(true);
    expect(lines[5]).toBe('1,Chứng thực,2,0,2,0,0,0,0,0,1,0,1,1,0');
    expect(lines[6]).toBe('1.1,"Chứng thực chữ ký trong giấy tờ, văn bản",2,0,2,0,0,0,0,0,1,0,1,1,0');
    expect(lines[8]).toBe('2.1,Cấp Giấy xác nhận tình trạng hôn nhân,8,2,4,2,5,2,2,1,2,1,1,0,1');
    expect(lines[9]).toBe(',Tổng cộng,10,2,6,2,5,2,2,1,3,1,2,1,1');
  });

  it("shows another commune's supervisor only their own commune", async () => {
    // 26737 decides L alone (received Tue 10/3, due Fri 13/3, unfinished on 20/3: overdue). G, received at its office, is 26734's.
    const res = await expectStatus(get('giamsat.26737', { period: 'month', year: '2026', index: '3' }), 200);
    expect(res.body.communeCode).toBe('26737');
    expect(res.body.total).toEqual(c(1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0));
    expect(res.body.rows.map((r: { code: string }) => r.code)).toEqual(['ho-tich', HT]);
  });

  it('refuses an officer (403) and names each bad parameter (400)', async () => {
    await expectStatus(get('tuphap.26734', { period: 'month', year: '2026', index: '3' }), 403);
    await expectStatus(get('motcua.26734', { period: 'month', year: '2026', index: '3' }), 403);
    const bad: [Record<string, string>, string][] = [
      [{ period: 'week', year: '2026' }, 'period'],
      [{ year: '2026' }, 'period'],
      [{ period: 'month', year: '26' }, 'year'],
      [{ period: 'month' }, 'year'],
      [{ period: 'month', year: '2026', index: '13' }, 'index'],
      [{ period: 'quarter', year: '2026', index: '5' }, 'index'],
      [{ period: 'month', year: '2026', index: '3', window: '1-31' }, 'window'],
      [{ period: 'month', year: '2026', index: '3', format: 'pdf' }, 'format'],
      [{ period: 'month', year: '2026', index: '3', communeCode: '26737' }, 'communeCode'],
    ];
    for (const [query, field] of bad) {
      const res = await expectStatus(get('giamsat.26734', query), 400);
      const named = [res.body.field, ...(res.body.errors ?? []).map((e: { field: string }) => e.field)];
      expect(named).toContain(field);
    }
  });

  // Last: it damages the log of this file's database.
  it('marks a report that does not balance, in every format, and still answers it', async () => {
    // A forged event closes D a second time (withdrawn at the instant of its result): D is then both resolved and
    // withdrawn, so (7) + (11) + split out = 5 + 3 + 2 + 1 = 11 ≠ (3) = 10. The append-only log takes the row; the
    // report must not hide it.
    await api.ds.query(
      `INSERT INTO dossier_events (commune_code, dossier_id, seq, type, payload, actor, occurred_at, prev_hash, hash)
       SELECT commune_code, dossier_id, (SELECT max(seq) + 1 FROM dossier_events WHERE dossier_id = $1), 'Withdrawn',
              '{"state":"withdrawn","portalStatus":7,"reason":"x","cancelledSteps":[],"requestedAt":"2026-03-05T02:00:00.000Z"}', 'forged', occurred_at, hash, repeat('0', 64)
         FROM dossier_events WHERE dossier_id = $1 AND type = 'ResultReady'`,
      [ids.D],
    );
    const q = { period: 'month', year: '2026', index: '3' };
    const res = await expectStatus(get('giamsat.26734', q), 200);
    expect(res.headers['x-report-identity']).toBe('fails');
    expect(res.body.identity.holds).toBe(false);
    expect(res.body.identity.failures).toEqual(
      expect.arrayContaining([{ row: 'total', rule: '(3) = (7) + (11) + rút + dừng xử lý', left: 10, right: 11 }, { row: '2.1', rule: '(3) = (7) + (11) + rút + dừng xử lý', left: 8, right: 9 }]),
    );
    const xlsx = await binary('giamsat.26734', { ...q, format: 'xlsx' });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['x-report-identity']).toBe('fails');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as Parameters<typeof wb.xlsx.load>[0]);
    expect(String(wb.worksheets[0].getRow(5).getCell(1).value)).toMatch(/^CẢNH BÁO: SỐ LIỆU KHÔNG CÂN ĐỐI.*dòng 2\.1: \(3\) = \(7\) \+ \(11\) \+ rút \+ dừng xử lý \(8 ≠ 9\)/);
    const csv = await binary('giamsat.26734', { ...q, format: 'csv' });
    expect((csv.body as Buffer).toString('utf8').split('\r\n')[2]).toMatch(/CẢNH BÁO: SỐ LIỆU KHÔNG CÂN ĐỐI/);
  });
});
