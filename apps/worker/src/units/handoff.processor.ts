import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { type Job, UnrecoverableError } from 'bullmq';
import { DomainError, type RouteStep, type UnitKind } from '@motcua/domain';
import type { HandoffJob } from '@motcua/messaging';
import { ConcurrentModificationError, type UnitOfWork } from '@motcua/persistence';
import {
  CompleteAutomaticStepCommand,
  type AutomaticStepOutcome,
  CompleteStepCommand,
  type CompleteStepResult,
  failpoint,
  RecordReceiptCommand,
  type RecordReceiptResult,
  SIGNING_UNIT,
  SignResultCommand,
  StepNotPendingError,
  systemActor,
} from '@motcua/workflow';
import type { AutomaticOutcome, AutomaticSteps } from './automatic-steps';

/** What a hand-off job did; counted per unit and outcome. */
export type HandoffOutcome = 'received' | 'duplicate' | 'completed' | 'needs_officer';

/**
 * Consumer of a unit's queue. The job is the transport: it records the receipt (idempotent on
 * the hand-off id) and leaves the step in the unit's inbox, where officers take days. Automatic
 * steps complete here, by calling the outside system, and hand the dossier on.
 */
export class HandoffProcessor {
  private readonly logger = new Logger('Handoff');

  constructor(
    private readonly unit: UnitKind,
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
    private readonly automatic: AutomaticSteps,
    private readonly autoOfficer: boolean,
  ) {}

  async process(job: Job<HandoffJob>): Promise<HandoffOutcome> {
    try {
      return await this.handle(job.data);
    } catch (e) {
      // A rule the job cannot fix by trying again goes straight to the dead-letter list.
      if (e instanceof DomainError && !(e instanceof ConcurrentModificationError)) throw new UnrecoverableError(`${e.code}: ${e.message}`);
      throw e;
    }
  }

  private async handle({ communeCode, dossierId, handoffId }: HandoffJob): Promise<HandoffOutcome> {
    const receivedBy = `Hệ thống – ${this.unit}`;
    const receipt = await this.commands.execute<RecordReceiptCommand, RecordReceiptResult>(
      new RecordReceiptCommand(communeCode, dossierId, handoffId, receivedBy, true),
    );
    if (receipt.outcome === 'automatic') return this.receiveAndComplete(receipt.step, { communeCode, dossierId, handoffId }, receivedBy);
    await failpoint('handoff.after-receipt');
    if (!receipt.pending) return receipt.outcome;
    const { step } = receipt;

    let result: Record<string, unknown> | undefined;
    if (step.automatic) {
      // Received before (its outside call failed then, or it is being re-driven): the call, then the completion.
      const dossier = await this.uow.read(communeCode).dossiers.findById(dossierId);
      if (!dossier) return receipt.outcome;
      const outcome = await this.automatic.run(step.automatic, dossier, handoffId);
      if (outcome.kind === 'needs_officer') {
        this.logger.warn(`dossier ${dossier.code} step ${step.key}: ${step.automatic} needs an officer (${outcome.reason})`);
        return 'needs_officer';
      }
      result = outcome.result;
    } else if (!this.autoOfficer) {
      return receipt.outcome;
    }
    try {
      const actor = step.automatic ? `Hệ thống – ${step.automatic}` : `Cán bộ tự động – ${this.unit}`;
      if (step.unit === SIGNING_UNIT) {
        // Benchmark mode: the automatic leader signs a stand-in result document.
        const sha256 = createHash('sha256').update(`result:${dossierId}`).digest('hex');
        await this.commands.execute(new SignResultCommand(dossierId, systemActor(actor, communeCode), { name: 'Kết quả giải quyết', sha256 }));
        return 'completed';
      }
      await this.commands.execute<CompleteStepCommand, CompleteStepResult>(
        new CompleteStepCommand(dossierId, step.key, systemActor(actor, communeCode), undefined, undefined, result),
      );
      return 'completed';
    } catch (e) {
      if (e instanceof StepNotPendingError) return receipt.outcome; // completed by an earlier delivery
      throw e;
    }
  }

  /**
   * An automatic step not received yet: the outside system first, then its receipt and its
   * completion in one transaction. If the system fails or wants an officer, the receipt alone is
   * recorded, so the step waits in the unit's inbox (re-driven, or for the officer).
   */
  private async receiveAndComplete(step: RouteStep, job: HandoffJob, receivedBy: string): Promise<HandoffOutcome> {
    const receiptAlone = () => this.commands.execute(new RecordReceiptCommand(job.communeCode, job.dossierId, job.handoffId, receivedBy));
    const dossier = await this.uow.read(job.communeCode).dossiers.findById(job.dossierId);
    if (!step.automatic || !dossier) return (await receiptAlone()).outcome;
    let outcome: AutomaticOutcome;
    try {
      outcome = await this.automatic.run(step.automatic, dossier, job.handoffId);
    } catch (e) {
      await receiptAlone();
      throw e;
    }
    if (outcome.kind === 'needs_officer') {
      await receiptAlone();
      this.logger.warn(`dossier ${dossier.code} step ${step.key}: ${step.automatic} needs an officer (${outcome.reason})`);
      return 'needs_officer';
    }
    await failpoint('automatic.after-call');
    const done = await this.commands.execute<CompleteAutomaticStepCommand, AutomaticStepOutcome>(
      new CompleteAutomaticStepCommand(job.communeCode, job.dossierId, job.handoffId, receivedBy, systemActor(`Hệ thống – ${step.automatic}`, job.communeCode), outcome.result),
    );
    return done.outcome;
  }
}
