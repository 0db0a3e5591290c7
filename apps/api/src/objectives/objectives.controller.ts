import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional } from 'class-validator';
import { domainError } from '@ledger/domain';
import { objectiveDashboard } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { QueryContext } from '../read-models/queries';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId } from '../shared/dto';
import { LedgerTime } from '../shared/ledger-time';
import { recordRepresentation, viewOr404 } from '../shared/record-commands';
import {
  ApproveRevisionRequestDto,
  ClaimCauseRequestDto,
  CommentRequestDto,
  DefineObjectiveRequestDto,
  EvaluateObjectiveRequestDto,
  GrantObjectiveExtensionRequestDto,
  ObjectiveCommandHandler,
  ObjectiveCommandMessage,
  ProposeRevisionRequestDto,
  ReasonRequestDto,
  ReportActualRequestDto,
  RequestObjectiveExtensionRequestDto,
} from './objective-commands';

const accepted = (events: string[], version: number) => ({ id: 'o-2018-zh-t4', streamId: 'objective-o-2018-zh-t4', version, position: 120, eventIds: ['6e7f8091-2a3b-8c4d-9e5f-000000000001'], events });
const dashboardRow = {
  objectiveId: 'o-2018-zh-t4', unitId: 'zh', asOf: '2018-10-15', target: 50, deadline: '2018-10-31', daysToDeadline: 16, actual: 21, actualAsOf: '2018-10-12',
  ratioToPlan: 0.42, ratioToSamePeriodLastYear: null, shareOfYearElapsed: 0.79, pace: { status: 'behind' }, outcome: null, evaluations: [],
};

export class ObjectiveListQueryDto {
  @EntityId({ example: 'zh' }, true)
  unitId?: string;

  @ApiPropertyOptional({ example: 2018 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  year?: number;

  @CalendarDate({ example: '2018-10-15', description: 'Dashboard only: the day figures and pace are read on (default today).' }, true)
  asOf?: string;
}

/** Objectives (chỉ tiêu / 目标任务): figures, revisions, extensions, causes, evaluation; the dashboard. */
@ApiTags('objectives')
@ApiPathParams()
@Controller('v1/objectives')
export class ObjectivesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
    private readonly time: LedgerTime,
  ) {}

  private send(objectiveId: string, request: ObjectiveCommandMessage['request'], ctx: CommandContext) {
    return this.commands.execute(new ObjectiveCommandMessage(objectiveId, request, ctx));
  }

  @Post()
  @ApiCommand({ summary: 'Define an objective from a letter and/or a directive (leaders, appraisers)', created: true, example: accepted(['ObjectiveDefined'], 1), errors: [404], codes: { 404: 'LETTER.NOT_FOUND' } })
  define(@Body() body: DefineObjectiveRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(body.objectiveId, { use: 'define', body }, ctx);
  }

