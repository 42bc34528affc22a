import { CalendarOverrideEntity, CommuneEntity, OfficeEntity, UnitEntity, UserEntity } from './commune.entity';
import { DossierEventEntity } from './dossier-event.entity';
import { DossierEntity } from './dossier.entity';
import { ProcedureVersionEntity } from './procedure-version.entity';
import { HandoffEntity, OutboxEntity, WorkItemEntity } from './workflow.entity';

export * from './commune.entity';
export * from './dossier-event.entity';
export * from './dossier.entity';
export * from './procedure-version.entity';
export * from './workflow.entity';

export const ENTITIES = [
  CommuneEntity,
  OfficeEntity,
  UnitEntity,
  UserEntity,
  CalendarOverrideEntity,
  ProcedureVersionEntity,
  DossierEntity,
  DossierEventEntity,
  WorkItemEntity,
  HandoffEntity,
  OutboxEntity,
];
