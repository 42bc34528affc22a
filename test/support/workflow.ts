import { createHash } from 'node:crypto';
import request, { type Response } from 'supertest';
import type { DataSource } from 'typeorm';
import { eventually } from './apps';
import type { TestApi } from './api';

/** Applicant data the population-database stub knows (it registers these demo citizens at start). */
export const KNOWN_CITIZEN = { fullName: 'Nguyễn Văn An', idNumber: '001090012345', phone: '0912345678' };

/** Demo account of a unit of commune 26734 (`tuphap.26734`…), as the seed creates them. */
export function userOf(unit: string, communeCode = '26734'): string {
  const login = unit === 'van-phong' ? 'motcua' : unit === 'lanh-dao' ? 'lanhdao' : unit.replace('-', '');
  return `${login}.${communeCode}`;
}

export async function receive(api: TestApi, over: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  const res = await request(api.app.getHttpServer())
    .post('/api/dossiers')
    .set('authorization', `Bearer ${await api.token('motcua.26734')}`)
    .send({
      procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
      officeCode: 'H26.01.01',
      channel: 'desk',
      applicant: KNOWN_CITIZEN,
      ...over,
    });
  if (res.status !== 201) throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id, code: res.body.code };
}

/** Waits until the step sits in its unit's inbox (the hand-off was received). */
export function inInbox(ds: DataSource, dossierId: string, stepKey: string, timeoutMs = 15_000): Promise<{ unit_kind: string; status: string }> {
  return eventually(
    async () => {
      const [row] = await ds.query(`SELECT unit_kind, status FROM work_items WHERE dossier_id = $1 AND step_key = $2`, [dossierId, stepKey]);
      return row;
    },
    timeoutMs,
    `step ${stepKey} in an inbox`,
  );
}

/**
 * Completes a step as an officer of the unit whose inbox holds it (or as `as`, to test refusals).
 */
export async function completeStep(api: TestApi, dossierId: string, stepKey: string, body: Record<string, unknown> = {}, as?: string) {
  const [item] = await api.ds.query(`SELECT unit_kind FROM work_items WHERE dossier_id = $1 AND step_key = $2`, [dossierId, stepKey]);
  const username = as ?? userOf(item?.unit_kind ?? 'tu-phap');
  // The leader's step completes only with a signature on the result.
  if (item?.unit_kind === 'lanh-dao') return signResult(api, dossierId, body, username);
  return request(api.app.getHttpServer())
    .post(`/api/dossiers/${dossierId}/steps/${stepKey}/complete`)
    .set('authorization', `Bearer ${await api.token(username)}`)
    .send(body);
}

/** A stand-in result document: its name and the SHA-256 of some bytes. */
export function resultDocument(text = 'Kết quả giải quyết') {
  return { name: 'Ket-qua.pdf', sha256: createHash('sha256').update(text).digest('hex'), mediaType: 'application/pdf', sizeBytes: text.length };
}

/** The leader approves and signs the result (the signing step). */
export async function signResult(api: TestApi, dossierId: string, body: Record<string, unknown> = {}, as = 'lanhdao.26734') {
  return request(api.app.getHttpServer())
    .post(`/api/dossiers/${dossierId}/sign`)
    .set('authorization', `Bearer ${await api.token(as)}`)
    .send({ document: resultDocument(), ...body });
}

/** POST with a demo account's token. */
export async function postAs(api: TestApi, username: string, path: string, body: Record<string, unknown> = {}) {
  return request(api.app.getHttpServer()).post(path).set('authorization', `Bearer ${await api.token(username)}`).send(body);
}

/** GET with a demo account's token. */
export async function getAs(api: TestApi, username: string, path: string) {
  return request(api.app.getHttpServer()).get(path).set('authorization', `Bearer ${await api.token(username)}`);
}

export function waitForState(ds: DataSource, dossierId: string, state: string, timeoutMs = 15_000): Promise<true> {
  return eventually(
    async () => {
      const [row] = await ds.query(`SELECT state FROM dossiers WHERE id = $1`, [dossierId]);
      return row?.state === state ? true : undefined;
    },
    timeoutMs,
    `dossier ${dossierId} to be ${state}`,
  );
}

export async function eventTypes(ds: DataSource, dossierId: string): Promise<string[]> {
  const rows = await ds.query(`SELECT type FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`, [dossierId]);
  return rows.map((r: { type: string }) => r.type);
}

export async function chainOf(ds: DataSource, dossierId: string) {
  return ds.query(
    `SELECT dossier_id AS "dossierId", seq, type, payload, actor, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash
       FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`,
    [dossierId],
  );
}

/** Awaits a request and checks its status, printing the body when it differs. */
export async function expectStatus(pending: Promise<Response>, status: number): Promise<Response> {
  const res = await pending;
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}
