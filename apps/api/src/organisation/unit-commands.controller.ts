import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ApiCommand, ApiPathParams } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { AppointDeputyCommand, AppointDeputyRequestDto } from './appoint-deputy.command';
import { AppointHeadCommand, AppointHeadRequestDto } from './appoint-head.command';
import { MergeUnitCommand, MergeUnitRequestDto } from './merge-unit.command';
import { MoveUnitCommand, MoveUnitRequestDto } from './move-unit.command';
import { RecordDeputyLeavingCommand, RecordDeputyLeavingRequestDto } from './record-deputy-leaving.command';
import { RecordHeadLeavingCommand, RecordHeadLeavingRequestDto } from './record-head-leaving.command';
import { RegisterCadreCommand, RegisterCadreRequestDto } from './register-cadre.command';
import { RegisterUnitCommand, RegisterUnitRequestDto } from './register-unit.command';
import { RenameUnitCommand, RenameUnitRequestDto } from './rename-unit.command';
import { SplitUnitCommand, SplitUnitRequestDto } from './split-unit.command';
import { SupersedeUnitCommand, SupersedeUnitRequestDto } from './supersede-unit.command';
import { TransferResponsibilitiesCommand, TransferResponsibilitiesRequestDto } from './transfer-responsibilities.command';

const unitExample = (events: string[], version = 2) => ({ id: 'zh', streamId: 'unit-zh', version, position: 12, eventIds: events.map((_, i) => `5b1f0e7a-3c2d-8e4f-9a1b-${String(i).padStart(12, '0')}`), events });

/** Organisation commands: units, posts (heads, deputies, cadres), mergers and splits, responsibility transfers. */
@ApiTags('organisation')
@ApiPathParams()
@Controller('v1/units')
export class UnitCommandsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiCommand({ summary: 'Register a unit (administrators)', created: true, example: unitExample(['UnitRegistered'], 1), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.ALREADY_REGISTERED' } })
  register(@Body() body: RegisterUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RegisterUnitCommand(body, ctx));
  }

  @Post(':unitId/rename')
  @HttpCode(200)
  @ApiCommand({ summary: 'Rename a unit (administrators); the previous names stay in the history', example: unitExample(['UnitRenamed']), errors: [404], codes: { 404: 'UNIT.NOT_FOUND' } })
  rename(@Param('unitId') unitId: string, @Body() body: RenameUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RenameUnitCommand(unitId, body, ctx));
  }

  @Post(':unitId/move')
  @HttpCode(200)
  @ApiCommand({ summary: 'Move a unit under another parent (administrators)', example: unitExample(['UnitMoved']), errors: [404, 422], codes: { 404: 'UNIT.NOT_FOUND', 422: 'UNIT.PARENT_CYCLE' } })
  move(@Param('unitId') unitId: string, @Body() body: MoveUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new MoveUnitCommand(unitId, body, ctx));
  }

  @Post(':unitId/head')
  @HttpCode(200)
  @ApiCommand({ summary: 'Appoint the unit head (administrators, personnel department)', description: 'With `replace: true` the head in post leaves on `from` (a handover day: `headOn` then names the outgoing head).', example: unitExample(['HeadLeft', 'HeadAppointed'], 3), errors: [404, 422], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.HEAD_IN_POST' } })
  appointHead(@Param('unitId') unitId: string, @Body() body: AppointHeadRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new AppointHeadCommand(unitId, body, ctx));
  }

  @Post(':unitId/head/leaving')
  @HttpCode(200)
  @ApiCommand({ summary: 'Record that the head leaves the post (last day in post)', example: unitExample(['HeadLeft'], 3), errors: [404, 422], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.NO_HEAD_IN_POST' } })
  recordHeadLeaving(@Param('unitId') unitId: string, @Body() body: RecordHeadLeavingRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RecordHeadLeavingCommand(unitId, body, ctx));
  }

  @Post(':unitId/deputies')
  @HttpCode(200)
  @ApiCommand({ summary: 'Appoint a deputy with a portfolio', example: unitExample(['DeputyAppointed'], 4), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.DEPUTY_IN_POST' } })
  appointDeputy(@Param('unitId') unitId: string, @Body() body: AppointDeputyRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new AppointDeputyCommand(unitId, body, ctx));
  }

  @Post(':unitId/deputies/:personId/leaving')
  @HttpCode(200)
  @ApiCommand({ summary: 'Record that a deputy leaves the post', example: unitExample(['DeputyLeft'], 5), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.DEPUTY_NOT_IN_POST' } })
  recordDeputyLeaving(@Param('unitId') unitId: string, @Param('personId') personId: string, @Body() body: RecordDeputyLeavingRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RecordDeputyLeavingCommand(unitId, personId, body, ctx));
  }

  @Post(':unitId/cadres')
  @HttpCode(200)
  @ApiCommand({ summary: 'Register a cadre of the unit', example: unitExample(['CadreRegistered'], 6), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.CADRE_ALREADY_REGISTERED' } })
  registerCadre(@Param('unitId') unitId: string, @Body() body: RegisterCadreRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RegisterCadreCommand(unitId, body, ctx));
  }

  @Post(':unitId/merge')
  @HttpCode(200)
  @ApiCommand({ summary: 'Merge the unit into a successor (administrators); its history stays', example: unitExample(['HeadLeft', 'UnitsMerged'], 7), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.DISSOLVED' } })
  merge(@Param('unitId') unitId: string, @Body() body: MergeUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new MergeUnitCommand(unitId, body, ctx));
  }

  @Post(':unitId/split')
  @HttpCode(200)
  @ApiCommand({ summary: 'Split the unit into successors (administrators)', example: unitExample(['HeadLeft', 'UnitSplit'], 7), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.DISSOLVED' } })
  split(@Param('unitId') unitId: string, @Body() body: SplitUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new SplitUnitCommand(unitId, body, ctx));
  }

  @Post(':unitId/supersede')
  @HttpCode(200)
  @ApiCommand({ summary: 'Supersede the unit by a successor (administrators)', example: unitExample(['UnitSuperseded'], 7), errors: [404], codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.DISSOLVED' } })
  supersede(@Param('unitId') unitId: string, @Body() body: SupersedeUnitRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new SupersedeUnitCommand(unitId, body, ctx));
  }

  @Post(':unitId/responsibility-transfers')
  @HttpCode(200)
  @ApiCommand({
    summary: 'Transfer a dissolved unit\'s open tasks and objectives to a successor',
    description: 'Records ResponsibilitiesTransferred on the dissolved unit and TaskTransferred on each task (responsible person: the successor\'s head today).',
    example: { ...unitExample(['ResponsibilitiesTransferred'], 8), tasks: [{ id: 't4-zh', streamId: 'task-t4-zh', version: 9, position: 80, eventIds: ['7d0e2c1b-9a8f-8e7d-a6c5-b4a3f2e1d0c9'], events: ['TaskTransferred'] }] },
    errors: [404, 422],
    codes: { 404: 'UNIT.NOT_FOUND', 409: 'UNIT.NOT_DISSOLVED', 422: 'TASK.NOT_A_TASK_OF_UNIT' },
  })
  transferResponsibilities(@Param('unitId') unitId: string, @Body() body: TransferResponsibilitiesRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new TransferResponsibilitiesCommand(unitId, body, ctx));
  }
}
