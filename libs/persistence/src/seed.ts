import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from './password';
import { canonicalJson, type CalendarOverride, DEFAULT_OFFICE_PROFILE, type OfficeProfile, type ProcedureDefinition } from '@motcua/domain';

/** A commune as the seed loads it: its offices and its units. */
export interface CommuneSeed {
  readonly code: string;
  readonly name: string;
  readonly provinceCode: string;
  readonly provinceName: string;
  readonly offices: readonly { code: string; name: string; address: string; profile?: OfficeProfile }[];
  readonly units: readonly { kind: string; name: string }[];
}

/** A user account as the seed creates it. */
export interface UserSeed {
  readonly username: string;
  readonly fullName: string;
  readonly communeCode: string;
  readonly roles: readonly string[];
  readonly units: readonly string[];
}

/** Everything the seed command writes. */
export interface SeedData {
  readonly catalogVersion: string;
  readonly communes: readonly CommuneSeed[];
  readonly procedures: readonly ProcedureDefinition[];
  readonly calendarOverrides: readonly CalendarOverride[];
  /**
   * Demo accounts (`seed --demo`), all with the published `usersPassword` and marked as demo
   * accounts; existing accounts keep their password. A production API refuses to run beside them.
   */
  readonly users?: readonly UserSeed[];
  readonly usersPassword?: string;
}

/** A published procedure version was changed in the catalog without a new version number. */
export class CatalogVersionConflictError extends Error {}

export interface SeedReport {
  communes: number;
  proceduresAdded: number;
  proceduresKept: number;
}

/**
 * Loads reference data; safe to run at every start. Procedure versions are immutable once loaded
 * (dossiers pin them): an unchanged version is kept, a changed one without a new number is refused.
 */
export async function seed(ds: DataSource, data: SeedData): Promise<SeedReport> {
  // One scrypt hash (~0.5 s here) for all demo accounts: they share the documented demo password.
  const passwordHash = data.users?.length && data.usersPassword ? await hashPassword(data.usersPassword) : null;
  return ds.transaction(async (m) => {
    const report: SeedReport = { communes: 0, proceduresAdded: 0, proceduresKept: 0 };
    for (const c of data.communes) {
      await upsertCommune(m, c);
      report.communes += 1;
      for (const p of data.procedures) {
        const added = await insertProcedure(m, c.code, p, data.catalogVersion);
        if (added) report.proceduresAdded += 1;
        else report.proceduresKept += 1;
      }
      for (const o of data.calendarOverrides) {
        await m.query(
          `INSERT INTO calendar_overrides (commune_code, year, source, definition) VALUES ($1, $2, $3, $4)
           ON CONFLICT (commune_code, year, source) DO UPDATE SET definition = EXCLUDED.definition`,
          [c.code, o.year, o.source, JSON.stringify(o)],
        );
      }
    }
    for (const u of data.users ?? []) {
      await m.query(
        `INSERT INTO users (commune_code, username, full_name, roles, unit_kinds, password_hash, demo) VALUES ($1, $2, $3, $4, $5, $6, true)
         ON CONFLICT (username) DO UPDATE SET full_name = EXCLUDED.full_name, roles = EXCLUDED.roles, unit_kinds = EXCLUDED.unit_kinds, active = true
           WHERE users.demo`,
        [u.communeCode, u.username, u.fullName, u.roles, u.units, passwordHash],
      );
    }
    return report;
  });
}

async function upsertCommune(m: EntityManager, c: CommuneSeed): Promise<void> {
  await m.query(
    `INSERT INTO communes (code, name, province_code, province_name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, province_code = EXCLUDED.province_code, province_name = EXCLUDED.province_name`,
    [c.code, c.name, c.provinceCode, c.provinceName],
  );
  for (const o of c.offices) {
    await m.query(
      `INSERT INTO offices (commune_code, code, name, address, profile) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address, profile = EXCLUDED.profile`,
      [c.code, o.code, o.name, o.address, JSON.stringify(o.profile ?? DEFAULT_OFFICE_PROFILE)],
    );
  }
  for (const u of c.units) {
    await m.query(
      `INSERT INTO units (commune_code, kind, name) VALUES ($1, $2, $3)
       ON CONFLICT (commune_code, kind) DO UPDATE SET name = EXCLUDED.name`,
      [c.code, u.kind, u.name],
    );
  }
}

async function insertProcedure(m: EntityManager, communeCode: string, p: ProcedureDefinition, catalogVersion: string): Promise<boolean> {
  const existing = (await m.query(
    `SELECT definition FROM procedure_versions WHERE commune_code = $1 AND code = $2 AND version = $3`,
    [communeCode, p.code, p.version],
  )) as { definition: ProcedureDefinition }[];
  if (existing.length > 0) {
    if (canonicalJson(existing[0].definition) !== canonicalJson(p)) {
      throw new CatalogVersionConflictError(
        `procedure ${p.code} version ${p.version} differs from the loaded one in commune ${communeCode}: publish it as a new version`,
      );
    }
    return false;
  }
  await m.query(
    `INSERT INTO procedure_versions (commune_code, code, version, effective_from, catalog_version, national_code, name,
       field_code, field_name, lead_unit, online_level, definition)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      communeCode,
      p.code,
      p.version,
      p.effectiveFrom,
      catalogVersion,
      p.nationalCode ?? null,
      p.name,
      p.field.code,
      p.field.name,
      p.leadUnit,
      p.onlineLevel ?? null,
      JSON.stringify(p),
    ],
  );
  return true;
}
