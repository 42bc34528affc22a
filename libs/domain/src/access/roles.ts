/**
 * Vai trò — what a user may do. `reception` is the one-stop desk (Bộ phận Một cửa), `officer` a
 * unit's officer, `leader` the chairman or a vice-chairman who signs, `supervisor` who watches the
 * commune's work, `admin` who manages its accounts, `service` an outside system's account (the
 * national portal).
 */
export const ROLES = ['reception', 'officer', 'leader', 'supervisor', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The roles that stand above the units: they see every unit's work of their own commune (the
 * inbox of every unit, every dossier, the escalations) — never another commune's. Acting on a
 * step stays with the officers of its unit; supervisors and administrators reassign it.
 * The one definition every check uses.
 */
export const ABOVE_UNIT_ROLES: readonly Role[] = ['leader', 'supervisor', 'admin'];

export function standsAboveUnits(roles: readonly string[]): boolean {
  return roles.some((r) => (ABOVE_UNIT_ROLES as readonly string[]).includes(r));
}
