import {
  DossierEvents,
  type DossierEventPayloads,
  type DossierEventType,
  EventSql,
  isDossierEvent,
  STATE_CHANGE_EVENTS,
  type StateChange,
  type StateChangeEventType,
  stateChangeOf,
} from './dossier-events';

/** A row as the repositories return it: the payload is untyped jsonb. */
interface StoredRow {
  readonly seq: number;
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

const sent: StoredRow = {
  seq: 2,
  type: 'HandoffSent',
  payload: { handoffId: 'h1', stepKey: 'tham-dinh', fromUnit: 'van-phong', toUnit: 'tu-phap', channel: 'electronic', stepDueAt: null },
};
const completed: StoredRow = {
  seq: 3,
  type: 'StepCompleted',
  payload: { stepKey: 'tham-dinh', unit: 'tu-phap', timeliness: 'early', state: 'in_progress', portalStatus: 4 },
};
const apology: StoredRow = {
  seq: 4,
  type: 'ApologyIssued',
  payload: { reason: 'x', originalDueAt: 'a', previousDueAt: 'a', newDueAt: 'b', inTime: true, state: 'from an old bug' },
};

describe('the event catalog', () => {
  it('names each type once', () => {
    const types = Object.values(DossierEvents);
    expect(new Set(types).size).toBe(types.length);
  });

  it('narrows a stored row to its payload type', () => {
    const rows = [sent, completed, apology];
    const units = rows.flatMap((e) => (isDossierEvent(e, DossierEvents.HandoffSent) ? [e.payload.toUnit] : []));
    expect(units).toEqual(['tu-phap']);
    const e: StoredRow = completed;
    if (isDossierEvent(e, DossierEvents.HandoffSent, DossierEvents.StepCompleted)) {
      // The union discriminates on `type`.
      const key: string = e.type === DossierEvents.StepCompleted ? e.payload.stepKey : e.payload.handoffId;
      expect(key).toBe('tham-dinh');
    } else {
      throw new Error('not narrowed');
    }
  });

  it('lists every type whose payload carries the state, and no other', () => {
    // Compile-time: a missing or extra key here fails typecheck.
    const all: Record<StateChangeEventType, true> = {
      DossierReceived: true,
      StepCompleted: true,
      ResultReady: true,
      SupplementRequested: true,
      SupplementReceived: true,
      RejectedAfterAppraisal: true,
      Withdrawn: true,
      ResultReturned: true,
    };
    expect([...STATE_CHANGE_EVENTS].sort()).toEqual(Object.keys(all).sort());
  });

  it('reads the state only from types that record one', () => {
    expect(stateChangeOf(completed)).toMatchObject({ state: 'in_progress', portalStatus: 4 });
    expect(stateChangeOf(apology)).toBeUndefined();
    expect(stateChangeOf(sent)).toBeUndefined();
  });

  it('spells SQL names from the catalog', () => {
    expect(EventSql.type(DossierEvents.HandoffSent)).toBe("'HandoffSent'");
    expect(EventSql.types([DossierEvents.Received, DossierEvents.Withdrawn])).toBe("'DossierReceived', 'Withdrawn'");
    expect(EventSql.text('e', DossierEvents.HandoffSent, 'toUnit')).toBe("e.payload->>'toUnit'");
    expect(EventSql.key<StateChange>('state')).toBe("'state'");
  });

  it('refuses at compile time a key or a payload the catalog does not have', () => {
    // @ts-expect-error HandoffSent has no `unit`
    EventSql.text('e', DossierEvents.HandoffSent, 'unit');
    // @ts-expect-error not an event type
    EventSql.type('HandoffLost');
    // @ts-expect-error a payload must match its type
    const wrong: DossierEventPayloads[typeof DossierEvents.WorkItemTaken] = { stepKey: 's', unit: 'u' };
    const anyType: DossierEventType = DossierEvents.StepDueSoon;
    expect([wrong, anyType]).toHaveLength(2);
  });
});
