import { directDatabaseUrl, poolShortfall, unitQueueCount, validateEnv, WORKER_FIXED_CONNECTIONS, workerConnectionSlots } from './env';

describe('pool sizing', () => {
  it('counts the unit queues UNITS names, every unit kind for all', () => {
    expect(unitQueueCount('tu-phap')).toBe(1);
    expect(unitQueueCount('tu-phap, cong-an,tu-phap')).toBe(2);
    expect(unitQueueCount('all')).toBe(13);
  });

  it('sizes an unset pool from the job slots: units × concurrency + the fixed connections', () => {
    expect(validateEnv({ UNITS: 'tu-phap' }).DATABASE_POOL_SIZE).toBe(4 + WORKER_FIXED_CONNECTIONS);
    expect(validateEnv({ UNITS: 'tu-phap,cong-an', WORKER_CONCURRENCY: '8' }).DATABASE_POOL_SIZE).toBe(16 + WORKER_FIXED_CONNECTIONS);
    expect(validateEnv({}).DATABASE_POOL_SIZE).toBe(13 * 4 + WORKER_FIXED_CONNECTIONS);
    expect(workerConnectionSlots({ UNITS: 'all', WORKER_CONCURRENCY: 16 })).toBe(13 * 16 + WORKER_FIXED_CONNECTIONS);
  });

  it('keeps a pool that is set, and validates it', () => {
    expect(validateEnv({ DATABASE_POOL_SIZE: '2', WORKER_CONCURRENCY: '16' }).DATABASE_POOL_SIZE).toBe(2);
    expect(() => validateEnv({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => validateEnv({ DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('warns a worker whose pool is set below its slots, and no one else', () => {
    const raw = { UNITS: 'tu-phap', WORKER_CONCURRENCY: '16', DATABASE_POOL_SIZE: '20' };
    expect(poolShortfall(validateEnv(raw), raw)).toMatch(/DATABASE_POOL_SIZE=20 is below this worker's 29 connection slots/);
    const enough = { ...raw, DATABASE_POOL_SIZE: '29' };
    expect(poolShortfall(validateEnv(enough), enough)).toBeUndefined();
    // Unset: sized from the slots. An API process sets no UNITS and runs no unit jobs.
    const derived = { UNITS: 'tu-phap', WORKER_CONCURRENCY: '16' };
    expect(poolShortfall(validateEnv(derived), derived)).toBeUndefined();
    const api = { DATABASE_POOL_SIZE: '20' };
    expect(poolShortfall(validateEnv(api), api)).toBeUndefined();
  });

  it('takes the direct URL for sessions, DATABASE_URL when there is no pooler', () => {
    expect(directDatabaseUrl(validateEnv({ DATABASE_URL: 'postgres://a@pgbouncer:6432/m' }))).toBe('postgres://a@pgbouncer:6432/m');
    const both = validateEnv({ DATABASE_URL: 'postgres://a@pgbouncer:6432/m', DATABASE_DIRECT_URL: 'postgres://a@postgres:5432/m' });
    expect(directDatabaseUrl(both)).toBe('postgres://a@postgres:5432/m');
    expect(() => validateEnv({ DATABASE_DIRECT_URL: 'mysql://x' })).toThrow(/DATABASE_DIRECT_URL must be a postgres/);
  });
});
