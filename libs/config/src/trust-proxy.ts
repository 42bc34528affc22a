import { isIP } from 'node:net';

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Express's `trust proxy` setting: `false`, a hop count, or a list of addresses,
 * CIDR subnets and the names Express knows. `undefined` for anything else (`true` included:
 * trusting every sender of X-Forwarded-For would let any client pick its own address).
 */
export function parseTrustProxy(value: string): false | number | string[] | undefined {
  const v = value.trim();
  if (v === 'false') return false;
  if (/^[1-9]\d?$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  const valid = parts.every((p) => {
    if (NAMED.has(p)) return true;
    const [address, bits, ...rest] = p.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
  });
  return valid ? parts : undefined;
}
