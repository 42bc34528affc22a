import fc from 'fast-check';

/**
 * Malformed requests for the bad-input campaign (issue 9): each endpoint's valid request, described
 * field by field, and the ways of breaking it. Every mutation makes the request invalid by the
 * API's own rules, so the only right answers are 4xx that change nothing.
 */

/** What a field of a body or a query holds, with a valid example. */
export type Field =
  /** Any text up to `max` characters. */
  | { readonly kind: 'text'; readonly valid: string; readonly max: number; readonly required: boolean }
  /** Text with a fixed form (a pattern, an enum): `Ω!` and '' are never one. */
  | { readonly kind: 'code'; readonly valid: string; readonly required: boolean }
  | { readonly kind: 'int'; readonly valid: number; readonly min: number; readonly max: number; readonly required: boolean }
  | { readonly kind: 'bool'; readonly valid: boolean; readonly required: boolean }
  | { readonly kind: 'instant'; readonly valid: string; readonly required: boolean }
  | { readonly kind: 'texts'; readonly valid: readonly string[]; readonly required: boolean }
  | { readonly kind: 'object'; readonly shape: Shape; readonly required: boolean }
  | { readonly kind: 'objects'; readonly shape: Shape; readonly required: boolean };

/** A body or a query: its fields, and whether the valid request sends each (`send: false`: a field only mutations add). */
export type Shape = Readonly<Record<string, Field & { readonly send?: boolean }>>;

const req = { required: true } as const;
const opt = { required: false } as const;
export const f = {
  text: (valid: string, max: number, o: { required: boolean; send?: boolean } = req) => ({ kind: 'text' as const, valid, max, ...o }),
  code: (valid: string, o: { required: boolean; send?: boolean } = req) => ({ kind: 'code' as const, valid, ...o }),
  int: (valid: number, min: number, max: number, o: { required: boolean; send?: boolean } = opt) => ({ kind: 'int' as const, valid, min, max, ...o }),
  bool: (valid: boolean, o: { required: boolean; send?: boolean } = opt) => ({ kind: 'bool' as const, valid, ...o }),
  instant: (valid: string, o: { required: boolean; send?: boolean } = req) => ({ kind: 'instant' as const, valid, ...o }),
  texts: (valid: readonly string[], o: { required: boolean; send?: boolean } = req) => ({ kind: 'texts' as const, valid, ...o }),
  object: (shape: Shape, o: { required: boolean; send?: boolean } = req) => ({ kind: 'object' as const, shape, ...o }),
  objects: (shape: Shape, o: { required: boolean; send?: boolean } = opt) => ({ kind: 'objects' as const, shape, ...o }),
  opt: { required: false },
  absent: { required: false, send: false },
};

/** The valid value of a shape: every field it sends. */
export function validOf(shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, fld] of Object.entries(shape)) if (fld.send !== false) out[k] = validField(fld);
  return out;
}

function validField(fld: Field): unknown {
  if (fld.kind === 'object') return validOf(fld.shape);
  if (fld.kind === 'objects') return [validOf(fld.shape)];
  return fld.valid;
}

/** Every field of a shape with its path: `applicant.fullName`, `documents.0.sha256`. */
function fieldsOf(shape: Shape, prefix: readonly (string | number)[] = []): { path: (string | number)[]; field: Field }[] {
  return Object.entries(shape).flatMap(([k, fld]) => {
    const path = [...prefix, k];
    const inner = fld.kind === 'object' ? fieldsOf(fld.shape, path) : fld.kind === 'objects' ? fieldsOf(fld.shape, [...path, 0]) : [];
    return [{ path, field: fld }, ...inner];
  });
}

/** Objects of the valid value where an unknown field can go: the body, a nested object, a list's item. */
function objectsOf(shape: Shape, prefix: readonly (string | number)[] = []): (string | number)[][] {
  return [
    [...prefix],
    ...Object.entries(shape).flatMap(([k, fld]) =>
      fld.send === false ? [] : fld.kind === 'object' ? objectsOf(fld.shape, [...prefix, k]) : fld.kind === 'objects' ? objectsOf(fld.shape, [...prefix, k, 0]) : [],
    ),
  ];
}

