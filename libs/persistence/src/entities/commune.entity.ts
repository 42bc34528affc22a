import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type OfficeProfile } from '@motcua/domain';

/** Xã / phường — a commune served by the deployment; every other row carries its code. */
@Entity('communes')
export class CommuneEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) code: string;
  @Column('text') name: string;
  @Column({ name: 'province_code', type: 'varchar', length: 16 }) provinceCode: string;
  @Column({ name: 'province_name', type: 'text' }) provinceName: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/**
 * Trung tâm Phục vụ hành chính công / điểm tiếp nhận — a receiving office. Its code is the first
 * part of every dossier code it issues.
 */
@Entity('offices')
export class OfficeEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 64, unique: true }) code: string;
  @Column('text') name: string;
  @Column('text') address: string;
  @Column('jsonb') profile: OfficeProfile;
}

/** Đơn vị — one unit of a commune (per kind). */
@Entity('units')
export class UnitEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 32 }) kind: string;
  @Column('text') name: string;
}

/** Cán bộ, công chức — a user of the system (officers, leaders, supervisors, service accounts). */
@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 64, unique: true }) username: string;
  @Column({ name: 'full_name', type: 'text' }) fullName: string;
  @Column({ type: 'text', array: true }) roles: string[];
  @Column({ name: 'unit_kinds', type: 'text', array: true }) unitKinds: string[];
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash: string | null;
  @Column('boolean') active: boolean;
  /** Moves on every change of roles, units, password or activity: older access tokens stop working. */
  @Column({ name: 'token_version', type: 'int' }) tokenVersion: number;
  /** A demo account of the seed (`seed --demo`), whose password is published. */
  @Column('boolean') demo: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** Lịch nghỉ chính thức — a per-year official holiday schedule that overrides the rules. */
@Entity('calendar_overrides')
export class CalendarOverrideEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column('int') year: number;
  @Column('text') source: string;
  @Column('jsonb') definition: unknown;
}
