import { Module } from '@nestjs/common';
import { BhxhController } from './bhxh.controller';
import { BhxhState } from './bhxh-state';
import { PaymentController } from './payment.controller';
import { PaymentState } from './payment-state';
import { PopulationController } from './population.controller';
import { PopulationState } from './population-state';
import { PortalController } from './portal.controller';
import { PortalState } from './portal-state';
import { StubControlController } from './stub-control.controller';

/**
 * The outside systems' stand-ins, served by one process (DESIGN.md §4.5): the national portal,
 * the payment platform, the population database and social insurance, each with its own state
 * and fault plan.
 */
@Module({
  controllers: [PortalController, PaymentController, PopulationController, BhxhController, StubControlController],
  providers: [PortalState, PaymentState, PopulationState, BhxhState],
})
export class PortalStubModule {}