  @Post(':objectiveId/actuals')
  @HttpCode(200)
  @ApiCommand({ summary: 'Report an actual figure for a period, with its source (the unit)', example: accepted(['ActualReported'], 2), errors: [404], codes: { 404: 'OBJECTIVE.NOT_FOUND' } })
  reportActual(@Param('objectiveId') objectiveId: string, @Body() body: ReportActualRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'report-actual', body }, ctx);
  }

  @Post(':objectiveId/revisions')
  @HttpCode(200)
  @ApiCommand({ summary: 'Propose a revised target, by the deadline', example: accepted(['RevisionProposed'], 3), errors: [404, 422] })
  proposeRevision(@Param('objectiveId') objectiveId: string, @Body() body: ProposeRevisionRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'propose-revision', body }, ctx);
  }

  @Post(':objectiveId/revisions/:revisionId/approve')
  @HttpCode(200)
  @ApiCommand({ summary: 'Approve a revision with a leader\'s approving sign-off of the objective, recorded first', example: accepted(['RevisionApproved'], 4), errors: [404, 422], codes: { 422: 'RECORD.APPROVAL_SIGNOFF_INVALID' } })
  approveRevision(@Param('objectiveId') objectiveId: string, @Param('revisionId') revisionId: string, @Body() body: ApproveRevisionRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'approve-revision', revisionId, body }, ctx);
  }

  @Post(':objectiveId/revisions/:revisionId/reject')
  @HttpCode(200)
  @ApiCommand({ summary: 'Reject a revision, with a reason (leaders)', example: accepted(['RevisionRejected'], 4), errors: [404] })
  rejectRevision(@Param('objectiveId') objectiveId: string, @Param('revisionId') revisionId: string, @Body() body: ReasonRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'reject-revision', revisionId, body }, ctx);
  }

  @Post(':objectiveId/extension-requests')
  @HttpCode(200)
  @ApiCommand({ summary: 'Request an extension (the unit), on or before the deadline', example: accepted(['ObjectiveExtensionRequested'], 2), errors: [404, 422], codes: { 422: 'OBJECTIVE.EXTENSION_AFTER_DEADLINE' } })
  requestExtension(@Param('objectiveId') objectiveId: string, @Body() body: RequestObjectiveExtensionRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'request-extension', body }, ctx);
  }

  @Post(':objectiveId/extension-requests/:requestId/grant')
  @HttpCode(200)
  @ApiCommand({ summary: 'Grant an extension (leaders): moves the deadline', example: accepted(['ObjectiveExtensionGranted'], 3), errors: [404, 422] })
  grantExtension(@Param('objectiveId') objectiveId: string, @Param('requestId') requestId: string, @Body() body: GrantObjectiveExtensionRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'grant-extension', requestId, body }, ctx);
  }

  @Post(':objectiveId/extension-requests/:requestId/deny')
  @HttpCode(200)
  @ApiCommand({ summary: 'Deny an extension, with a reason (leaders)', example: accepted(['ObjectiveExtensionDenied'], 3), errors: [404] })
  denyExtension(@Param('objectiveId') objectiveId: string, @Param('requestId') requestId: string, @Body() body: ReasonRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'deny-extension', requestId, body }, ctx);
  }

  @Post(':objectiveId/cause-claims')
  @HttpCode(200)
  @ApiCommand({ summary: 'Claim an objective cause or error tolerance (the unit)', example: accepted(['ObjectiveCauseClaimed'], 3), errors: [404] })
  claimCause(@Param('objectiveId') objectiveId: string, @Body() body: ClaimCauseRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'claim-cause', body }, ctx);
  }

  @Post(':objectiveId/cause-claims/:claimId/confirm')
  @HttpCode(200)
  @ApiCommand({ summary: 'Confirm a claimed cause (the discipline commission)', example: accepted(['ObjectiveCauseConfirmed'], 4), errors: [404] })
  confirmCause(@Param('objectiveId') objectiveId: string, @Param('claimId') claimId: string, @Body() body: CommentRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'confirm-cause', claimId, body }, ctx);
  }

  @Post(':objectiveId/cause-claims/:claimId/reject')
  @HttpCode(200)
  @ApiCommand({ summary: 'Reject a claimed cause (the discipline commission)', example: accepted(['ObjectiveCauseRejected'], 4), errors: [404] })
  rejectCause(@Param('objectiveId') objectiveId: string, @Param('claimId') claimId: string, @Body() body: ReasonRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'reject-cause', claimId, body }, ctx);
  }

  @Post(':objectiveId/evaluation')
  @HttpCode(200)
  @ApiCommand({ summary: 'Evaluate at the deadline in force or at year close (appraisers, the system)', example: accepted(['ObjectiveEvaluated'], 5), errors: [404, 422] })
  evaluate(@Param('objectiveId') objectiveId: string, @Body() body: EvaluateObjectiveRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(objectiveId, { use: 'evaluate', body }, ctx);
  }

  @Get('dashboard')
  @ApiQuery({ summary: 'Objective dashboard: target, actual, ratio to plan and to last year, pace against the year elapsed, outcome, per unit', example: { asOf: '2018-10-15', items: [dashboardRow] } })
  dashboard(@CurrentActor() actor: AuthenticatedActor, @Query() query: ObjectiveListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const asOf = query.asOf ?? this.time.today();
    const items = objectiveDashboard(models, asOf, { unitIds: query.unitId ? new Set([query.unitId]) : null, year: query.year ?? null }).filter((row) => scope.unit(row.unitId));
    return { asOf, items };
  }

  @Get()
  @ApiQuery({ summary: 'Objectives in the caller\'s read scope', example: { items: [] } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: ObjectiveListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const items = [...models.objectives.values()]
      .filter(({ record }) => scope.unit(record.unitId) && (query.unitId === undefined || record.unitId === query.unitId) && (query.year === undefined || record.year === query.year))
      .map(recordRepresentation);
    return { items };
  }

  @Get(':objectiveId')
  @ApiQuery({ summary: 'One objective (ETag: its version)', etag: true, example: {}, errors: [404], codes: { 404: 'OBJECTIVE.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('objectiveId') objectiveId: string) {
    const { models, scope } = this.context.for(actor);
    const view = viewOr404(models.objectives.get(objectiveId), () => domainError('OBJECTIVE.NOT_FOUND', { objective: objectiveId }));
    scope.require(scope.unit(view.record.unitId), view.record.unitId);
    return recordRepresentation(view);
  }
}

@Module({ controllers: [ObjectivesController], providers: [ObjectiveCommandHandler, QueryContext] })
export class ObjectivesModule {}
