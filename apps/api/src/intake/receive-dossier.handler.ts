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
import { type DossierEntity, type NewDossier, setAuditTarget, UnitOfWork } from '@motcua/persistence';
import { Clock, DossierEvents, DossierJournal, handOff, ReferenceCache, resolveChannel, scheduleDossierDeadlines } from '@motcua/workflow';
import { buildReceiptSlip } from './receipt-slip';
import { ReceiveDossierCommand, type ReceiveDossierResult } from './receive-dossier.command';

/**
 * Receives a dossier in one transaction: the dossier row, its first event, the hand-off to the
 * first stage of its route (electronic, or on paper with a reason; state-secret dossiers always
 * on paper) and the outbox rows that carry both to the units' queues and to the portal. Every
 * rule is checked before anything is written.
 */
@CommandHandler(ReceiveDossierCommand)
export class ReceiveDossierHandler implements ICommandHandler<ReceiveDossierCommand, ReceiveDossierResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
    private readonly clock: Clock,
  ) {}

  async execute({ input, actor }: ReceiveDossierCommand): Promise<ReceiveDossierResult> {
    const now = this.clock.now();
    const day = toLocalDate(now);
    return this.uow.run(actor.communeCode, async (tx) => {
      const office = await this.refs.office(tx.reference, input.officeCode);
      if (!office) {
        throw new DomainValidationError('OFFICE_UNKNOWN', `Không có cơ quan tiếp nhận mã "${input.officeCode}".`, 'officeCode');
      }
      // The desk receives at the offices of its own commune (for any commune of the province).
      if (office.communeCode !== actor.communeCode) {
        throw new ForbiddenError('Nơi tiếp nhận thuộc xã khác; tài khoản chỉ tiếp nhận tại nơi tiếp nhận của xã mình.', { field: 'officeCode' });
      }
      const receivingCommune = await this.refs.commune(tx.reference, office.communeCode);
      const decidingCode = input.communeCode ?? office.communeCode;
      const deciding = decidingCode === office.communeCode ? receivingCommune : await this.refs.commune(tx.reference, decidingCode);
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
      const version = await this.refs.procedureInForce(tx.reference, deciding.code, input.procedureCode, day);
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
      const calendar = await this.refs.forCommune(tx.reference, deciding.code);
      const countedFrom = calendar.receiptTime(now, profile);
      const dueAt = calendar.dueDate(now, procedure.legalTime, profile);
      const number = await tx.sequences.nextDossierNumber(office.code, day);
      const year = Number(day.slice(0, 4));
      const bookEntry = await tx.sequences.nextBookEntry(office.code, year);
      // The dossier belongs to the commune that decides it (Decree 118/2025: possibly not the office's).
      const dtx = tx.forCommune(deciding.code);

      const dossier: NewDossier = {
        id: randomUUID(),
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
      await dtx.dossiers.insert(dossier);
      setAuditTarget(dossier.id);
      const written: DossierEntity = { ...dossier, lastSeq: 0, lastHash: '', createdAt: now, updatedAt: now };
      const journal = new DossierJournal(dtx, written);
      // Personal identifiers stay on the dossier row; the event log carries what happened.
      journal.record(
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
          countedFrom: countedFrom.toISOString(),
          dueAt: dueAt.toISOString(),
          state: dossier.state,
          portalStatus: toPortalStatus(dossier.state),
        },
        dossier.receivedBy,
        now,
        { portal: true },
      );
      // The desk forwards the dossier to the first stage of its route at once (Decree 118/2025:
      // electronic dossiers are transferred immediately).
      written.state = transition(written.state, 'startProcessing');
      journal.setState(written.state);
      const [first] = planStages(procedure.route, options);
      const ctx = { tx: dtx, journal, dossier: written, procedure, calendar, profile, now, actor: dossier.receivedBy };
      await handOff(ctx, first.steps, 'van-phong', channel);
      scheduleDossierDeadlines(ctx);
      await journal.flush();
      return {
        id: dossier.id,
        code: dossier.code,
        state: written.state,
        receipt: buildReceiptSlip(written, procedure, office, deciding),
      };
    });
  }
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
