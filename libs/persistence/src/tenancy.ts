import type { Pool } from 'pg';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** A commune's repository was asked to run SQL that does not filter on the commune. */
export class UnscopedQueryError extends Error {
  override readonly name = 'UnscopedQueryError';
}

/** A read, update or delete filtering on the commune passed as `$1` (any alias, or the receiving commune). */
const FILTERS_ON_COMMUNE = /commune_code\s*=\s*\$1(?!\d)/;
/** An insert whose first column is the commune, given as `$1`. */
const INSERTS_FOR_COMMUNE = /^\s*INSERT\s+INTO\s+\w+\s*\(\s*commune_code\s*,[^)]*\)\s*VALUES\s*\(\s*\$1\s*,/i;

/**
 * Refuses SQL that could reach another commune's rows: every statement a commune's repository
 * runs must filter on `commune_code = $1` or insert `$1` as the row's commune. PostgreSQL adds
 * its own check: a `$1` that the text never uses fails with "could not determine data type".
 */
export function assertCommuneScoped(sql: string): void {
  if (!FILTERS_ON_COMMUNE.test(sql) && !INSERTS_FOR_COMMUNE.test(sql)) {
    throw new UnscopedQueryError(`SQL of a commune's repository must filter on commune_code = $1: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}

/**
 * Base of every repository of one commune's rows — tenancy by construction (STYLE.md habit 6,
 * after Novu's DAL). A repository is built for one commune and never sees the connection
 * itself: it runs SQL only through {@link sql}, which binds the commune as `$1` and refuses a
 * statement that does not filter on it. So a query without the commune cannot be written by
 * mistake: it fails the first time any test runs it.
 *
 * Work that must span communes (the workers' sweeps, the public lookups, sign-in, the integrity
 * checks) lives in `AcrossCommunes`, each method named for its one use.
 */
export abstract class CommuneRepository {
  constructor(
    private readonly manager: EntityManager,
    /** The commune whose rows this repository reads and writes. */
    readonly communeCode: string,
  ) {}

  /** Runs `text` with the commune as `$1` and `params` as `$2`, `$3`…; TypeORM's raw result. */
  protected sql<T = Record<string, unknown>[]>(text: string, params: readonly unknown[] = []): Promise<T> {
    assertCommuneScoped(text);
    return this.manager.query(text, [this.communeCode, ...params]) as Promise<T>;
  }

  /**
   * {@link sql} as a named prepared statement straight on the pg pool, outside any transaction:
   * PostgreSQL parses and plans it once per connection, and TypeORM's query runner is skipped.
   * For the hand-off path's fixed statements (one statement is its own transaction); inside a
   * transaction it runs on the transaction's connection, unprepared. Returns the rows.
   */
  protected async prepared<T = Record<string, unknown>>(name: string, text: string, params: readonly unknown[] = []): Promise<T[]> {
    assertCommuneScoped(text);
    const values = [this.communeCode, ...params];
    if (this.manager.queryRunner) {
      const raw = (await this.manager.query(text, values)) as T[] | [T[], number];
      return Array.isArray(raw[0]) ? (raw[0] as T[]) : (raw as T[]);
    }
    // TypeORM's PostgresDriver keeps its pg pool as `master`.
    const pool = (this.manager.connection.driver as unknown as { master: Pool }).master;
    return (await pool.query({ name, text, values })).rows as T[];
  }

  /** {@link sql}, its rows mapped onto `entity` (column names to property names, by its metadata). */
  protected async entities<T extends ObjectLiteral>(entity: EntityTarget<T>, text: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = await this.sql<Record<string, unknown>[]>(text, params);
    return rows.map((row) => this.toEntity(entity, row));
  }

  /** One raw row as `entity`: its columns renamed to the entity's properties, other columns left out. */
  protected toEntity<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Record<string, unknown>): T {
    const out: Record<string, unknown> = {};
    for (const c of this.manager.connection.getMetadata(entity).columns) if (c.databaseName in row) out[c.propertyName] = row[c.databaseName];
    return out as T;
  }

  /** Another repository of the same commune on the same connection (and transaction). */
  protected sibling<R>(repository: new (m: EntityManager, communeCode: string) => R): R {
    return new repository(this.manager, this.communeCode);
  }
}