/** A copy of `value` with the value at `path` replaced (`undefined`: removed); missing parents are made. */
export function setAt(value: unknown, path: readonly (string | number)[], to: unknown): unknown {
  if (path.length === 0) return to;
  const [head, ...rest] = path;
  const base = (Array.isArray(value) ? [...value] : value !== null && typeof value === 'object' ? { ...value } : typeof head === 'number' ? [] : {}) as Record<string | number, unknown>;
  const next = setAt(Object.hasOwn(base, head) ? base[head] : undefined, rest, to);
  if (next === undefined && !Array.isArray(base)) delete base[head];
  // An own property even for `__proto__`, which plain assignment would take as the prototype.
  else Object.defineProperty(base, head, { value: next, enumerable: true, writable: true, configurable: true });
  return base;
}

const objectWithBadToString = { toString: 1, valueOf: 1 };

/** JSON values of every other type than the field's; `null` only where the field is required (null is "absent" otherwise). */
function wrongTypes(fld: Field, inQuery: boolean): fc.Arbitrary<unknown> {
  if (inQuery) {
    const byKind: Record<string, string[]> = {
      // Number('') is 0 and Number(' 5') is 5: neither is here.
      int: ['abc', '1.5', '-1', '1e400', '99999999999999999999', 'NaN', 'Infinity', '0x'],
      bool: ['yes', '1', 'TRUE', 'truee', ''],
      instant: ['9999-12-31T00:00:00Z', '0000-01-01', '2026-02-30T10:00:00Z', '2026-W10', '20260302', 'now', '', '+275760-09-13T00:00:00Z'],
      code: ['Ω!', '', ' ', '%'],
    };
    return fc.constantFrom(...(byKind[fld.kind] ?? byKind.code));
  }
  const scalars = [42, -1, 1.5, true, false, 'x', {}, [], ['x'], { a: 'b' }, objectWithBadToString, [[]]];
  const nul = fld.required ? [null] : [];
  const pick = (values: unknown[]) => fc.constantFrom(...values, ...nul);
  switch (fld.kind) {
    case 'text':
      return pick(scalars.filter((v) => typeof v !== 'string'));
    case 'code':
      return pick([...scalars.filter((v) => v !== 'x'), 'Ω!', '']);
    case 'int':
      return pick(['1', 1.5, fld.min - 1, fld.max + 1, 1e308, 2 ** 63, 12345678901234567890, -1e308, true, {}, [], [1]]);
    case 'bool':
      return pick(['true', 1, 0, 'false', {}, []]);
    case 'instant':
      return pick([42, '9999-12-31T10:00:00Z', '0000-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-W10', 'now', '', '+275760-09-13T00:00:00Z', {}, []]);
    case 'texts':
      return pick(['x', 42, {}, [42], [{}], [[]], [true], objectWithBadToString]);
    case 'object':
      return pick(['x', 42, true, [], [validOf(fld.shape)], [[]], [null]]);
    case 'objects':
      return pick(['x', 42, {}, validOf(fld.shape), [[]], [null], ['x'], [42], [[validOf(fld.shape)]], [true]]);
  }
}

const LONE = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', 'a\u0000b'];

/** Text PostgreSQL cannot store, or too long for any field: a NUL or a lone surrogate put into the valid text, or 100 000 characters. */
function badText(valid: string, inQuery: boolean): fc.Arbitrary<string> {
  const inserted = fc
    .tuple(fc.constantFrom(...(inQuery ? ['\u0000'] : LONE)), fc.nat({ max: valid.length }))
    .map(([bad, at]) => valid.slice(0, at) + bad + valid.slice(at));
  // Under the body limit (refused by the field's length) or over it (413); in a query, past the 16 kB of headers (431).
  const long = fc.constantFrom(...(inQuery ? [120, 20_000] : [100_000, 120_000])).chain((n) => fc.constantFrom('x', 'ễ', '😀').map((c) => c.repeat(Math.ceil(n / c.length))));
  return fc.oneof({ weight: 9, arbitrary: inserted }, { weight: 1, arbitrary: long });
}

