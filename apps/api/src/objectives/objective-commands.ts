import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  CAUSE_KINDS,
  DIRECTIONS,
  domainError,
  EVALUATION_BASES,
  objectiveDecider,
  objectiveStreamId,
  type CauseKind,
  type Direction,
  type EvaluationBasis,
  type ObjectiveCommand,
  type ObjectiveState,
} from '@ledger/domain';
import { CommandRunner, type CommandAccepted, type Envelope } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, EntityIdList, Text } from '../shared/dto';
import { onRecord, requireApprovingSignOff } from '../shared/record-commands';

const SHA256 = /^[0-9a-f]{64}$/;

export class DefineObjectiveRequestDto {
  @EntityId({ example: 'o-2018-zh-t4' })
  objectiveId!: string;

  @EntityId({ example: 'zh' })
  unitId!: string;

  @ApiProperty({ example: 2018 })
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(9999)
  year!: number;

  @Text(500, { example: 'Problem parcels rectified under T4 (国有土地监管整改)' })
  metric!: string;

  @Text(50, { example: 'parcels' })
  unitOfMeasure!: string;

  @ApiProperty({ enum: DIRECTIONS, example: 'higher_is_better' })
  @IsIn(DIRECTIONS)
  direction!: Direction;

  @ApiProperty({ example: 50 })
  @IsNumber()
  target!: number;

  @ApiPropertyOptional({ example: 30, nullable: true, description: 'Last year\'s figure, if any.' })
  @IsOptional()
  @IsNumber()
  baseline?: number | null;

  @ApiProperty({ example: 1 })
  @IsNumber()
  weight!: number;

  @CalendarDate({ example: '2018-10-31' })
  deadline!: string;

  @ApiProperty({ example: 0.05, description: 'Missed below target × (1 − tolerance) (higher is better).' })
  @IsNumber()
  tolerance!: number;

  @EntityId({ example: 'l-2018-zh', description: 'The responsibility letter that commits the unit (read by the ledger).' }, true)
  letterId?: string;

  @EntityId({ example: 'd-2018-1', description: 'The plan or directive that sets the objective.' }, true)
  directiveId?: string;

  @EntityIdList({ example: ['t4-zh'] }, true)
  taskIds?: string[];
}

export class ReportActualRequestDto {
  @Text(20, { example: '2018-10' })
  period!: string;

  @CalendarDate({ example: '2018-10-31' })
  asOf!: string;

  @ApiProperty({ example: 41 })
  @IsNumber()
  value!: number;

  @ApiPropertyOptional({ example: 25, nullable: true })
  @IsOptional()
  @IsNumber()
  samePeriodLastYear?: number | null;

  @Text(500, { example: 'Municipal Natural Resources Bureau parcel register' })
  source!: string;

  @ApiPropertyOptional({ type: [String], example: ['3a'.repeat(32)] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SHA256, { each: true })
  evidence?: string[];
}

export class ProposeRevisionRequestDto {
  @EntityId({ example: 'rev-zh-1' })
  revisionId!: string;

  @ApiProperty({ example: 45 })
  @IsNumber()
  newTarget!: number;

  @Text(2000, { example: 'Five parcels transferred to the provincial reserve' })
  reason!: string;
}

export class ApproveRevisionRequestDto {
  @EntityId({ example: 'so-rev-zh-1', description: 'A leader\'s approving sign-off of this objective, recorded first (POST /v1/signoffs).' })
  signOffId!: string;
}

export class ReasonRequestDto {
  @Text(2000, { example: 'Not justified by the figures' })
  reason!: string;
}

export class RequestObjectiveExtensionRequestDto {
  @EntityId({ example: 'oext-hn-1' })
  requestId!: string;

  @CalendarDate({ example: '2018-12-31' })
  newDeadline!: string;

  @Text(2000, { example: 'Eleven parcels wait for the provincial boundary survey' })
  reason!: string;
}

export class GrantObjectiveExtensionRequestDto {
  @CalendarDate({ example: '2018-12-31', description: 'Default: the deadline requested.' }, true)
  newDeadline?: string;

