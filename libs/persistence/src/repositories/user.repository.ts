import { UserEntity } from '../entities/commune.entity';
import { CommuneRepository } from '../tenancy';

/** A new account of the commune. */
export interface NewUser {
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly string[];
  readonly unitKinds: readonly string[];
  readonly passwordHash: string;
}

/** What an administrator may change of an account; any change ends the account's sessions. */
export type UserPatch = Partial<Pick<UserEntity, 'fullName' | 'roles' | 'unitKinds' | 'active' | 'passwordHash'>>;

const PATCH_COLUMNS: Readonly<Record<keyof UserPatch, string>> = {
  fullName: 'full_name',
  roles: 'roles',
  unitKinds: 'unit_kinds',
  active: 'active',
  passwordHash: 'password_hash',
};

/**
 * A commune's accounts: officers, leaders, supervisors, administrators and service accounts.
 * Changing an account's roles, units, password or activity moves its token version (a trigger),
 * so the tokens issued before stop being accepted.
 */
export class UserRepository extends CommuneRepository {
  async findActive(username: string): Promise<UserEntity | null> {
    const [row] = await this.entities(UserEntity, `SELECT * FROM users WHERE commune_code = $1 AND username = $2 AND active`, [username]);
    return row ?? null;
  }

  async find(username: string): Promise<UserEntity | null> {
    const [row] = await this.entities(UserEntity, `SELECT * FROM users WHERE commune_code = $1 AND username = $2`, [username]);
    return row ?? null;
  }

  list(): Promise<UserEntity[]> {
    return this.entities(UserEntity, `SELECT * FROM users WHERE commune_code = $1 ORDER BY username`);
  }

  /** Creates the account; null when the username is taken (in any commune: usernames are global). */
  async insert(u: NewUser): Promise<UserEntity | null> {
    const [row] = await this.sql<Record<string, unknown>[]>(
      `INSERT INTO users (commune_code, username, full_name, roles, unit_kinds, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [u.username, u.fullName, u.roles, u.unitKinds, u.passwordHash],
    );
    return row ? this.toEntity(UserEntity, row) : null;
  }

  /** Applies the patch; the account as it is now, or null when the commune has no such account. */
  async update(username: string, patch: UserPatch): Promise<UserEntity | null> {
    const sets: string[] = [];
    const values: unknown[] = [username];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof UserPatch, string][]) {
      if (patch[key] === undefined) continue;
      values.push(patch[key]);
      sets.push(`${column} = $${values.length + 1}`);
    }
    if (sets.length === 0) return this.find(username);
    const [rows] = await this.sql<[Record<string, unknown>[], number]>(
      `UPDATE users SET ${sets.join(', ')} WHERE commune_code = $1 AND username = $2 RETURNING *`,
      values,
    );
    return rows[0] ? this.toEntity(UserEntity, rows[0]) : null;
  }

  /** Ends every session of the account (its own logout): tokens issued before stop working. */
  async revokeTokens(userId: string): Promise<void> {
    await this.sql(`UPDATE users SET token_version = token_version + 1 WHERE commune_code = $1 AND id = $2`, [userId]);
  }
}
