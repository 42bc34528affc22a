import { CommandBus } from '@nestjs/cqrs';
import { verifyChain } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { Clock, RecordReceiptCommand, RecordReceiptHandler, type RecordReceiptResult, ReferenceCache } from '@motcua/workflow';
import { startTestApi, type TestApi } from './support/api';
import { receive } from './support/workflow';

/**
 * The hand-off path's receipts (issue 10): micro-batched, two prepared statements per batch and
 * no transaction around them, idempotent on the hand-off id however many deliveries race.
 */
describe('batched receipts', () => {
  let api: TestApi;
  let commands: CommandBus;
  beforeAll(async () => {
    api = await startTestApi('2026-03-02T02:15:00Z');
    commands = api.app.get(CommandBus);
  });
  afterAll(() => api?.close());

  /** Dossiers received at the desk, each with its first hand-off (to Tư pháp) waiting. */
  async function waitingHandoffs(n: number): Promise<{ dossierId: string; handoffId: string }[]> {
    const out: { dossierId: string; handoffId: string }[] = [];
    for (let i = 0; i < n; i++) {
      const d = await receive(api);
      const [h] = await api.ds.query(`SELECT id FROM handoffs WHERE dossier_id = $1`, [d.id]);
      out.push({ dossierId: d.id, handoffId: h.id });
    }
    return out;
  }
  const receipt = (h: { dossierId: string; handoffId: string }, commune = '26734') =>
    commands.execute<RecordReceiptCommand, RecordReceiptResult>(new RecordReceiptCommand(commune, h.dossierId, h.handoffId, 'Hệ thống – tu-phap'));

  /** Counts the connections taken from the API's pg pool while `work` runs: each statement outside a transaction takes one. */
  async function checkouts<T>(work: () => Promise<T>): Promise<{ value: T; checkouts: number }> {
    const pool = (api.ds.driver as unknown as { master: import('pg').Pool }).master;
    let n = 0;
    const count = () => (n += 1);
    pool.on('acquire', count);
    try {
      return { value: await work(), checkouts: n };
    } finally {
      pool.off('acquire', count);
    }
  }

  it('writes a backlog of receipts in one batch: every step in its inbox, every chain intact, a handful of statements', async () => {
    const [first, ...handoffs] = await waitingHandoffs(25);
    await receipt(first); // reads the reference data once (the procedure, the calendar), cached after
    const { value: results, checkouts: statements } = await checkouts(() => Promise.all(handoffs.map((h) => receipt(h))));
    expect(results.map((r) => r.outcome)).toEqual(handoffs.map(() => 'received'));
    expect(results.every((r) => r.pending && r.step.key === 'xu-ly')).toBe(true);
    // One read and one write for the 24, no transaction; one at a time would be 48 or more.
    expect(statements).toBe(2);

    const ids = handoffs.map((h) => h.dossierId);
    const items = await api.ds.query(`SELECT unit_kind, step_key, status FROM work_items WHERE dossier_id = ANY($1::uuid[])`, [ids]);
    expect(items).toHaveLength(24);
    expect(new Set(items.map((w: { unit_kind: string; status: string }) => `${w.unit_kind}/${w.status}`))).toEqual(new Set(['tu-phap/pending']));
    const received = await api.ds.query(`SELECT count(*)::int AS n FROM handoffs WHERE id = ANY($1::uuid[]) AND received_at IS NOT NULL AND received_by = 'Hệ thống – tu-phap'`, [
      handoffs.map((h) => h.handoffId),
    ]);
    expect(received[0].n).toBe(24);
    const timers = await api.ds.query(`SELECT count(*)::int AS n FROM deadline_timers WHERE dossier_id = ANY($1::uuid[]) AND kind = 'step-due-soon' AND step_key = 'xu-ly'`, [ids]);
    expect(timers[0].n).toBe(24);
    for (const id of ids) {
      const events = await api.ds.query(
        `SELECT dossier_id AS "dossierId", seq, type, payload, actor, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`,
        [id],
      );
      expect(events.map((e: { type: string }) => e.type)).toEqual(['DossierReceived', 'HandoffSent', 'HandoffReceived']);
      expect(verifyChain(events)).toBeUndefined();
      const [head] = await api.ds.query(`SELECT last_seq, last_hash FROM dossiers WHERE id = $1`, [id]);
      expect(head).toEqual({ last_seq: 3, last_hash: events[2].hash });
    }
  });

  it('receives a hand-off once however many deliveries race, in one process or in several', async () => {
    const [h] = await waitingHandoffs(1);
    // A second handler stands for a second worker process: its own batches, the same database.
    const other = new RecordReceiptHandler(new UnitOfWork(api.ds), new ReferenceCache(), api.app.get(Clock));
    const results = await Promise.all([
      receipt(h),
      receipt(h),
      other.execute(new RecordReceiptCommand('26734', h.dossierId, h.handoffId, 'Hệ thống – tu-phap')),
      other.execute(new RecordReceiptCommand('26734', h.dossierId, h.handoffId, 'Hệ thống – tu-phap')),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'received']);
    expect(results.every((r) => r.pending)).toBe(true);
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM dossier_events WHERE dossier_id = $1 AND type = 'HandoffReceived'`, [h.dossierId]);
    expect(n).toBe(1);
    const [{ items }] = await api.ds.query(`SELECT count(*)::int AS items FROM work_items WHERE dossier_id = $1`, [h.dossierId]);
    expect(items).toBe(1);
  });

  it('refuses an unknown hand-off, one of another dossier or of another commune, and still writes the rest of the batch', async () => {
    const [a, b, c] = await waitingHandoffs(3);
    const outcomes = await Promise.allSettled([
      receipt(a),
      receipt({ dossierId: b.dossierId, handoffId: '00000000-0000-4000-8000-000000000000' }),
      receipt({ dossierId: b.dossierId, handoffId: c.handoffId }),
      receipt(c, '26737'),
      receipt(b),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as { code?: string }).code).toBe('NOT_FOUND');
    const rows = await api.ds.query(`SELECT dossier_id, received_at IS NOT NULL AS received FROM handoffs WHERE id = ANY($1::uuid[]) ORDER BY dossier_id`, [
      [a.handoffId, b.handoffId, c.handoffId],
    ]);
    const byDossier = Object.fromEntries(rows.map((r: { dossier_id: string; received: boolean }) => [r.dossier_id, r.received]));
    expect(byDossier).toEqual({ [a.dossierId]: true, [b.dossierId]: true, [c.dossierId]: false });
    // c is received normally afterwards.
    expect((await receipt(c)).outcome).toBe('received');
  });

  it('plans a receipt again when another command moved its dossier’s head between the read and the write', async () => {
    const [h] = await waitingHandoffs(1);
    // Another command lands first: the head moves under the receipt (here by hand, as a notice would).
    const handler = api.app.get(RecordReceiptHandler);
    const uow = new UnitOfWork(api.ds);
    const repo = uow.receipts('26734');
    const targets = await repo.targets([h.handoffId]);
    const stale = targets.get(h.handoffId)!;
    await uow.run('26734', async (tx) => {
      const d = await tx.dossiers.lock(h.dossierId);
      await tx.events.append({ dossierId: d!.id, lastSeq: d!.lastSeq, lastHash: d!.lastHash }, { events: [{ type: 'WorkItemTaken', payload: { stepKey: 'none' }, actor: 'x', occurredAt: new Date() }] });
    });
    // A write planned on the stale head writes nothing at all.
    const written = await repo.write([
      {
        head: { dossierId: h.dossierId, lastSeq: stale.dossier.lastSeq, lastHash: stale.dossier.lastHash },
        handoffId: h.handoffId,
        receivedAt: new Date(),
        receivedBy: 'stale',
        events: [{ type: 'HandoffReceived', payload: {}, actor: 'stale', occurredAt: new Date() }],
        workItem: { dossierId: h.dossierId, unitKind: 'tu-phap', stepKey: 'xu-ly', handoffId: h.handoffId, dueAt: null, automatic: null },
      },
    ]);
    expect(written.size).toBe(0);
    const [row] = await api.ds.query(`SELECT received_at FROM handoffs WHERE id = $1`, [h.handoffId]);
    expect(row.received_at).toBeNull();
    const [{ n }] = await api.ds.query(`SELECT count(*)::int AS n FROM work_items WHERE dossier_id = $1`, [h.dossierId]);
    expect(n).toBe(0);
    // The command reads the new head and writes the receipt after it.
    const result = await handler.execute(new RecordReceiptCommand('26734', h.dossierId, h.handoffId, 'Hệ thống – tu-phap'));
    expect(result.outcome).toBe('received');
    const events = await api.ds.query(
      `SELECT dossier_id AS "dossierId", seq, type, payload, actor, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash FROM dossier_events WHERE dossier_id = $1 ORDER BY seq`,
      [h.dossierId],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual(['DossierReceived', 'HandoffSent', 'WorkItemTaken', 'HandoffReceived']);
    expect(verifyChain(events)).toBeUndefined();
  });
});