  @Text(2000, { example: 'Granted by the Mayor' }, true)
  comment?: string;
}

export class ClaimCauseRequestDto {
  @EntityId({ example: 'cause-hd-flood' })
  claimId!: string;

  @ApiProperty({ enum: CAUSE_KINDS, example: 'objective_cause', description: '`error_tolerance` (容错) is a mitigation, never an excuse.' })
  @IsIn(CAUSE_KINDS)
  kind!: CauseKind;

  @Text(200, { example: 'Flood' })
  cause!: string;

  @Text(5000, { example: 'The August flood left 15 parcels under water until November' })
  description!: string;

  @ApiPropertyOptional({ type: [String], example: ['3a'.repeat(32)] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SHA256, { each: true })
  evidence?: string[];
}

export class CommentRequestDto {
  @Text(2000, { example: 'Confirmed on site' }, true)
  comment?: string;
}

export class EvaluateObjectiveRequestDto {
  @ApiProperty({ enum: EVALUATION_BASES, example: 'year_close' })
  @IsIn(EVALUATION_BASES)
  basis!: EvaluationBasis;
}

export type ObjectiveUse =
  | { use: 'define'; body: DefineObjectiveRequestDto }
  | { use: 'report-actual'; body: ReportActualRequestDto }
  | { use: 'propose-revision'; body: ProposeRevisionRequestDto }
  | { use: 'approve-revision'; revisionId: string; body: ApproveRevisionRequestDto }
  | { use: 'reject-revision'; revisionId: string; body: ReasonRequestDto }
  | { use: 'request-extension'; body: RequestObjectiveExtensionRequestDto }
  | { use: 'grant-extension'; requestId: string; body: GrantObjectiveExtensionRequestDto }
  | { use: 'deny-extension'; requestId: string; body: ReasonRequestDto }
  | { use: 'claim-cause'; body: ClaimCauseRequestDto }
  | { use: 'confirm-cause'; claimId: string; body: CommentRequestDto }
  | { use: 'reject-cause'; claimId: string; body: ReasonRequestDto }
  | { use: 'evaluate'; body: EvaluateObjectiveRequestDto };

export class ObjectiveCommandMessage extends Command<CommandAccepted> {
  constructor(
    readonly objectiveId: string,
    readonly request: ObjectiveUse,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

const unitOf = (state: ObjectiveState) => (state.status === 'none' ? null : state.unitId);

/** Objectives (chỉ tiêu / 目标任务): every use case through the command runner. */
@CommandHandler(ObjectiveCommandMessage)
export class ObjectiveCommandHandler implements ICommandHandler<ObjectiveCommandMessage> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ objectiveId, request, ctx }: ObjectiveCommandMessage): Promise<CommandAccepted> {
    const streamId = objectiveStreamId(objectiveId);
    const run = (commandType: ObjectiveCommand['type'], build: (state: ObjectiveState, envelope: Envelope) => ObjectiveCommand, creates = false, target = unitOf) =>
      this.runner.run(
        ctx,
        onRecord({ decider: objectiveDecider, streamId, id: objectiveId, commandType, targetUnit: target, build, creates, notFound: () => domainError('OBJECTIVE.NOT_FOUND', { objective: objectiveId }) }),
      );
    const models = await this.runner.modelsAtHead();
    const id = { objectiveId };
    switch (request.use) {
      case 'define': {
        const body = request.body;
        // The letter and the directive as their streams make them (read models follow the log).
        const letter = body.letterId === undefined ? null : models.letters.get(body.letterId);
        const directive = body.directiveId === undefined ? null : models.directives.directives.get(body.directiveId);
        if (body.letterId !== undefined && letter === undefined) throw domainError('LETTER.NOT_FOUND', { letter: body.letterId });
        if (body.directiveId !== undefined && directive === undefined) throw domainError('DIRECTIVE.NOT_FOUND', { directive: body.directiveId });
        return run(
          'DefineObjective',
          (_state, envelope) => ({
            type: 'DefineObjective',
            ...envelope,
            ...id,
            unitId: body.unitId,
            year: body.year,
            metric: body.metric,
            unitOfMeasure: body.unitOfMeasure,
            direction: body.direction,
            target: body.target,
            baseline: body.baseline ?? null,
            weight: body.weight,
            deadline: body.deadline,
            tolerance: body.tolerance,
            letter: letter ? { id: letter.record.letterId, year: letter.record.year, lowerUnitId: letter.record.lowerUnitId, objectiveIds: letter.record.objectiveIds, status: letter.record.status } : null,
            directive: directive ? { id: directive.record.directiveId, status: directive.record.status } : null,
            taskIds: body.taskIds ?? [],
          }),
          true,
          () => body.unitId,
        );
      }
      case 'report-actual': {
        const b = request.body;
        return run('ReportObjectiveActual', (_s, e) => ({ type: 'ReportObjectiveActual', ...e, ...id, period: b.period, asOf: b.asOf, value: b.value, samePeriodLastYear: b.samePeriodLastYear ?? null, source: b.source, evidence: b.evidence ?? [] }));
      }
      case 'propose-revision': {
        const b = request.body;
        return run('ProposeObjectiveRevision', (_s, e) => ({ type: 'ProposeObjectiveRevision', ...e, ...id, revisionId: b.revisionId, newTarget: b.newTarget, reason: b.reason }));
      }
      case 'approve-revision': {
        const { revisionId, body } = request;
        // Checked in build, after authorization, like every other refusal of the decider's.
        return run('ApproveObjectiveRevision', (_s, e) => ({ type: 'ApproveObjectiveRevision', ...e, ...id, revisionId, signOffId: requireApprovingSignOff(this.runner.models(), body.signOffId, streamId) }));
      }
      case 'reject-revision': {
        const { revisionId, body } = request;
        return run('RejectObjectiveRevision', (_s, e) => ({ type: 'RejectObjectiveRevision', ...e, ...id, revisionId, reason: body.reason }));
      }
      case 'request-extension': {
        const b = request.body;
        return run('RequestObjectiveExtension', (_s, e) => ({ type: 'RequestObjectiveExtension', ...e, ...id, requestId: b.requestId, newDeadline: b.newDeadline, reason: b.reason }));
      }
      case 'grant-extension': {
        const { requestId, body } = request;
        return run('GrantObjectiveExtension', (state, e) => {
          const requested = state.status === 'none' ? undefined : state.extensionRequests.find((r) => r.requestId === requestId)?.requestedDeadline;
          return { type: 'GrantObjectiveExtension', ...e, ...id, requestId, newDeadline: body.newDeadline ?? requested ?? '', comment: body.comment ?? null };
        });
      }
      case 'deny-extension': {
        const { requestId, body } = request;
        return run('DenyObjectiveExtension', (_s, e) => ({ type: 'DenyObjectiveExtension', ...e, ...id, requestId, reason: body.reason }));
      }
      case 'claim-cause': {
        const b = request.body;
        return run('ClaimObjectiveCause', (_s, e) => ({ type: 'ClaimObjectiveCause', ...e, ...id, claimId: b.claimId, kind: b.kind, cause: b.cause, description: b.description, evidence: b.evidence ?? [] }));
      }
      case 'confirm-cause': {
        const { claimId, body } = request;
        return run('ConfirmObjectiveCause', (_s, e) => ({ type: 'ConfirmObjectiveCause', ...e, ...id, claimId, comment: body.comment ?? null }));
      }
      case 'reject-cause': {
        const { claimId, body } = request;
        return run('RejectObjectiveCause', (_s, e) => ({ type: 'RejectObjectiveCause', ...e, ...id, claimId, reason: body.reason }));
      }
      case 'evaluate': {
        const b = request.body;
        return run('EvaluateObjective', (_s, e) => ({ type: 'EvaluateObjective', ...e, ...id, basis: b.basis }));
      }
    }
  }
}
