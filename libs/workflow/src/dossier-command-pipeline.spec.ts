import { NotFoundError } from '@motcua/domain';
import type { ChainHead, ChainWrite, TransactionScope, UnitOfWork } from '@motcua/persistence';
import type { Clock } from './clock';
import { attachDocuments, openStepFor } from './commands/complete-step.command';
import { DossierCommandPipeline, DossierJournal, type JournalWriter } from './dossier-command-pipeline';
import { DossierEvents } from './events';
import { ReferenceCache } from './reference-cache';
import type { RoutingContext } from './routing';

/*
 * `record` is checked by the compiler against the event catalog; the expectations below are the
 * point of this file, and `npm run typecheck` and ts-jest both fail if one stops being an error.
 */
describe('DossierJournal.record', () => {
  const journal = new DossierJournal({} as TransactionScope, { id: 'd1', communeCode: '26001', lastSeq: 0, lastHash: '', stateSecret: false });
  const at = new Date('2026-03-02T01:30:00.000Z');

  it('takes a payload of its type', () => {
    journal.record(DossierEvents.WorkItemTaken, { stepKey: 'tham-dinh', unit: 'tu-phap', assigneeId: 'u1' }, 'cán bộ', at);
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: at.toISOString() }, 'system', at);
  });

  it('refuses a payload of another type, a missing field, an extra one, or a name outside the catalog', () => {
    // @ts-expect-error a HandoffReceived payload for WorkItemTaken
    journal.record(DossierEvents.WorkItemTaken, { handoffId: 'h1', stepKey: 's', unit: 'u', channel: 'electronic' }, 'x', at);
    // @ts-expect-error assigneeId missing
    journal.record(DossierEvents.WorkItemTaken, { stepKey: 's', unit: 'u' }, 'x', at);
    // @ts-expect-error a field the catalog does not have
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: 'x', phone: '0912345678' }, 'x', at);
    // @ts-expect-error a Date where the catalog keeps an ISO string
    journal.record(DossierEvents.SupplementExpired, { citizenDueAt: at }, 'x', at);
    // @ts-expect-error not an event type
    journal.record('DossierLost', {}, 'x', at);
  });
});

/*
 * The pipeline on stand-ins for its transaction (no database): what it hands the work, and when it
 * writes. The e2e suites run it on PostgreSQL.
 */
describe('DossierCommandPipeline', () => {
  const now = new Date('2026-03-02T01:30:00.000Z');
  const dossier = { id: 'd1', communeCode: '26001', lastSeq: 3, lastHash: 'h3', stateSecret: false, procedureVersionId: 'p1', receivingOfficeCode: 'o1' };

  function harness(found: object | null = dossier) {
    const appended: { head: ChainHead; write: ChainWrite }[] = [];
    const log: string[] = [];
    const tx = {
      communeCode: '26001',
      dossiers: { lock: async () => (log.push('lock'), found) },
      workflow: { name: 'workflow' },
      casework: { name: 'casework' },
      events: { append: async (head: ChainHead, write: ChainWrite) => (log.push('append'), appended.push({ head, write }), head) },
      outbox: { name: 'outbox' },
      reference: {
        findProcedureVersion: async () => ({ definition: { code: 'P' } }),
        calendarOverrides: async () => [],
        findOffice: async () => null,
      },
    } as unknown as TransactionScope;
    const uow = { run: async (_commune: string, work: (t: TransactionScope) => Promise<unknown>) => work(tx) } as unknown as UnitOfWork;
    const clock = { now: () => now } as Clock;
    return { pipeline: new DossierCommandPipeline(uow, new ReferenceCache(), clock), appended, log };
  }

  const target = { communeCode: '26001', dossierId: 'd1', actor: 'cán bộ' };

  it('locks, runs the work with only the repositories it named, then flushes once', async () => {
    const { pipeline, appended, log } = harness();
    const result = await pipeline.run(target, ['workflow'], async (ctx) => {
      log.push('work');
      expect(Object.keys(ctx.tx).sort()).toEqual(['communeCode', 'workflow']);
      expect(ctx.now).toBe(now);
      ctx.journal.record(DossierEvents.WorkItemTaken, { stepKey: 's', unit: 'tu-phap', assigneeId: 'u1' }, ctx.actor, ctx.now);
      return 'done';
    });
    expect(result).toBe('done');
    expect(log).toEqual(['lock', 'work', 'append']);
    expect(appended).toHaveLength(1);
    expect(appended[0].head).toEqual({ dossierId: 'd1', lastSeq: 3, lastHash: 'h3' });
    expect(appended[0].write.events.map((e) => e.type)).toEqual([DossierEvents.WorkItemTaken]);
  });

  it('writes nothing when the work refuses', async () => {
    const { pipeline, log } = harness();
    await expect(pipeline.run(target, [], async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(log).toEqual(['lock']);
  });

  it('answers an unknown dossier (or another commune\u2019s) as not found, before any work', async () => {
    const { pipeline, log } = harness(null);
    await expect(pipeline.run(target, [], async () => log.push('work'))).rejects.toBeInstanceOf(NotFoundError);
    expect(log).toEqual(['lock']);
  });

  it('refuses what a work records after the flush, which would be lost', async () => {
    const { pipeline } = harness();
    let late: JournalWriter | undefined;
    await pipeline.run(target, [], async (ctx) => {
      late = ctx.journal;
    });
    expect(() => late!.setState('in_progress')).toThrow(/flushed already/);
  });

  it('types a context by what the command asked for', () => {
    // Never run: the @ts-expect-error lines are the test (typecheck and ts-jest fail if one compiles).
    const typed = (ctx: RoutingContext<'workflow'>) => {
      void ctx.tx.workflow;
      // @ts-expect-error casework was not asked for
      void ctx.tx.casework;
      // @ts-expect-error the event log is the journal's alone
      void ctx.tx.events;
      // @ts-expect-error so is the outbox
      void ctx.tx.outbox;
      // @ts-expect-error a helper that needs casework
      void attachDocuments(ctx, null, 'attachment', []);
      // @ts-expect-error the pipeline flushes, not the command
      void ctx.journal.flush();
      void openStepFor(ctx, 's', { id: null, name: 'x', communeCode: '26001', units: 'any' });
    };
    expect(typed).toBeInstanceOf(Function);
  });
});
