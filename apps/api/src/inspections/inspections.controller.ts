import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { domainError } from '@ledger/domain';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { QueryContext } from '../read-models/queries';
import { appError } from '../shared/app-errors';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { EntityId } from '../shared/dto';
import { recordRepresentation, viewOr404 } from '../shared/record-commands';
import {
  InspectionCommandHandler,
  InspectionCommandMessage,
  OptionalCommentDto,
  OrderRectificationRequestDto,
  PublishNoticeRequestDto,
  ReasonDto,
  RecordFindingRequestDto,
  RecordInterviewCommand,
  RecordInterviewHandler,
  RecordInterviewRequestDto,
  ReportRectificationRequestDto,
  ScheduleInspectionRequestDto,
} from './inspection-commands';

const accepted = (events: string[], version: number) => ({ id: 'insp-2018-10', streamId: 'inspection-insp-2018-10', version, position: 95, eventIds: ['7f8091a2-3b4c-8d5e-9f60-000000000001'], events });

export class UnitFilterDto {
  @EntityId({ example: 'zh' }, true)
  unitId?: string;
}

/** Inspections (督查 / kiểm tra): findings, notices (通报), rectification. */
@ApiTags('inspections')
@ApiPathParams()
@Controller('v1/inspections')
export class InspectionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
  ) {}

  private send(inspectionId: string, request: InspectionCommandMessage['request'], ctx: CommandContext) {
    return this.commands.execute(new InspectionCommandMessage(inspectionId, request, ctx));
  }

  @Post()
  @ApiCommand({ summary: 'Schedule an inspection, monthly or surprise (inspectors)', created: true, example: accepted(['InspectionScheduled'], 1) })
  schedule(@Body() body: ScheduleInspectionRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(body.inspectionId, { use: 'schedule', body }, ctx);
  }

  @Post(':inspectionId/findings')
  @HttpCode(200)
  @ApiCommand({ summary: 'Record a finding about a unit or a task (inspectors)', example: accepted(['FindingRecorded'], 2), errors: [404] })
  recordFinding(@Param('inspectionId') inspectionId: string, @Body() body: RecordFindingRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'record-finding', body }, ctx);
  }

  @Post(':inspectionId/notices')
  @HttpCode(200)
  @ApiCommand({ summary: 'Publish a notice (通报) with a document number; its addressees are told', example: accepted(['NoticePublished'], 4), errors: [404, 422] })
  publishNotice(@Param('inspectionId') inspectionId: string, @Body() body: PublishNoticeRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'publish-notice', body }, ctx);
  }

  @Post(':inspectionId/rectifications')
  @HttpCode(200)
  @ApiCommand({ summary: 'Order rectification of a criticised unit, with a deadline (inspectors)', example: accepted(['RectificationOrdered'], 5), errors: [404, 422] })
  orderRectification(@Param('inspectionId') inspectionId: string, @Body() body: OrderRectificationRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'order-rectification', body }, ctx);
  }

  @Post(':inspectionId/rectifications/:rectificationId/report')
  @HttpCode(200)
  @ApiCommand({ summary: 'Report the rectification (the unit)', example: accepted(['RectificationReported'], 6), errors: [404] })
  reportRectification(@Param('inspectionId') inspectionId: string, @Param('rectificationId') rectificationId: string, @Body() body: ReportRectificationRequestDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'report-rectification', rectificationId, body }, ctx);
  }

  @Post(':inspectionId/rectifications/:rectificationId/verify')
  @HttpCode(200)
  @ApiCommand({ summary: 'Verify the rectification (inspectors, leaders; not the reporter)', example: accepted(['RectificationVerified'], 7), errors: [404] })
  verifyRectification(@Param('inspectionId') inspectionId: string, @Param('rectificationId') rectificationId: string, @Body() body: OptionalCommentDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'verify-rectification', rectificationId, body }, ctx);
  }

  @Post(':inspectionId/rectifications/:rectificationId/return')
  @HttpCode(200)
  @ApiCommand({ summary: 'Return the rectification report, with a reason', example: accepted(['RectificationReturned'], 7), errors: [404] })
  returnRectification(@Param('inspectionId') inspectionId: string, @Param('rectificationId') rectificationId: string, @Body() body: ReasonDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'return-rectification', rectificationId, body }, ctx);
  }

  @Post(':inspectionId/closure')
  @HttpCode(200)
  @ApiCommand({ summary: 'Close the inspection (inspectors)', example: accepted(['InspectionClosed'], 8), errors: [404] })
  close(@Param('inspectionId') inspectionId: string, @Body() body: OptionalCommentDto, @Ctx() ctx: CommandContext) {
    return this.send(inspectionId, { use: 'close', body }, ctx);
  }

  @Get()
  @ApiQuery({ summary: 'Inspections naming a unit in the caller\'s read scope', example: { items: [] } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: UnitFilterDto) {
    const { models, scope } = this.context.for(actor);
    const items = [...models.inspections.values()]
      .filter((view) => [view.events[0]?.actor.unit ?? '', ...view.record.unitIds].some((unitId) => scope.unit(unitId)))
      .filter((view) => query.unitId === undefined || view.record.unitIds.includes(query.unitId))
      .map(recordRepresentation);
    return { items };
  }

  @Get(':inspectionId')
  @ApiQuery({ summary: 'One inspection (ETag: its version)', etag: true, example: {}, errors: [404], codes: { 404: 'INSPECTION.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('inspectionId') inspectionId: string) {
    const { models, scope } = this.context.for(actor);
    const view = viewOr404(models.inspections.get(inspectionId), () => domainError('INSPECTION.NOT_FOUND', { inspection: inspectionId }));
    const office = view.events[0]?.actor.unit ?? '';
    scope.require([office, ...view.record.unitIds].some((unitId) => scope.unit(unitId)), office);
    return recordRepresentation(view);
  }
}

/** Interviews (约谈 / làm việc, chất vấn). */
@ApiTags('inspections')
@ApiPathParams()
@Controller('v1/interviews')
export class InterviewsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
  ) {}

  @Post()
  @ApiCommand({ summary: 'Record an interview of a unit, with attendees and the minutes\' hash (leaders, inspectors, the commission)', created: true, example: { id: 'iv-2018-zh-1', streamId: 'interview-iv-2018-zh-1', version: 1, position: 99, eventIds: ['8091a2b3-4c5d-8e6f-9071-000000000001'], events: ['InterviewHeld'] } })
  record(@Body() body: RecordInterviewRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RecordInterviewCommand(body, ctx));
  }

  @Get()
  @ApiQuery({ summary: 'Interviews of units in the caller\'s read scope', example: { items: [] } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: UnitFilterDto) {
    const { models, scope } = this.context.for(actor);
    const items = [...models.interviews.values()]
      .filter(({ record }) => scope.unit(record.subjectUnitId) && (query.unitId === undefined || record.subjectUnitId === query.unitId))
      .map(recordRepresentation);
    return { items };
  }

  @Get(':interviewId')
  @ApiQuery({ summary: 'One interview', etag: true, example: {}, errors: [404] })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('interviewId') interviewId: string) {
    const { models, scope } = this.context.for(actor);
    const view = viewOr404(models.interviews.get(interviewId), () => appError('RECORD.NOT_FOUND', { kind: 'interview', id: interviewId }));
    scope.require(scope.unit(view.record.subjectUnitId), view.record.subjectUnitId);
    return recordRepresentation(view);
  }
}

@Module({ controllers: [InspectionsController, InterviewsController], providers: [InspectionCommandHandler, RecordInterviewHandler, QueryContext] })
export class InspectionsModule {}
