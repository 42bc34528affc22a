import canonicalize from 'canonicalize';

/** A value canonical JSON refuses, with the path to it (`$.payload.items[2]`). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`canonical JSON: ${path}: ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

// With the `u` flag a well-formed surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Refuses what RFC 8785 cannot represent, or what JSON would change silently. The invariant it
 * keeps: the canonical JSON of a value equals the canonical JSON of that value stored as jsonb and
 * read back, so an event hashed before its insert verifies from its row.
 */
function check(value: unknown, path: string): void {
  switch (typeof value) {
    case 'string':
      // I-JSON (RFC 7493), which RFC 8785 requires; PostgreSQL's jsonb refuses them too.
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'a lone UTF-16 surrogate');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} has no JSON form`);
      return;
    case 'bigint':
      throw new CanonicalJsonError(path, 'a bigint has no JSON number form: pass it as a string');
    case 'object': {
      if (value === null) return;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new CanonicalJsonError(path, 'an invalid Date');
        return;
      }
      if (value instanceof Map || value instanceof Set) throw new CanonicalJsonError(path, 'a Map or Set would be {}');
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new CanonicalJsonError(path, 'an object with its own toJSON');
      if (Array.isArray(value)) {
        value.forEach((v, i) => check(v, `${path}[${i}]`));
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (LONE_SURROGATE.test(k)) throw new CanonicalJsonError(`${path}.${k}`, 'a lone UTF-16 surrogate in the key');
        check(v, `${path}.${k}`);
      }
      return;
    }
    default:
      // undefined, functions, symbols: left out of objects and null in arrays, as JSON.stringify does.
      return;
  }
}

/**
 * The JSON Canonicalization Scheme (RFC 8785) of `value`, by `canonicalize` (the RFC authors'
 * implementation): object keys sorted by UTF-16 code units at every level, no whitespace, numbers
 * as ECMAScript writes them, strings escaped as `JSON.stringify` does. The event hash chain,
 * result signatures and catalog comparisons all go through it.
 *
 * A `Date` is an instant and becomes its ISO 8601 string (`toISOString`, UTC, milliseconds), as
 * `JSON.stringify` writes it into a jsonb column; an invalid Date is refused. Refused too, with
 * a {@link CanonicalJsonError}: NaN and ±Infinity, bigints, lone surrogates, Maps and Sets, other
 * objects with a `toJSON`, and a value with no JSON form at all (undefined at the top).
 *
 * For plain JSON values (strings, finite numbers, booleans, null, arrays and objects of them) the
 * output is byte-identical to the sorted-keys JSON written before RFC 8785 was adopted, so the
 * hashes and signatures already stored still verify (libs/domain/src/canonical-json.spec.ts).
 */
export function canonicalJson(value: unknown): string {
  check(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new CanonicalJsonError('$', `${typeof value} has no JSON form`);
  return text;
}
