import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiProperty,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ConflictError, DOSSIER_STATE_LABELS, DomainValidationError, formatVn, NotFoundError, toLocalDate } from '@motcua/domain';
import { FORM_KEYS, FORM_TITLES, type FormDocument, type FormKey, renderHtml, renderPdf } from '@motcua/documents';
import { portalSyncView, UnitOfWork } from '@motcua/persistence';
import { ReferenceCache, verificationPath } from '@motcua/workflow';
import { type Actor, CurrentActor, Roles } from '../auth/actor';
import { IsInstant } from '../common/dto-decorators';
import { viewableDossier } from '../workflow/dossier-access';
import { uuid } from '../workflow/workflow.controller';
import { buildDossierForm, type DossierRecord, formHeader, FormNotApplicable, trackingBookRow } from './forms';
import { PortalSyncStatusView } from './portal-sync.view';

const DOSSIER_FORMS = FORM_KEYS.filter((k): k is Exclude<FormKey, 'mau-07'> => k !== 'mau-07');

class FormatQueryDto {
  @ApiPropertyOptional({ enum: ['html', 'pdf'], default: 'html' })
  @IsOptional()
  @IsIn(['html', 'pdf'], { message: 'Định dạng phải là html hoặc pdf.' })
  format?: 'html' | 'pdf';
}

class TrackingBookQueryDto extends FormatQueryDto {
  @ApiProperty({ example: 'H26.01.01' })
  @IsString({ message: 'Mã nơi tiếp nhận phải là chuỗi ký tự.' })
  @MaxLength(64, { message: 'Mã nơi tiếp nhận không được dài quá 64 ký tự.' })
  officeCode: string;

  @ApiProperty({ example: '2026-03-01T00:00:00+07:00', description: 'Đầu kỳ (bao gồm; năm 2000–2099)' })
  @IsInstant('Đầu kỳ')
  from: string;

  @ApiProperty({ example: '2026-04-01T00:00:00+07:00', description: 'Cuối kỳ (không bao gồm; năm 2000–2099)' })
  @IsInstant('Cuối kỳ')
  to: string;
}

