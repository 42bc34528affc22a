import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Công việc — a dossier step waiting in a unit's inbox. */
@Entity('work_items')
export class WorkItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ name: 'dossier_id', type: 'uuid' }) dossierId: string;
  @Column({ name: 'unit_kind', type: 'varchar', length: 32 }) unitKind: string;
  @Column({ name: 'step_key', type: 'varchar', length: 64 }) stepKey: string;
  @Column({ type: 'varchar', length: 16 }) status: 'pending' | 'taken' | 'done' | 'cancelled';
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column({ name: 'handoff_id', type: 'uuid', nullable: true }) handoffId: string | null;
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true }) dueAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'taken_at', type: 'timestamptz', nullable: true }) takenAt?: Date | null;
  /** The automatic step's kind (the system completes it by calling an outside agency); null for people's steps. */
  @Column({ type: 'varchar', length: 32, nullable: true }) automatic?: string | null;
  /** How often the recovery sweeper drove the automatic step again. */
  @Column({ name: 'redrive_count', type: 'int', default: 0 }) redriveCount?: number;
  @Column({ name: 'redriven_at', type: 'timestamptz', nullable: true }) redrivenAt?: Date | null;
}

/** Bàn giao hồ sơ — one hand-off of a dossier from one unit to another. */
@Entity('handoffs')
export class HandoffEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ name: 'dossier_id', type: 'uuid' }) dossierId: string;
  @Column({ name: 'step_key', type: 'varchar', length: 64 }) stepKey: string;
  @Column({ name: 'from_unit', type: 'varchar', length: 32 }) fromUnit: string;
  @Column({ name: 'to_unit', type: 'varchar', length: 32 }) toUnit: string;
  @Column({ type: 'varchar', length: 16 }) channel: 'electronic' | 'paper';
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'sent_by', type: 'text' }) sentBy: string;
  @Column({ name: 'sent_at', type: 'timestamptz' }) sentAt: Date;
  @Column({ name: 'step_due_at', type: 'timestamptz', nullable: true }) stepDueAt: Date | null;
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true }) receivedAt: Date | null;
  @Column({ name: 'received_by', type: 'text', nullable: true }) receivedBy: string | null;
  @Column({ name: 'resent_at', type: 'timestamptz', nullable: true }) resentAt?: Date | null;
  @Column({ name: 'resend_count', type: 'int', default: 0 }) resendCount?: number;
  /** Still unreceived after every re-send: listed as stuck work for an operator. */
  @Column({ name: 'given_up_at', type: 'timestamptz', nullable: true }) givenUpAt?: Date | null;
}

/** A message waiting to be relayed to BullMQ; its id becomes the job id. */
@Entity('outbox')
export class OutboxEntity {
  @PrimaryColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'commune_code', type: 'varchar', length: 16 }) communeCode: string;
  @Column({ type: 'varchar', length: 64 }) queue: string;
  @Column({ name: 'job_name', type: 'varchar', length: 64 }) jobName: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @Column('int') attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  /** Not before: the relay adds the job delayed until then (deadline reminders). */
  @Column({ name: 'run_at', type: 'timestamptz', nullable: true }) runAt?: Date | null;
  /** Not before: a refused row's next attempt, or the end of a relay's claim on it. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt?: Date | null;
  /** Refused on every attempt: waits for an operator (`GET /api/stuck`). */
  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true }) deadAt?: Date | null;
}
