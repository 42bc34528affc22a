import { STORABLE_TEXT } from '@motcua/domain';
import type { FieldError } from './validation';

/**
 * Checks of what a request carries that no DTO rule can see, shared by the body parser (every
 * JSON body, before any middleware reads it) and the validation pipe (every query).
 */

/**
 * The deepest JSON the API reads: objects and arrays nested in one another, the body itself
 * counted. No DTO comes near it (the deepest is 3); a body nested thousands of levels deep would
 * overflow the stack of the recursive transformation and validation that follow.
 */
export const MAX_JSON_DEPTH = 32;

/** A 400 names at most this many fields: enough for the desk, bounded for a body of 50 000 bad items. */
export const MAX_FIELD_ERRORS = 100;

export const UNSTORABLE_TEXT = 'Chứa ký tự không hợp lệ (ký tự NUL hoặc ký tự Unicode không trọn cặp).';
export const NOT_RECEIVED = 'Trường này không có trong dữ liệu được nhận; hãy bỏ trường này.';

/** `parent.name`, or `parent[3]` for an array index: the form every field of a 400 takes. */
export function childPath(parent: string, key: string, index: boolean): string {
  if (index) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * A key no DTO has and that code reading the request must never meet: one naming a property of
 * every object (`__proto__`, `constructor`, `toString`, `valueOf`…) or `prototype`. Nest's
 * ValidationPipe and class-transformer drop them before the whitelist looks, so they were
 * silently accepted; and `{ "toString": 1 }` breaks `String(value)` wherever it is used.
 */
function reservedKey(key: string): boolean {
  return key in Object.prototype || key === 'prototype';
}

/**
 * Every string (value or key) PostgreSQL could not store as sent — a NUL byte is refused, a lone
 * surrogate becomes U+FFFD — and every reserved key, by field. Walks without recursion.
 */
export function hostileContent(value: unknown): FieldError[] {
  const found: FieldError[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && found.length < MAX_FIELD_ERRORS) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!STORABLE_TEXT.test(v)) found.push({ field: path || 'body', rule: 'storableText', message: UNSTORABLE_TEXT });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? childPath(path, String(i), true) : `[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v).reverse()) {
        const field = childPath(path, key, false);
        if (!STORABLE_TEXT.test(key)) found.push({ field, rule: 'storableText', message: UNSTORABLE_TEXT });
        else if (reservedKey(key)) found.push({ field, rule: 'whitelistValidation', message: NOT_RECEIVED });
        else stack.push([(v as Record<string, unknown>)[key], field]);
      }
    }
  }
  return found;
}

/**
 * The top-level field (or `body`, for an array) under which `value` nests deeper than
 * {@link MAX_JSON_DEPTH}, if any. Iterative, so the check itself cannot overflow.
 */
export function tooDeep(value: unknown): string | undefined {
  const stack: [unknown, number, string][] = [[value, 1, 'body']];
  while (stack.length > 0) {
    const [v, depth, field] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return field;
    const top = depth === 1 && !Array.isArray(v);
    for (const [key, child] of Object.entries(v)) stack.push([child, depth + 1, top ? key : field]);
  }
  return undefined;
}
