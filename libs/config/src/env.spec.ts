import { DEVELOPMENT_DEFAULTS, EnvValidationError, PRODUCTION_SECRET_LENGTH, type SecretName, validateEnv } from './env';
import { parseTrustProxy } from './trust-proxy';

const strong = (name: string) => `${name.toLowerCase()}-${'x'.repeat(PRODUCTION_SECRET_LENGTH)}`;
const ALL: SecretName[] = ['JWT_SECRET', 'SIGNING_KEY_PASSPHRASE', 'PORTAL_USERNAME', 'PORTAL_PASSWORD'];
const good = Object.fromEntries(ALL.map((n) => [n, strong(n)]));

function refusal(raw: Record<string, unknown>, secrets: SecretName[] = ALL): string {
  try {
    validateEnv(raw, { secrets });
  } catch (e) {
    expect(e).toBeInstanceOf(EnvValidationError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('production secrets', () => {
  it('accepts the development defaults outside production', () => {
    expect(validateEnv({}, { secrets: ALL }).JWT_SECRET).toBe(DEVELOPMENT_DEFAULTS.JWT_SECRET);
  });

  it.each(ALL)('refuses %s left at its development default under NODE_ENV=production, naming it', (name) => {
    const message = refusal({ NODE_ENV: 'production', ...good, [name]: DEVELOPMENT_DEFAULTS[name] });
    expect(message).toContain(`${name}: still the development default`);
    expect(message.split('\n')).toHaveLength(2);
  });

  it.each(['JWT_SECRET', 'SIGNING_KEY_PASSPHRASE', 'PORTAL_PASSWORD'] as const)('refuses %s shorter than 32 characters in production', (name) => {
    const message = refusal({ NODE_ENV: 'production', ...good, [name]: 'a'.repeat(PRODUCTION_SECRET_LENGTH - 1) });
    expect(message).toContain(`${name}: 31 characters; NODE_ENV=production needs 32 or more`);
  });

  it('lists every bad secret at once, and only those the process uses', () => {
    const message = refusal({ NODE_ENV: 'production' });
    for (const name of ALL) expect(message).toContain(`${name}:`);
    expect(refusal({ NODE_ENV: 'production' }, ['JWT_SECRET'])).not.toContain('PORTAL_PASSWORD');
    expect(validateEnv({ NODE_ENV: 'production', ...good }, { secrets: ALL }).NODE_ENV).toBe('production');
  });
});

describe('TRUST_PROXY', () => {
  it('reads false, hop counts and address lists, and refuses anything else (true included)', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback, 10.0.0.0/8, fd00::/8, 203.0.113.7')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '203.0.113.7']);
    for (const bad of ['true', '0', '10.0.0.0/33', 'proxy.example', '1.2.3', '']) expect(parseTrustProxy(bad)).toBeUndefined();
    expect(refusal({ TRUST_PROXY: 'true' }, [])).toContain('TRUST_PROXY');
  });
});
