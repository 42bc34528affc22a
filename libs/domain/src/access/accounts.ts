/**
 * Tên đăng nhập, normalised once: compatibility-normalised (NFKC), trimmed and lower-cased. The
 * login limiter and the account lookup both use this form, so `"Name "` is the same account
 * for both and cannot slip past a lock-out. Anything that is not a string is left for the
 * validation to refuse.
 */
export function normaliseUsername(raw: unknown): unknown {
  return typeof raw === 'string' ? raw.normalize('NFKC').trim().toLowerCase() : raw;
}

/** What a username may look like once normalised (the database checks the same). */
export const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** Passwords an administrator sets: long enough to resist guessing at the login limit. */
export const MIN_PASSWORD_LENGTH = 12;

/** An officer works for at least one unit; the desk and the roles above the units need none named. */
export function officerWithoutUnit(roles: readonly string[], units: readonly string[]): boolean {
  return roles.includes('officer') && units.length === 0;
}

/**
 * Text PostgreSQL can store as it is: no NUL byte (refused by PostgreSQL) and no lone UTF-16
 * surrogate (silently stored as U+FFFD). Line breaks and tabs are fine. The API refuses any other
 * text anywhere in a request's body or query (apps/api/src/common/validation.ts).
 */
export const STORABLE_TEXT = /^(?:[^\u0000\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/**
 * A one-line text a person typed (a name): {@link STORABLE_TEXT} without any control character
 * either.
 */
export const PLAIN_TEXT = /^(?:[^\u0000-\u001f\u007f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
