import { Module } from '@nestjs/common';
import { QueryContext } from '../read-models/queries';
import { AppointDeputyHandler } from './appoint-deputy.command';
import { AppointHeadHandler } from './appoint-head.command';
import { MergeUnitHandler } from './merge-unit.command';
import { MoveUnitHandler } from './move-unit.command';
import { OrganisationQueries } from './organisation.queries';
import { RecordDeputyLeavingHandler } from './record-deputy-leaving.command';
import { RecordHeadLeavingHandler } from './record-head-leaving.command';
import { RegisterCadreHandler } from './register-cadre.command';
import { RegisterUnitHandler } from './register-unit.command';
import { RenameUnitHandler } from './rename-unit.command';
import { SplitUnitHandler } from './split-unit.command';
import { SupersedeUnitHandler } from './supersede-unit.command';
import { TransferResponsibilitiesHandler } from './transfer-responsibilities.command';
import { UnitCommandsController } from './unit-commands.controller';
import { UnitQueriesController } from './unit-queries.controller';

const commandHandlers = [
  RegisterUnitHandler,
  RenameUnitHandler,
  MoveUnitHandler,
  AppointHeadHandler,
  RecordHeadLeavingHandler,
  AppointDeputyHandler,
  RecordDeputyLeavingHandler,
  RegisterCadreHandler,
  MergeUnitHandler,
  SplitUnitHandler,
  SupersedeUnitHandler,
  TransferResponsibilitiesHandler,
];
const queryServices = [QueryContext, OrganisationQueries];

@Module({
  controllers: [UnitCommandsController, UnitQueriesController],
  providers: [...commandHandlers, ...queryServices],
})
export class OrganisationModule {}
