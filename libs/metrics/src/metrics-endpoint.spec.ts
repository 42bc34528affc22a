import { validateEnv } from '@motcua/config';
import { commandResultOf } from './command-metrics';
import { metricsAccess } from './metrics-endpoint';
import { ConflictError } from '@motcua/domain';
import { ConcurrentModificationError } from '@motcua/persistence/repositories/errors';

describe('who may read /metrics', () => {
  const token = 'x'.repeat(32);

  it('is open outside production while no token is set', () => {
    expect(metricsAccess({ NODE_ENV: 'development' }, undefined)).toBe('ok');
  });

  it('is closed under NODE_ENV=production while no token is set, whatever the caller sends', () => {
    expect(metricsAccess({ NODE_ENV: 'production' }, undefined)).toBe('closed');
    expect(metricsAccess({ NODE_ENV: 'production' }, 'Bearer anything')).toBe('closed');
  });

  it('asks for the bearer token when one is set, in any environment', () => {
    for (const NODE_ENV of ['development', 'production']) {
      expect(metricsAccess({ NODE_ENV, METRICS_TOKEN: token }, undefined)).toBe('unauthorized');
      expect(metricsAccess({ NODE_ENV, METRICS_TOKEN: token }, `Basic ${token}`)).toBe('unauthorized');
      expect(metricsAccess({ NODE_ENV, METRICS_TOKEN: token }, `Bearer ${token}x`)).toBe('unauthorized');
      expect(metricsAccess({ NODE_ENV, METRICS_TOKEN: token }, `Bearer ${token}`)).toBe('ok');
    }
  });

  it('refuses a METRICS_TOKEN shorter than 32 characters under NODE_ENV=production, and a bad METRICS_PORT', () => {
    expect(() => validateEnv({ NODE_ENV: 'production', METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN: 5 characters; NODE_ENV=production needs 32 or more');
    expect(validateEnv({ NODE_ENV: 'development', METRICS_TOKEN: 'short' }).METRICS_TOKEN).toBe('short');
    expect(() => validateEnv({ METRICS_PORT: '70000' })).toThrow('METRICS_PORT');
    expect(validateEnv({}).METRICS_PORT).toBe(9464);
    expect(validateEnv({ METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });
});

describe('command results', () => {
  it('tells a broken rule from a lost race from anything else', () => {
    expect(commandResultOf(new ConflictError('STEP_NOT_PENDING', 'x'))).toBe('refused');
    expect(commandResultOf(new ConcurrentModificationError('d'))).toBe('conflict');
    expect(commandResultOf(new Error('boom'))).toBe('error');
  });
});
