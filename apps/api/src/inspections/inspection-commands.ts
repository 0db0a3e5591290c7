import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, ValidateNested, IsDefined } from 'class-validator';
import {
  domainError,
  FINDING_SEVERITIES,
  FINDING_VERDICTS,
  INSPECTION_KINDS,
  inspectionDecider,
  inspectionStreamId,
  interviewDecider,
  interviewStreamId,
  isAuthorized,
  NOTICE_KINDS,
  type FindingSeverity,
  type FindingVerdict,
  type InspectionCommand,
  type InspectionKind,
  type InspectionState,
  type NoticeKind,
  type RecordInterview,
} from '@ledger/domain';
import { CommandRunner, type CommandAccepted, type Envelope } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, EntityIdList, PersonId, Text } from '../shared/dto';
import { onRecord } from '../shared/record-commands';

const SHA256 = /^[0-9a-f]{64}$/;
const Hashes = () => (target: object, key: string | symbol) => {
  ApiPropertyOptional({ type: [String], example: ['3a'.repeat(32)] })(target, key);
  IsOptional()(target, key);
  IsArray()(target, key);
  ArrayMaxSize(100)(target, key);
  IsString({ each: true })(target, key);
  Matches(SHA256, { each: true })(target, key);
};

export class ScheduleInspectionRequestDto {
  @EntityId({ example: 'insp-2018-10' })
  inspectionId!: string;

  @ApiProperty({ enum: INSPECTION_KINDS, example: 'monthly' })
  @IsIn(INSPECTION_KINDS)
  kind!: InspectionKind;

  @Text(500, { example: 'Monthly land-work inspection, 2018-10' })
  title!: string;

  @CalendarDate({ example: '2018-10-01' })
  periodFrom!: string;

  @CalendarDate({ example: '2018-10-31' })
  periodTo!: string;

  @EntityIdList({ example: ['zx', 'sg', 'zh', 'hn', 'hd', 'land'] })
  unitIds!: string[];
}

export class FindingSubjectDto {
  @EntityId({ example: 'zh' })
  unitId!: string;

  @EntityId({ example: 't4-zh' }, true)
  taskId?: string;
}

export class RecordFindingRequestDto {
  @EntityId({ example: 'f-2018-10-1' })
  findingId!: string;

  @ApiProperty({ type: FindingSubjectDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => FindingSubjectDto)
  subject!: FindingSubjectDto;

  @ApiProperty({ enum: FINDING_VERDICTS, example: 'criticism' })
  @IsIn(FINDING_VERDICTS)
  verdict!: FindingVerdict;

  @ApiPropertyOptional({ enum: FINDING_SEVERITIES, example: 'high', nullable: true })
  @IsOptional()
  @IsIn(FINDING_SEVERITIES)
  severity?: FindingSeverity | null;

  @Text(5000, { example: 'Behind schedule: 21 of 50 parcels rectified' })
  text!: string;

  @Hashes()
  evidence?: string[];
}

export class PublishNoticeRequestDto {
  @EntityId({ example: 'n-2018-10' })
  noticeId!: string;

  @Text(100, { example: 'DEMO-衡督通〔2018〕10号' })
  documentNumber!: string;

  @ApiProperty({ enum: NOTICE_KINDS, example: 'general' })
  @IsIn(NOTICE_KINDS)
  kind!: NoticeKind;

  @Text(500, { example: 'Land-work inspection notice, 2018-10' })
  title!: string;

  @EntityIdList({ example: ['f-2018-10-1', 'f-2018-10-2'] })
  findingIds!: string[];

  @EntityIdList({ example: ['zx', 'sg', 'zh', 'hn', 'hd', 'land'], description: 'Every unit a finding names must be an addressee.' })
  addressees!: string[];
}

export class OrderRectificationRequestDto {
  @EntityId({ example: 'r-2018-10-zh' })
  rectificationId!: string;

  @EntityId({ example: 'zh' })
  unitId!: string;

  @EntityIdList({ example: ['f-2018-10-1'] })
  findingIds!: string[];

  @Text(5000, { example: 'Rectify the 29 remaining parcels and report the list' })
  requirement!: string;

