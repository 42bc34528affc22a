import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type ProcedureDefinition } from '@motcua/domain';

/** Phiên bản thủ tục hành chính — a procedure version as loaded from the catalog for a commune. */
@Entity('procedure_versions')
export class ProcedureVersionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 64 }) code: string;
  @Column('int') version: number;
  @Column({ name: 'effective_from', type: 'date' }) effectiveFrom: string;
  @Column({ name: 'catalog_version', type: 'varchar', length: 32 }) catalogVersion: string;
  @Column({ name: 'national_code', type: 'varchar', length: 32, nullable: true }) nationalCode: string | null;
  @Column('text') name: string;
  @Column({ name: 'field_code', type: 'varchar', length: 32 }) fieldCode: string;
  @Column({ name: 'field_name', type: 'text' }) fieldName: string;
  @Column({ name: 'lead_unit', type: 'varchar', length: 32 }) leadUnit: string;
  @Column({ name: 'online_level', type: 'varchar', length: 16, nullable: true }) onlineLevel: string | null;
  @Column('jsonb') definition: ProcedureDefinition;
}
