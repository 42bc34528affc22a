import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { FaultPlan } from './fault-plan';
import { type PortalCall, PortalState } from './portal-state';

interface IntegrationBody {
  session?: string;
  madonvi?: string;
  service?: string;
  isUpdating?: string | boolean;
  data?: Record<string, unknown>[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stand-in for the national public-service portal's integration adapter (Cổng Dịch vụ công quốc
 * gia), after the calls seen in real integrations (shared/domain/portal-and-reports.md §1.3):
 * log in for a session, then POST services with `error_code` "00" on success.
 */
@Controller('dvcqg')
export class PortalController {
  constructor(private readonly state: PortalState) {}

  @Post('auth')
  @HttpCode(200)
  auth(@Body() body: { username?: string; password?: string }): Record<string, unknown> {
    if (!body.username || !body.password) return { error_code: -1, message: 'Sai tên đăng nhập hoặc mật khẩu' };
    return { error_code: 0, session: this.state.newSession() };
  }

  @Post('integration')
  @HttpCode(200)
  async integration(@Body() body: IntegrationBody): Promise<Record<string, unknown>> {
    this.state.calls += 1;
    const fault = this.state.takeFault();
    const items = Array.isArray(body.data) ? body.data : [];
    const call: PortalCall = {
      service: String(body.service),
      isUpdating: body.isUpdating === true || body.isUpdating === 'True',
      dossierCodes: items.map((i) => String(i?.MaHoSo)),
      progressIds: body.service === 'CapNhatTienDoHoSoMC' ? items.map((i) => String(i?.IdTienDo)) : [],
      statuses: items.map((i) => String(body.service === 'CapNhatTienDoHoSoMC' ? i?.TrangThai : i?.TrangThaiHoSo)),
      fault: fault.mode,
    };
    this.state.log.push(call);
    const reply = await this.answer(body, items, fault);
    call.errorCode = String(reply.error_code);
    return reply;
  }

  private async answer(body: IntegrationBody, items: Record<string, unknown>[], fault: FaultPlan): Promise<Record<string, unknown>> {
    if (fault.mode === 'timeout') await new Promise(() => undefined);
    if (fault.mode === 'slow') await sleep(fault.delayMs ?? 2000);
    if (fault.mode === 'fail') return { error_code: '-1', message: 'Lỗi hệ thống Cổng DVCQG (giả lập)' };
    if (!body.session || !this.state.sessions.has(body.session)) return { error_code: '-2', message: 'Phiên làm việc không hợp lệ' };
    switch (body.service) {
      case 'DongBoHoSoMC':
        return this.syncDossiers(items, body.isUpdating === true || body.isUpdating === 'True');
      case 'CapNhatTienDoHoSoMC':
        return this.appendProgress(items);
      case 'TraCuuHoSo': {
        const code = String((body as Record<string, unknown>).mahoso ?? '');
        const d = this.state.dossiers.get(code);
        return d ? { error_code: '00', result: [d.header] } : { error_code: '00', result: [] };
      }
      default:
        return { error_code: '-3', message: `Dịch vụ không hỗ trợ: ${String(body.service)}` };
    }
  }

  private syncDossiers(items: Record<string, unknown>[], isUpdating: boolean): Record<string, unknown> {
    for (const item of items) {
      const code = item.MaHoSo;
      if (typeof code !== 'string' || code === '') return { error_code: '-4', message: 'Thiếu MaHoSo' };
      const existing = this.state.dossiers.get(code);
      if (!isUpdating && existing) return { error_code: '3', message: `Hồ sơ ${code} đã tồn tại` };
      if (isUpdating && !existing) return { error_code: '4', message: `Hồ sơ ${code} chưa tồn tại` };
    }
    for (const item of items) {
      const code = item.MaHoSo as string;
      const existing = this.state.dossiers.get(code);
      if (existing) {
        existing.header = { ...existing.header, ...item };
        existing.updates += 1;
      } else {
        this.state.dossiers.set(code, { header: item, progress: [], createdAt: new Date().toISOString(), updates: 0 });
      }
    }
    return { error_code: '00', message: 'Thành công' };
  }

  private appendProgress(items: Record<string, unknown>[]): Record<string, unknown> {
    for (const item of items) {
      const d = this.state.dossiers.get(String(item.MaHoSo));
      if (!d) return { error_code: '4', message: `Hồ sơ ${String(item.MaHoSo)} chưa tồn tại` };
      // A re-sent step (same IdTienDo) replaces the earlier copy instead of adding a row.
      const i = item.IdTienDo === undefined ? -1 : d.progress.findIndex((p) => p.IdTienDo === item.IdTienDo);
      if (i >= 0) d.progress[i] = item;
      else d.progress.push(item);
    }
    return { error_code: '00', message: 'Thành công' };
  }
}
