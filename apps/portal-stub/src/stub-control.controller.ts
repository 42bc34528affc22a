import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { BhxhState } from './bhxh-state';
import { type FaultPlan, type FaultSwitch, parseFaultPlan, parseSystem, type StubSystem } from './fault-plan';
import { PaymentState } from './payment-state';
import { PopulationState } from './population-state';
import { type PortalCall, PortalState } from './portal-state';

/** Test and operator controls of the stubs: inspect state, inject faults per system, reset. */
@Controller('stub')
export class StubControlController {
  constructor(
    private readonly portal: PortalState,
    private readonly payment: PaymentState,
    private readonly population: PopulationState,
    private readonly bhxh: BhxhState,
  ) {}

  @Get('dossiers/:code')
  dossier(@Param('code') code: string): unknown {
    const d = this.portal.dossiers.get(code);
    if (!d) throw new NotFoundException(`no dossier ${code}`);
    return d;
  }

  /**
   * The portal's integration calls as they arrived (before faults and dedupe), in order; with
   * `?dossier=<code>` only the calls naming that dossier.
   */
  @Get('portal/calls')
  portalCalls(@Query('dossier') dossier?: string): PortalCall[] {
    return dossier === undefined ? this.portal.log : this.portal.log.filter((c) => c.dossierCodes.includes(dossier));
  }

  @Get('stats')
  stats(): Record<string, number> {
    return { dossiers: this.portal.dossiers.size, calls: this.portal.calls };
  }

  /** The portal's fault plan (kept from before the other systems had one). */
  @Put('fault')
  fault(@Body() plan: FaultPlan): FaultPlan {
    this.portal.setFault(plan);
    return plan;
  }

  /** One system's fault plan; 'fail' answers HTTP 503 for payment, population and bhxh. */
  @Put('fault/:system')
  systemFault(@Param('system') system: string, @Body() body: unknown): FaultPlan {
    const plan = parseFaultPlan(body);
    this.switchOf(parseSystem(system)).set(plan);
    return plan;
  }

  /** Back to the state at start: every system's data and fault plan (demo citizens re-registered). */
  @Delete('state')
  @HttpCode(204)
  reset(): void {
    this.portal.reset();
    this.payment.reset();
    this.population.reset();
    this.bhxh.reset();
  }

  @Get('health')
  health(): Record<string, string> {
    return { status: 'ok' };
  }

  private switchOf(system: StubSystem): FaultSwitch {
    return { portal: this.portal, payment: this.payment, population: this.population, bhxh: this.bhxh }[system].faults;
  }
}
