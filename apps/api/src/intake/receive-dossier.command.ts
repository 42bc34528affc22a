import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  DomainValidationError,
  ForbiddenError,
  formatDossierCode,
  type OfficeProfile,
  planStages,
  type ProcedureDefinition,
  resolveOptions,
  toLocalDate,
  toPortalStatus,
  transition,
} from '@motcua/domain';
import type { CommuneEntity, DossierEntity, NewDossier, OfficeEntity } from '@motcua/persistence';
import {
  type ActingUser,
  type DeskScope,
  DossierCommandPipeline,
  DossierEvents,
  handOff,
  type HandoffRequest,
  type NewDossierContext,
  ReferenceCache,
  resolveChannel,
  type RoutingContext,
  scheduleDossierDeadlines,
} from '@motcua/workflow';
import { buildReceiptSlip, ReceiptSlip } from './receipt-slip';
import type { ReceiveDossierDto } from './receive-dossier.dto';

/** Tiếp nhận hồ sơ: one dossier received at the desk, by post, or online. */
export class ReceiveDossierCommand {
  constructor(
    readonly input: ReceiveDossierDto,
    /** The receiving officer (or the portal's service account for online dossiers). */
    readonly actor: ActingUser,
  ) {}
}

/** What intake answers: the dossier's identity and the content of its receipt slip. */
export interface ReceiveDossierResult {
  readonly id: string;
  readonly code: string;
  readonly state: string;
  readonly receipt: ReceiptSlip;
}

/** What the checks found, beside the new row: where it was received, who decides it, how it travels. */
interface CheckedIntake extends NewDossierContext {
  readonly office: OfficeEntity;
  readonly deciding: CommuneEntity;
  readonly options: string[];
  readonly channel: HandoffRequest;
}

/**
 * Receives a dossier in one transaction, through the pipeline's intake half: every rule is
 * checked and the row is built before anything is written ({@link checkIntake}); the pipeline
 * inserts it, and the work records its first event and hands it to the first stage of its route
 * (electronic, or on paper with a reason; state-secret dossiers always on paper); the pipeline's
 * flush writes the events, the outbox rows that carry the hand-offs to the units' queues, the
 * reminders and the portal mark.
 */
@CommandHandler(ReceiveDossierCommand)
export class ReceiveDossierHandler implements ICommandHandler<ReceiveDossierCommand, ReceiveDossierResult> {
  constructor(
    private readonly pipeline: DossierCommandPipeline,
    private readonly refs: ReferenceCache,
  ) {}

  execute({ input, actor }: ReceiveDossierCommand): Promise<ReceiveDossierResult> {
    return this.pipeline.receive(
      { communeCode: actor.communeCode, actor: actor.name },
      ['workflow', 'dossiers'],
      (desk, now) => this.checkIntake(desk, input, actor, now),
      (ctx, checked) => forward(ctx, checked),
    );
  }

