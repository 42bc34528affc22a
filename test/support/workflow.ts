import request from 'supertest';
import type { DataSource } from 'typeorm';
import { eventually } from './apps';
import type { TestApi } from './api';

/** Applicant data the population-database stub knows (it registers these demo citizens at start). */
export const KNOWN_CITIZEN = { fullName: 'Nguyễn Văn An', idNumber: '001090012345', phone: '0912345678' };

export async function receive(api: TestApi, over: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  const res = await request(api.app.getHttpServer())
    .post('/api/dossiers')
    .send({
      procedureCode: 'cap-giay-xac-nhan-tinh-trang-hon-nhan',
      officeCode: 'H26.01.01',
      channel: 'desk',
      applicant: KNOWN_CITIZEN,
      receivedBy: 'Trần Thị Bình',
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

export function completeStep(api: TestApi, dossierId: string, stepKey: string, body: Record<string, unknown> = {}) {
  return request(api.app.getHttpServer())
    .post(`/api/dossiers/${dossierId}/steps/${stepKey}/complete`)
    .send({ communeCode: '26734', actor: 'Lê Văn Tư', ...body });
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
