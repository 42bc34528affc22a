import { Module } from '@nestjs/common';
import { PortalController, StubControlController } from './portal.controller';
import { PortalState } from './portal-state';

/** The outside systems' stand-ins, served by one process (DESIGN.md §4.5). */
@Module({ controllers: [PortalController, StubControlController], providers: [PortalState] })
export class PortalStubModule {}