/** JSON nested `depth` levels deep, as text (the client would overflow its own stack stringifying it). */
export function deepJson(depth: number, style: 'object' | 'array' | 'mixed'): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const obj = style === 'object' || (style === 'mixed' && i % 2 === 0);
    open += obj ? '{"a":' : '[';
    close = (obj ? '}' : ']') + close;
  }
  return `${open}1${close}`;
}

/** A marker the body's serialisation replaces by deep JSON text. */
export const DEEP = '\u0001deep\u0001';

/** One way of breaking a body or a query, and what it did (for the failure message). */
export interface ValueMutation {
  readonly what: string;
  apply(value: Record<string, unknown>): Record<string, unknown>;
  /** Deep JSON text put in place of {@link DEEP}. */
  readonly deep?: string;
}

const path = (p: readonly (string | number)[]) => p.join('.');

/** Mutations of a body (`inQuery: false`) or a query (`true`, values are strings). */
export function valueMutations(shape: Shape, inQuery: boolean, hasDto: boolean): fc.Arbitrary<ValueMutation> {
  const fields = fieldsOf(shape);
  // In a query every value is text: only a value of the wrong form is a wrong type.
  const typed = inQuery ? fields.filter((x) => x.field.kind !== 'text') : fields;
  const texts = fields.filter((x) => x.field.kind === 'text' || x.field.kind === 'code' || x.field.kind === 'instant');
  const required = fields.filter((x) => x.field.required);
  const options: fc.WeightedArbitrary<ValueMutation>[] = [];
  if (typed.length > 0) {
    options.push({
      weight: 5,
      arbitrary: fc
        .constantFrom(...typed)
        .chain((x) => wrongTypes(x.field, inQuery).map((v) => ({ what: `${path(x.path)} = ${short(v)}`, apply: (b: Record<string, unknown>) => setAt(b, x.path, v) as Record<string, unknown> }))),
    });
  }
  if (texts.length > 0) {
    options.push({
      weight: 5,
      arbitrary: fc.constantFrom(...texts).chain((x) =>
        badText((x.field as { valid: string }).valid, inQuery).map((v) => ({ what: `${path(x.path)} = ${short(v)}`, apply: (b: Record<string, unknown>) => setAt(b, x.path, v) as Record<string, unknown> })),
      ),
    });
  }
  if (required.length > 0) {
    options.push({ weight: 2, arbitrary: fc.constantFrom(...required).map((x) => ({ what: `without ${path(x.path)}`, apply: (b: Record<string, unknown>) => setAt(b, x.path, undefined) as Record<string, unknown> })) });
  }
  if (hasDto) {
    const key = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '0', 'a.b', '$where'));
    const value = inQuery ? fc.constantFrom('1', 'true', '') : fc.constantFrom<unknown>('x', '', 0, -1.5, true, null, [], {}, [1, 'x'], { a: { b: null } }, objectWithBadToString);
    options.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...(inQuery ? [[]] : objectsOf(shape))), key, value)
        .filter(([at, k]) => !fields.some((x) => path(x.path) === path([...at, k])))
        .map(([at, k, v]) => ({ what: `extra ${path([...at, k])} = ${short(v)}`, apply: (b: Record<string, unknown>) => setAt(b, [...at, k], v) as Record<string, unknown> })),
    });
  }
  if (!inQuery && fields.length > 0) {
    options.push({
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), fc.oneof(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 41, max: 3000 })), fc.constantFrom('object' as const, 'array' as const, 'mixed' as const))
        .map(([x, depth, style]) => ({ what: `${path(x.path)} nested ${depth} deep (${style})`, deep: deepJson(depth, style), apply: (b: Record<string, unknown>) => setAt(b, x.path, DEEP) as Record<string, unknown> })),
    });
  }
  if (inQuery) {
    // The same parameter twice: an array where one value is expected.
    if (fields.length > 0) options.push({ weight: 2, arbitrary: fc.constantFrom(...fields).map((x) => ({ what: `${path(x.path)} given twice`, apply: (b: Record<string, unknown>) => ({ ...b, [x.path[0]]: [String(validField(x.field)), String(validField(x.field))] }) })) });
  }
  return fc.oneof(...options);
}

/** A value shortened for a failure message. */
export function short(v: unknown, max = 120): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}
