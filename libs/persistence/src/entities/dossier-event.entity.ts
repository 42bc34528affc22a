import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Nhật ký hồ sơ — one append-only, hash-chained event of a dossier. */
@Entity('dossier_events')
export class DossierEventEntity {
  @PrimaryColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ name: 'dossier_id', type: 'uuid' }) dossierId: string;
  @Column('int') seq: number;
  @Column({ type: 'varchar', length: 64 }) type: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('text') actor: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'prev_hash', type: 'char', length: 64 }) prevHash: string;
  @Column({ type: 'char', length: 64 }) hash: string;
}
