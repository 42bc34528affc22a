import { EntityManager } from 'typeorm';
import { type CalendarOverride } from '@motcua/domain';
import { CalendarOverrideEntity, CommuneEntity, OfficeEntity } from '../entities/commune.entity';
import { ProcedureVersionEntity } from '../entities/procedure-version.entity';

/** Reference data: communes, offices, procedure versions, calendar overrides. */
export class ReferenceRepository {
  constructor(private readonly m: EntityManager) {}

  findCommune(code: string): Promise<CommuneEntity | null> {
    return this.m.findOne(CommuneEntity, { where: { code } });
  }

  findOffice(code: string): Promise<OfficeEntity | null> {
    return this.m.findOne(OfficeEntity, { where: { code } });
  }

  /** The version of `code` in force in `communeCode` on `day` (YYYY-MM-DD). */
  async findProcedureInForce(communeCode: string, code: string, day: string): Promise<ProcedureVersionEntity | null> {
    return this.m
      .createQueryBuilder(ProcedureVersionEntity, 'p')
      .where('p.commune_code = :communeCode AND p.code = :code AND p.effective_from <= :day', { communeCode, code, day })
      .orderBy('p.effective_from', 'DESC')
      .addOrderBy('p.version', 'DESC')
      .getOne();
  }

  findProcedureVersion(communeCode: string, id: string): Promise<ProcedureVersionEntity | null> {
    return this.m.findOne(ProcedureVersionEntity, { where: { id, communeCode } });
  }

  /** The latest version of every procedure of a commune, for the desk's catalog. */
  async listProcedures(communeCode: string): Promise<ProcedureVersionEntity[]> {
    return this.m.query(
      `SELECT DISTINCT ON (code) id, commune_code AS "communeCode", code, version, effective_from AS "effectiveFrom",
              catalog_version AS "catalogVersion", national_code AS "nationalCode", name, field_code AS "fieldCode",
              field_name AS "fieldName", lead_unit AS "leadUnit", online_level AS "onlineLevel", definition
         FROM procedure_versions WHERE commune_code = $1 AND effective_from <= now()::date
        ORDER BY code, effective_from DESC, version DESC`,
      [communeCode],
    );
  }

  async calendarOverrides(communeCode: string): Promise<CalendarOverride[]> {
    const rows = await this.m.find(CalendarOverrideEntity, { where: { communeCode }, order: { year: 'ASC' } });
    return rows.map((r) => r.definition as CalendarOverride);
  }
}