  /** The intake's rules, in the desk's commune, and the new row of the deciding commune. */
  private async checkIntake(desk: DeskScope, input: ReceiveDossierDto, actor: ActingUser, now: Date): Promise<CheckedIntake> {
    const day = toLocalDate(now);
    const office = await this.refs.office(desk.reference, input.officeCode);
    if (!office) {
      throw new DomainValidationError('OFFICE_UNKNOWN', `Không có cơ quan tiếp nhận mã "${input.officeCode}".`, 'officeCode');
    }
    // The desk receives at the offices of its own commune (for any commune of the province).
    if (office.communeCode !== actor.communeCode) {
      throw new ForbiddenError('Nơi tiếp nhận thuộc xã khác; tài khoản chỉ tiếp nhận tại nơi tiếp nhận của xã mình.', { field: 'officeCode' });
    }
    const receivingCommune = await this.refs.commune(desk.reference, office.communeCode);
    const decidingCode = input.communeCode ?? office.communeCode;
    const deciding = decidingCode === office.communeCode ? receivingCommune : await this.refs.commune(desk.reference, decidingCode);
    if (!deciding || !receivingCommune) {
      throw new DomainValidationError('COMMUNE_UNKNOWN', `Không có xã mã "${decidingCode}".`, 'communeCode');
    }
    // Decree 118/2025: any office of the province receives for any commune of the province.
    if (deciding.provinceCode !== receivingCommune.provinceCode) {
      throw new DomainValidationError(
        'COMMUNE_OUTSIDE_PROVINCE',
        'Chỉ tiếp nhận hồ sơ của các xã trong cùng tỉnh với nơi tiếp nhận.',
        'communeCode',
      );
    }
    const version = await this.refs.procedureInForce(desk.reference, deciding.code, input.procedureCode, day);
    if (!version) {
      throw new DomainValidationError(
        'PROCEDURE_UNKNOWN',
        `Thủ tục "${input.procedureCode}" không có trong danh mục của xã tại ngày tiếp nhận.`,
        'procedureCode',
      );
    }
    const procedure = version.definition;
    checkChannel(input.channel, input.resultDelivery ?? 'desk', input.stateSecret ?? false, procedure);
    const options = resolveOptions(procedure.route, input.options);
    const channel = resolveChannel({ stateSecret: input.stateSecret ?? false }, input.handoff);

    const profile: OfficeProfile = office.profile;
    const calendar = await this.refs.forCommune(desk.reference, deciding.code);
    const countedFrom = calendar.receiptTime(now, profile);
    const dueAt = calendar.dueDate(now, procedure.legalTime, profile);
    const number = await desk.sequences.nextDossierNumber(office.code, day);
    const year = Number(day.slice(0, 4));
    const bookEntry = await desk.sequences.nextBookEntry(office.code, year);
    const dossier: NewDossier = {
      id: randomUUID(),
      // The dossier belongs to the commune that decides it (Decree 118/2025: possibly not the office's).
      communeCode: deciding.code,
      code: formatDossierCode(office.code, day, number),
      receivingOfficeCode: office.code,
      receivingCommuneCode: office.communeCode,
      procedureVersionId: version.id,
      procedureCode: procedure.code,
      routeVersion: procedure.route.version,
      options,
      state: 'received',
      channel: input.channel,
      resultDelivery: input.resultDelivery ?? 'desk',
      stateSecret: input.stateSecret ?? false,
      applicantName: input.applicant.fullName.trim(),
      applicantIdNumber: input.applicant.idNumber ?? null,
      applicantPhone: input.applicant.phone ?? null,
      applicantAddress: input.applicant.address?.trim() ?? '',
      applicantEmail: input.applicant.email ?? null,
      summary: input.summary?.trim() ?? '',
      components: input.components ?? [...procedure.components],
      setsCount: input.setsCount ?? 1,
      feeAmount: String(procedure.fee.amount),
      receivedBy: actor.name,
      receivedAt: now,
      countedFrom,
      dueAt,
      originalDueAt: dueAt,
      appointmentAt: dueAt,
      bookNumber: year,
      bookEntry,
    };
    return { dossier, procedure, calendar, profile, office, deciding, options, channel };
  }
}

/**
 * The work on the new dossier: its first event, and at once the hand-off to the first stage of
 * its route (Decree 118/2025: electronic dossiers are transferred immediately), with its reminders.
 */
async function forward(ctx: RoutingContext<'workflow' | 'dossiers'>, { procedure, office, deciding, options, channel }: CheckedIntake): Promise<ReceiveDossierResult> {
  const { dossier } = ctx;
  // Personal identifiers stay on the dossier row; the event log carries what happened.
  ctx.journal.record(
    DossierEvents.Received,
    {
      code: dossier.code,
      procedureCode: procedure.code,
      procedureVersion: procedure.version,
      routeVersion: procedure.route.version,
      options,
      channel: dossier.channel,
      resultDelivery: dossier.resultDelivery,
      stateSecret: dossier.stateSecret,
      receivingOfficeCode: office.code,
      receivingCommuneCode: office.communeCode,
      countedFrom: dossier.countedFrom.toISOString(),
      dueAt: dossier.dueAt.toISOString(),
      state: dossier.state,
      portalStatus: toPortalStatus(dossier.state),
    },
    dossier.receivedBy,
    ctx.now,
    { portal: true },
  );
  dossier.state = transition(dossier.state, 'startProcessing');
  ctx.journal.setState(dossier.state);
  const [first] = planStages(procedure.route, options);
  await handOff(ctx, first.steps, 'van-phong', channel);
  scheduleDossierDeadlines(ctx);
  return { id: dossier.id, code: dossier.code, state: dossier.state, receipt: buildReceiptSlip(dossier, procedure, office, deciding) };
}

function checkChannel(
  channel: DossierEntity['channel'],
  delivery: DossierEntity['resultDelivery'],
  stateSecret: boolean,
  procedure: ProcedureDefinition,
): void {
  if (stateSecret && (channel === 'online' || delivery === 'online')) {
    throw new DomainValidationError('STATE_SECRET_OFFLINE', 'Hồ sơ mật không được tiếp nhận hoặc trả kết quả trực tuyến.', 'stateSecret');
  }
  if (channel === 'online' && !procedure.onlineLevel) {
    throw new DomainValidationError('ONLINE_NOT_OFFERED', `Thủ tục "${procedure.name}" không cung cấp dịch vụ công trực tuyến.`, 'channel');
  }
  if (delivery === 'online' && procedure.onlineLevel !== 'toan-trinh') {
    throw new DomainValidationError(
      'ONLINE_RESULT_NOT_OFFERED',
      `Thủ tục "${procedure.name}" không trả kết quả trực tuyến (chỉ thủ tục trực tuyến toàn trình).`,
      'resultDelivery',
    );
  }
}
