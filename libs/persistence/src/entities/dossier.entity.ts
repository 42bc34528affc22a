import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type DossierState, type ProcedureComponent } from '@motcua/domain';

/** Kênh tiếp nhận — how the dossier reached the desk. */
export type IntakeChannel = 'desk' | 'post' | 'online';
/** Hình thức trả kết quả — how the result goes back. */
export type ResultDelivery = 'desk' | 'post' | 'online';

/** Hồ sơ thủ tục hành chính — the current state of a dossier (a read model of its events). */
@Entity('dossiers')
export class DossierEntity {
  @PrimaryColumn('uuid') id: string;
  /** The commune that decides the dossier. */
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 64, unique: true }) code: string;
  @Column({ name: 'receiving_office_code', type: 'varchar', length: 64 }) receivingOfficeCode: string;
  /** The commune whose office received it (may differ since Decree 118/2025). */
  @Column({ name: 'receiving_commune_code', type: 'varchar', length: 16 }) receivingCommuneCode: string;
  @Column({ name: 'procedure_version_id', type: 'uuid' }) procedureVersionId: string;
  @Column({ name: 'procedure_code', type: 'varchar', length: 64 }) procedureCode: string;
  @Column({ name: 'route_version', type: 'int' }) routeVersion: number;
  @Column({ type: 'text', array: true }) options: string[];
  @Column({ type: 'varchar', length: 32 }) state: DossierState;
  @Column({ type: 'varchar', length: 16 }) channel: IntakeChannel;
  @Column({ name: 'result_delivery', type: 'varchar', length: 16 }) resultDelivery: ResultDelivery;
  @Column({ name: 'state_secret', type: 'boolean' }) stateSecret: boolean;
  @Column({ name: 'applicant_name', type: 'text' }) applicantName: string;
  @Column({ name: 'applicant_id_number', type: 'varchar', length: 12, nullable: true }) applicantIdNumber: string | null;
  @Column({ name: 'applicant_phone', type: 'varchar', length: 15, nullable: true }) applicantPhone: string | null;
  @Column({ name: 'applicant_address', type: 'text' }) applicantAddress: string;
  @Column({ name: 'applicant_email', type: 'text', nullable: true }) applicantEmail: string | null;
  @Column('text') summary: string;
  @Column('jsonb') components: ProcedureComponent[];
  @Column({ name: 'sets_count', type: 'int' }) setsCount: number;
  @Column({ name: 'fee_amount', type: 'bigint' }) feeAmount: string;
  @Column({ name: 'received_by', type: 'text' }) receivedBy: string;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  /** When the legal time starts counting (online dossiers outside office hours: next period). */
  @Column({ name: 'counted_from', type: 'timestamptz' }) countedFrom: Date;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  /** Ngày hẹn trả on the receipt slip (Mẫu 01) as printed at intake: never moved; every form quotes it as the original appointment. */
  @Column({ name: 'appointment_at', type: 'timestamptz' }) appointmentAt: Date;
  /** The first appointment moved only by the citizen's supplement time: the on-time judgement keeps it (DOMAIN.md decision 5). */
  @Column({ name: 'original_due_at', type: 'timestamptz' }) originalDueAt: Date;
  /** When the dossier passed its due date unfinished (Quá hạn); escalated to supervisors then. */
  @Column({ name: 'overdue_at', type: 'timestamptz', nullable: true }) overdueAt?: Date | null;
  /** Since when the clock is paused for a supplement (DOMAIN.md decision 4). */
  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true }) pausedAt?: Date | null;
  /** The citizen's own deadline to supply the supplement; past it the dossier is rejected. */
  @Column({ name: 'supplement_due_at', type: 'timestamptz', nullable: true }) supplementDueAt?: Date | null;
  @Column({ name: 'supplement_count', type: 'int', default: 0 }) supplementCount?: number;
  /** When the result reached the desk (Đã xử lý xong); judged early / on time / late. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt?: Date | null;
  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true }) returnedAt?: Date | null;
  /** Why processing ended without a result (rejection, stop at the citizen's request). */
  @Column({ name: 'closing_reason', type: 'text', nullable: true }) closingReason?: string | null;
  @Column({ name: 'book_number', type: 'int' }) bookNumber: number;
  @Column({ name: 'book_entry', type: 'int' }) bookEntry: number;
  @Column({ name: 'last_seq', type: 'int' }) lastSeq: number;
  @Column({ name: 'last_hash', type: 'char', length: 64 }) lastHash: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