/** Sends a form as a printable HTML page or as a PDF download. */
async function send(res: Response, doc: FormDocument, name: string, format: 'html' | 'pdf' = 'html'): Promise<void> {
  if (format === 'pdf') {
    const pdf = await renderPdf(doc);
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="${name}.pdf"`);
    res.send(pdf);
    return;
  }
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.send(renderHtml(doc));
}

/** Reading a dossier: its whole record, and its printable forms (Mẫu 01–07). */
@ApiTags('Hồ sơ')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Hồ sơ không qua đơn vị của tài khoản' })
@ApiExtraModels(PortalSyncStatusView)
@Controller()
export class DossierController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
  ) {}

  private async load(id: string, actor: Actor): Promise<DossierRecord> {
    const read = this.uow.read(actor.communeCode);
    const { dossier, handoffs } = await viewableDossier(read, actor, id);
    const [procedure, office, commune, events, supplements, apology, signatures] = await Promise.all([
      this.refs.procedure(read.reference, dossier.communeCode, dossier.procedureVersionId),
      this.refs.office(read.reference, dossier.receivingOfficeCode),
      this.refs.commune(read.reference, dossier.communeCode),
      read.events.listByDossier(id),
      read.casework.supplementRequests(id),
      read.casework.apologyOf(id),
      read.signing.signaturesOf(id),
    ]);
    if (!office || !commune) throw new Error(`reference data missing for dossier ${id}`);
    return { dossier, procedure, office, commune, handoffs, events, supplements, apology, signatures };
  }

  @Get('dossiers/:id')
  @ApiOperation({
    summary: 'Toàn bộ hồ sơ: trạng thái, hạn, các bước, lượt chuyển, yêu cầu bổ sung, văn bản xin lỗi, chữ ký số, tài liệu, lịch sử, đồng bộ Cổng DVCQG',
  })
  @ApiOkResponse({
    description: 'Hồ sơ; `portalSync`: tình trạng đồng bộ với Cổng Dịch vụ công quốc gia',
    schema: { type: 'object', additionalProperties: true, properties: { portalSync: { $ref: getSchemaPath(PortalSyncStatusView) } } },
  })
  @ApiNotFoundResponse({ description: 'Không có hồ sơ này trong xã của tài khoản (hồ sơ xã khác cũng trả 404)' })
  async detail(@Param('id', uuid) id: string, @CurrentActor() actor: Actor) {
    const r = await this.load(id, actor);
    const d = r.dossier;
    const read = this.uow.read(actor.communeCode);
    const [items, documents, portalSync] = await Promise.all([read.workflow.workItemsOf(id), read.casework.documentsOf(id), read.portalSync.stateOf(id)]);
    return {
      id: d.id,
      code: d.code,
      communeCode: d.communeCode,
      procedureCode: r.procedure.code,
      procedureName: r.procedure.name,
      state: d.state,
      stateLabel: DOSSIER_STATE_LABELS[d.state],
      channel: d.channel,
      resultDelivery: d.resultDelivery,
      stateSecret: d.stateSecret,
      applicant: { name: d.applicantName, address: d.applicantAddress, phone: d.applicantPhone, idNumber: d.applicantIdNumber, email: d.applicantEmail },
      receivedAt: d.receivedAt,
      receivedBy: d.receivedBy,
      dueAt: d.dueAt,
      originalDueAt: d.originalDueAt,
      dueText: formatVn(d.dueAt),
      overdueAt: d.overdueAt ?? null,
      pausedAt: d.pausedAt ?? null,
      supplementDueAt: d.supplementDueAt ?? null,
      resolvedAt: d.resolvedAt ?? null,
      returnedAt: d.returnedAt ?? null,
      closingReason: d.closingReason ?? null,
      workItems: items.map((w) => ({ stepKey: w.stepKey, unit: w.unitKind, status: w.status, assigneeId: w.assigneeId, dueAt: w.dueAt, completedAt: w.completedAt })),
      supplementRequests: r.supplements,
      apology: r.apology,
      signatures: r.signatures.map((s) => ({
        keyId: s.keyId,
        documentSha256: s.documentSha256,
        signedBy: s.signedBy,
        signedAt: s.signedAt,
        verificationToken: s.verificationToken,
        verificationUrl: verificationPath(s.verificationToken),
      })),
      documents,
      portalSync: portalSyncView(portalSync, d.stateSecret),
      history: r.events.map((e) => ({ seq: e.seq, type: e.type, actor: e.actor, occurredAt: e.occurredAt, payload: e.payload })),
      forms: DOSSIER_FORMS.map((k) => ({ form: k, title: FORM_TITLES[k], url: `/api/dossiers/${id}/forms/${k}` })),
    };
  }

  @Get('dossiers/:id/forms/:form')
  @ApiOperation({ summary: 'In biểu mẫu của hồ sơ (Mẫu 01–06, Thông tư 03/2025/TT-VPCP) dạng HTML hoặc PDF' })
  @ApiNotFoundResponse({ description: 'Không có hồ sơ, hoặc không có mẫu này' })
  @ApiConflictResponse({ description: 'Mẫu chưa áp dụng cho hồ sơ (chưa có yêu cầu bổ sung, chưa có văn bản xin lỗi…)' })
  async form(@Param('id', uuid) id: string, @Param('form') form: string, @Query() q: FormatQueryDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const key = DOSSIER_FORMS.find((k) => k === form);
    if (!key) throw new NotFoundError(`Không có biểu mẫu "${form}" cho một hồ sơ; dùng ${DOSSIER_FORMS.join(', ')} (Mẫu 07 là sổ theo dõi: /api/tracking-book).`);
    const r = await this.load(id, actor);
    let doc: FormDocument;
    try {
      doc = buildDossierForm(key, r);
    } catch (e) {
      if (e instanceof FormNotApplicable) throw new ConflictError('FORM_NOT_APPLICABLE', e.message, { form: key });
      throw e;
    }
    await send(res, doc, `${key}-${r.dossier.code}`, q.format);
  }

  @Get('tracking-book')
  @Roles('reception', 'leader', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Sổ theo dõi hồ sơ (Mẫu 07) của một nơi tiếp nhận trong một kỳ, dạng HTML hoặc PDF' })
  async trackingBook(@Query() q: TrackingBookQueryDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to)) throw new DomainValidationError('PERIOD', 'Đầu kỳ phải trước cuối kỳ.', 'to');
    const read = this.uow.reporting(actor.communeCode);
    // Another commune's office is not found, like an unknown one: the book is the commune's own.
    const office = await this.refs.office(read.reference, q.officeCode);
    if (!office || office.communeCode !== actor.communeCode) throw new NotFoundError(`Xã không có nơi tiếp nhận mã "${q.officeCode}".`);
    const commune = await this.refs.commune(read.reference, office.communeCode);
    if (!commune) throw new NotFoundError('Không có xã của nơi tiếp nhận.');
    const entries = await read.dossiers.receivedAtOffice(office.code, from, to, 5000);
    const handoffs = await read.workflow.handoffsOfReceived(entries.map((e) => e.dossier.id));
    const rows = entries.map((e, i) => trackingBookRow(i + 1, e.dossier, e.procedureName, e.leadUnit, handoffs.get(e.dossier.id) ?? []));
    const last = new Date(to.getTime() - 1);
    const [fy, fm, fd] = toLocalDate(from).split('-');
    const [ty, tm, td] = toLocalDate(last).split('-');
    const doc: FormDocument = {
      form: 'mau-07',
      header: formHeader(commune, last, office.name),
      officeName: office.name,
      periodText: `Từ ngày ${fd}/${fm}/${fy} đến ngày ${td}/${tm}/${ty}`,
      rows,
    };
    await send(res, doc, `mau-07-${office.code}-${fy}${fm}${fd}`, q.format);
  }
}
