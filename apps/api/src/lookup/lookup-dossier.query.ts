import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { DossierEvents, DOSSIER_STATE_LABELS, formatVn, isDossierEvent, NotFoundError, toPortalStatus, UNIT_REGISTRY, type UnitKind } from '@motcua/domain';
import { UnitOfWork } from '@motcua/persistence';
import { checkStoredSignature, ReferenceCache, verificationPath } from '@motcua/workflow';
import { LookupDossierDto, LookupResultView } from './lookup.dto';

export class LookupDossierQuery {
  constructor(readonly input: LookupDossierDto) {}
}

/** The events a citizen may see, in Vietnamese; the others (receipts, internal steps) stay inside. */
function publicText(e: { readonly type: string; readonly payload: unknown }): string | undefined {
  if (!isDossierEvent(e, DossierEvents.Received, DossierEvents.HandoffSent, DossierEvents.ResultReady)) return undefined;
  switch (e.type) {
    case DossierEvents.Received:
      return 'Hồ sơ được tiếp nhận';
    case DossierEvents.HandoffSent: {
      const unit = UNIT_REGISTRY[e.payload.toUnit as UnitKind];
      return e.payload.toUnit === 'van-phong' ? 'Chuyển kết quả về Bộ phận Một cửa' : `Chuyển đến ${unit?.name ?? 'đơn vị xử lý'}`;
    }
    case DossierEvents.ResultReady:
      return 'Đã có kết quả, chờ trả cho công dân';
  }
}

/** One answer for an unknown code and for a wrong second factor, so codes cannot be enumerated. */
export const LOOKUP_NOT_FOUND_MESSAGE = 'Không tìm thấy hồ sơ với mã và thông tin đã nhập.';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time; an absent stored value compares against a dummy, taking as long. */
function sameSecret(stored: string | null, given: string | undefined): boolean {
  const ok = timingSafeEqual(digest(stored ?? '\u0000absent'), digest(given ?? '\u0000none'));
  return ok && stored !== null && given !== undefined;
}

@QueryHandler(LookupDossierQuery)
export class LookupDossierHandler implements IQueryHandler<LookupDossierQuery, LookupResultView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly refs: ReferenceCache,
  ) {}

  async execute({ input }: LookupDossierQuery): Promise<LookupResultView> {
    const dossier = await this.uow.acrossCommunes.dossierByCode(input.code.trim());
    const phoneOk = sameSecret(dossier?.applicantPhone ?? null, input.phone);
    const idOk = sameSecret(dossier?.applicantIdNumber ?? null, input.idNumber);
    if (!dossier || !(phoneOk || idOk)) throw new NotFoundError(LOOKUP_NOT_FOUND_MESSAGE);

    // Found and proven by the second factor: from here on, the dossier's own commune.
    const read = this.uow.read(dossier.communeCode);
    const [procedure, events, signatures] = await Promise.all([
      this.refs.procedure(read.reference, dossier.communeCode, dossier.procedureVersionId),
      read.events.listByDossier(dossier.id),
      read.signing.signaturesOf(dossier.id),
    ]);
    return {
      code: dossier.code,
      procedureName: procedure.name,
      state: dossier.state,
      stateLabel: DOSSIER_STATE_LABELS[dossier.state],
      portalStatus: toPortalStatus(dossier.state),
      receivedAt: dossier.receivedAt.toISOString(),
      appointmentAt: dossier.dueAt.toISOString(),
      appointmentText: formatVn(dossier.dueAt),
      history: events.flatMap((e) => {
        const description = publicText(e);
        return description ? [{ at: e.occurredAt.toISOString(), description }] : [];
      }),
      signatures: await Promise.all(
        signatures.map(async (s) => ({
          signedBy: s.signedBy,
          signedAt: s.signedAt.toISOString(),
          documentSha256: s.documentSha256,
          valid: (await checkStoredSignature(this.uow.acrossCommunes, s)).valid,
          verificationUrl: verificationPath(s.verificationToken),
        })),
      ),
    };
  }
}