  @CalendarDate({ example: '2018-10-31' })
  deadline!: string;
}

export class ReportRectificationRequestDto {
  @Text(5000, { example: 'Rectification list attached' })
  narrative!: string;

  @Hashes()
  evidence?: string[];
}

export class OptionalCommentDto {
  @Text(2000, { example: 'Checked on site' }, true)
  comment?: string;
}

export class ReasonDto {
  @Text(2000, { example: 'The list omits parcels 12 to 19' })
  reason!: string;
}

export class AttendeeDto {
  @PersonId({ example: 'p-zh-head' })
  personId!: string;

  @Text(200, { example: 'District Head C' })
  name!: string;

  @Text(200, { example: 'District Head' })
  postTitle!: string;

  @EntityId({ example: 'zh' })
  unitId!: string;
}

export class RelatedDto {
  @EntityId({ example: 'insp-2018-10' }, true)
  inspectionId?: string;

  @EntityId({ example: 'n-2018-10' }, true)
  noticeId?: string;

  @EntityIdList({ example: ['t4-zh'] }, true)
  taskIds?: string[];

  @EntityIdList({ example: ['o-2018-zh-t4'] }, true)
  objectiveIds?: string[];
}

export class RecordInterviewRequestDto {
  @EntityId({ example: 'iv-2018-zh-1' })
  interviewId!: string;

  @EntityId({ example: 'zh' })
  subjectUnitId!: string;

  @CalendarDate({ example: '2018-10-20' })
  heldOn!: string;

  @Text(1000, { example: 'T4 behind schedule after the October notice' })
  subject!: string;

