import { DOSSIER_STATE_LABELS, type ProcedureDefinition, stateChangeOf, toLocalDateTime, toPortalStatus, UNIT_REGISTRY } from '@motcua/domain';
import { DossierEntity, DossierEventEntity } from '@motcua/persistence';

/** `yyyyMMddHHmmss` in Vietnam time, the portal's timestamp format. */
export function portalTime(at: Date): string {
  const { date, minutes } = toLocalDateTime(at);
  const whole = Math.floor(minutes);
  const hh = String(Math.floor(whole / 60)).padStart(2, '0');
  const mm = String(whole % 60).padStart(2, '0');
  const ss = String(Math.floor(at.getTime() / 1000) % 60).padStart(2, '0');
  return `${date.replace(/-/g, '')}${hh}${mm}${ss}`;
}

const CHANNEL_CODE: Record<DossierEntity['channel'], number> = { desk: 1, online: 2, post: 3 };

/** DongBoHoSoMC data item: the dossier header as the portal stores it (§1.4). */
export function dossierHeader(d: DossierEntity, p: ProcedureDefinition): Record<string, unknown> {
  return {
    MaHoSo: d.code,
    MaTTHC: p.nationalCode ?? p.code,
    TenTTHC: p.name,
    MaLinhVuc: p.field.code,
    TenLinhVuc: p.field.name,
    KenhThucHien: CHANNEL_CODE[d.channel],
    ChuHoSo: d.applicantName,
    LoaiDoiTuong: 1,
    SoGiayToChuHoSo: d.applicantIdNumber ?? '',
    SoDienThoai: d.applicantPhone ?? '',
    Email: d.applicantEmail ?? '',
    TrichYeuHoSo: d.summary.slice(0, 1000),
    NgayTiepNhan: portalTime(d.receivedAt),
    NgayHenTra: portalTime(d.dueAt),
    TrangThaiHoSo: toPortalStatus(d.state),
    HinhThuc: d.resultDelivery === 'post' ? 1 : 0,
    DonViXuLy: UNIT_REGISTRY[p.leadUnit].name,
  };
}

/** CapNhatTienDoHoSoMC data item for one event; `IdTienDo` makes a re-send recognisable. */
export function progressItem(d: DossierEntity, e: DossierEventEntity): Record<string, unknown> {
  // The state the event moved the dossier to; an event that moves none (an apology) shows the current one.
  const change = stateChangeOf(e);
  const status = change?.portalStatus ?? toPortalStatus(d.state);
  return {
    IdTienDo: `${d.id}:${e.seq}`,
    MaHoSo: d.code,
    NguoiXuLy: e.actor.slice(0, 50),
    ThoiDiemXuLy: portalTime(e.occurredAt),
    NoiDungXuLy: DOSSIER_STATE_LABELS[change?.state ?? d.state] ?? e.type,
    TrangThai: status,
    NgayBatDau: portalTime(e.occurredAt),
    NgayKetThucTheoQuyDinh: portalTime(d.dueAt),
  };
}