  @ApiProperty({ type: [AttendeeDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  attendees!: AttendeeDto[];

  @ApiProperty({ example: '2f'.repeat(32), description: 'SHA-256 of the signed minutes.' })
  @IsString()
  @Matches(SHA256)
  minutesHash!: string;

  @Text(20000, { example: 'The District Head undertakes to rectify the remaining parcels by 31 October.' }, true)
  minutesText?: string;

  @ApiPropertyOptional({ type: RelatedDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedDto)
  related?: RelatedDto;
}

export type InspectionUse =
  | { use: 'schedule'; body: ScheduleInspectionRequestDto }
  | { use: 'record-finding'; body: RecordFindingRequestDto }
  | { use: 'publish-notice'; body: PublishNoticeRequestDto }
  | { use: 'order-rectification'; body: OrderRectificationRequestDto }
  | { use: 'report-rectification'; rectificationId: string; body: ReportRectificationRequestDto }
  | { use: 'verify-rectification'; rectificationId: string; body: OptionalCommentDto }
  | { use: 'return-rectification'; rectificationId: string; body: ReasonDto }
  | { use: 'close'; body: OptionalCommentDto };

export class InspectionCommandMessage extends Command<CommandAccepted> {
  constructor(
    readonly inspectionId: string,
    readonly request: InspectionUse,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** The inspecting office: the unit of whoever scheduled the inspection (AUTHORIZATION's `issuer-unit`). */
function issuerUnit(runner: CommandRunner, inspectionId: string): string | null {
  return runner.models().inspections.get(inspectionId)?.events[0]?.actor.unit ?? null;
}

@CommandHandler(InspectionCommandMessage)
export class InspectionCommandHandler implements ICommandHandler<InspectionCommandMessage> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ inspectionId, request, ctx }: InspectionCommandMessage): Promise<CommandAccepted> {
    const run = (commandType: InspectionCommand['type'], target: (state: InspectionState) => string | null, build: (state: InspectionState, e: Envelope) => InspectionCommand, creates = false) =>
      this.runner.run(
        ctx,
        onRecord({ decider: inspectionDecider, streamId: inspectionStreamId(inspectionId), id: inspectionId, commandType, targetUnit: target, build, creates, notFound: () => domainError('INSPECTION.NOT_FOUND', { inspection: inspectionId }) }),
      );
    const issuer = () => issuerUnit(this.runner, inspectionId);
    const rectificationUnit = (rectificationId: string) => (state: InspectionState) =>
      state.status === 'none' ? null : (state.rectifications.find((r) => r.rectificationId === rectificationId)?.unitId ?? issuer());
    const id = { inspectionId };
    switch (request.use) {
      case 'schedule': {
        const b = request.body;
        // Judged at the office, and at every unit inspected: an office schedules inspections only inside its scope.
        const outside = b.unitIds.find((unitId) => !isAuthorized('ScheduleInspection', ctx.actor, unitId, this.runner.orgUnits()));
        return run('ScheduleInspection', () => outside ?? ctx.actor.unit, (_s, e) => ({ type: 'ScheduleInspection', ...e, ...id, kind: b.kind, title: b.title, periodFrom: b.periodFrom, periodTo: b.periodTo, unitIds: b.unitIds }), true);
      }
      case 'record-finding': {
        const b = request.body;
        return run('RecordFinding', () => b.subject.unitId, (_s, e) => ({ type: 'RecordFinding', ...e, ...id, findingId: b.findingId, subject: { unitId: b.subject.unitId, taskId: b.subject.taskId ?? null }, verdict: b.verdict, severity: b.severity ?? null, text: b.text, evidence: b.evidence ?? [] }));
      }
      case 'publish-notice': {
        const b = request.body;
        return run('PublishInspectionNotice', issuer, (_s, e) => ({ type: 'PublishInspectionNotice', ...e, ...id, noticeId: b.noticeId, documentNumber: b.documentNumber, kind: b.kind, title: b.title, findingIds: b.findingIds, addressees: b.addressees }));
      }
      case 'order-rectification': {
        const b = request.body;
        return run('OrderRectification', () => b.unitId, (_s, e) => ({ type: 'OrderRectification', ...e, ...id, rectificationId: b.rectificationId, unitId: b.unitId, findingIds: b.findingIds, requirement: b.requirement, deadline: b.deadline }));
      }
      case 'report-rectification': {
        const { rectificationId, body } = request;
        return run('ReportRectification', rectificationUnit(rectificationId), (_s, e) => ({ type: 'ReportRectification', ...e, ...id, rectificationId, narrative: body.narrative, evidence: body.evidence ?? [] }));
      }
      case 'verify-rectification': {
        const { rectificationId, body } = request;
        return run('VerifyRectification', rectificationUnit(rectificationId), (_s, e) => ({ type: 'VerifyRectification', ...e, ...id, rectificationId, comment: body.comment ?? null }));
      }
      case 'return-rectification': {
        const { rectificationId, body } = request;
        return run('ReturnRectification', rectificationUnit(rectificationId), (_s, e) => ({ type: 'ReturnRectification', ...e, ...id, rectificationId, reason: body.reason }));
      }
      case 'close': {
        const b = request.body;
        return run('CloseInspection', issuer, (_s, e) => ({ type: 'CloseInspection', ...e, ...id, comment: b.comment ?? null }));
      }
    }
  }
}

export class RecordInterviewCommand extends Command<CommandAccepted> {
  constructor(
    readonly body: RecordInterviewRequestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** 约谈 / làm việc: an interview of a unit, recorded with attendees and the hash of the minutes. */
@CommandHandler(RecordInterviewCommand)
export class RecordInterviewHandler implements ICommandHandler<RecordInterviewCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ body, ctx }: RecordInterviewCommand): Promise<CommandAccepted> {
    return this.runner.run(
      ctx,
      onRecord({
        decider: interviewDecider,
        streamId: interviewStreamId(body.interviewId),
        id: body.interviewId,
        creates: true,
        commandType: 'RecordInterview',
        targetUnit: () => body.subjectUnitId,
        notFound: () => domainError('STREAM.ID_INVALID', { field: 'interviewId', value: body.interviewId }),
        build: (_s, e): RecordInterview => ({
          type: 'RecordInterview',
          ...e,
          interviewId: body.interviewId,
          subjectUnitId: body.subjectUnitId,
          heldOn: body.heldOn,
          subject: body.subject,
          attendees: body.attendees.map(({ personId, name, postTitle, unitId }) => ({ personId, name, postTitle, unitId })),
          minutesHash: body.minutesHash,
          minutesText: body.minutesText ?? null,
          related: {
            inspectionId: body.related?.inspectionId ?? null,
            noticeId: body.related?.noticeId ?? null,
            taskIds: body.related?.taskIds ?? [],
            objectiveIds: body.related?.objectiveIds ?? [],
          },
        }),
      }),
    );
  }
}
