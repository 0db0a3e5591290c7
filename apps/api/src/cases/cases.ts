import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { caseDecider, caseStreamId, dateOf, domainError, EXEMPTION_BASES, type CaseCommand, type CaseState, type ExemptionBasis } from '@ledger/domain';
import { disciplineRegister } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AuditedRead } from '../audit/audited-read';
import { QueryContext } from '../read-models/queries';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { CommandRunner, type CommandAccepted, type Envelope } from '../shared/command-runner';
import { Ctx, type CommandContext } from '../shared/command-context';
import { EntityId, PersonId, Text } from '../shared/dto';
import { onRecord, requireApprovingSignOff } from '../shared/record-commands';
import { caseRepresentation } from '../read-models/representations';
import { LedgerTime } from '../shared/ledger-time';
import { ReferCaseCommand, ReferOverdueTasksCommand } from './refer-case.command';

/** Accountability cases (问责 / xem xét trách nhiệm): the discipline commission's steps after a referral. */
export class ReferRequestDto {
  @EntityId({ example: 'o-2018-zh-t4', description: 'The missed objective; the ledger builds the referral.' })
  objectiveId!: string;
}
export class ReferOverdueTasksRequestDto {
  @EntityId({ example: 'zh', description: 'The lead unit whose tasks are overdue; the ledger builds the referral.' })
  unitId!: string;
  @ApiProperty({ example: 2018, description: 'The period referred: the year of the tasks\' deadlines in force.' })
  @IsInt()
  @Min(1000)
  @Max(9999)
  year!: number;
}
export class NoteDto {
  @Text(5000, { example: 'Inquiry opened' }, true)
  note?: string;
}
export class StatementDto {
  @EntityId({ example: 'st-zh-1' })
  statementId!: string;
  @PersonId({ example: 'p-zh-head' })
  personId!: string;
  @ApiProperty({ example: '4b'.repeat(32) })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  statementHash!: string;
  @Text(5000, { example: 'The District Head explains the delay' })
  summary!: string;
}
export class DecisionItemDto {
  @ApiPropertyOptional({ example: 'p-zh-head', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  personId?: string | null;
  @Text(100, { example: '诫勉' })
  form!: string;
  @Text(5000, { example: 'Main leadership responsibility for the T4 miss' })
  reason!: string;
}
export class DecideDto {
  @ApiProperty({ type: [DecisionItemDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DecisionItemDto)
  decisions!: DecisionItemDto[];
  @EntityId({ example: 'so-case-zh', description: 'The commission\'s approving sign-off of the case, recorded first.' })
  signOffId!: string;
}
export class ExecuteDto {
  @Text(100, { example: 'DEMO-衡纪〔2019〕2号' }, true)
  documentNumber?: string;
  @Text(5000, { example: 'Decision served' })
  note!: string;
}
export class ReasonDto {
  @Text(5000, { example: 'No responsibility established' })
  reason!: string;
}
export class ExemptDto {
  @ApiProperty({ enum: EXEMPTION_BASES, example: 'error_tolerance' })
  @IsIn(EXEMPTION_BASES)
  basis!: ExemptionBasis;
  @Text(5000, { example: 'Tolerated error (容错) under the 2018 pilot rules' })
  reason!: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  refs?: string[];
}
export class AppealDto {
  @EntityId({ example: 'ca-zh-1' })
  appealId!: string;
  @ApiPropertyOptional({ example: 'p-zh-head', nullable: true })
  @IsOptional()
  @IsString()
  personId?: string | null;
  @Text(5000, { example: 'The flood affected Zhuhui too' })
  reason!: string;
}
export class DecideAppealDto {
  @ApiProperty({ enum: ['upheld', 'varied', 'rejected'] })
  @IsIn(['upheld', 'varied', 'rejected'])
  decision!: 'upheld' | 'varied' | 'rejected';
  @Text(100, { example: '检查' }, true)
  form?: string;
  @Text(5000, { example: 'Varied to a written self-criticism' })
  reason!: string;
}
export class RegisterQueryDto {
  @EntityId({ example: 'zh' }, true)
  unitId?: string;
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  open?: boolean;
}

type CaseUse =
  | { use: 'investigate'; body: NoteDto }
  | { use: 'statement'; body: StatementDto }
  | { use: 'decide'; body: DecideDto }
  | { use: 'execute'; body: ExecuteDto }
  | { use: 'close'; body: NoteDto }
  | { use: 'dismiss'; body: ReasonDto }
  | { use: 'exempt'; body: ExemptDto }
  | { use: 'appeal'; body: AppealDto }
  | { use: 'decide-appeal'; appealId: string; body: DecideAppealDto };

export class CaseCommandMessage extends Command<CommandAccepted> {
  constructor(
    readonly caseId: string,
    readonly request: CaseUse,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CaseCommandMessage)
export class CaseCommandHandler implements ICommandHandler<CaseCommandMessage> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ caseId, request, ctx }: CaseCommandMessage): Promise<CommandAccepted> {
    const streamId = caseStreamId(caseId);
    const run = (commandType: CaseCommand['type'], build: (state: CaseState, e: Envelope) => CaseCommand) =>
      this.runner.run(ctx, onRecord({ decider: caseDecider, streamId, id: caseId, commandType, targetUnit: (state) => (state.status === 'none' ? null : state.subjectUnitId), build, notFound: () => domainError('CASE.NOT_FOUND', { case: caseId }) }));
    const id = { caseId };
    switch (request.use) {
      case 'investigate':
        return run('StartCaseInvestigation', (_s, e) => ({ type: 'StartCaseInvestigation', ...e, ...id, note: request.body.note ?? null }));
      case 'statement': {
        const b = request.body;
        return run('TakeCaseStatement', (_s, e) => ({ type: 'TakeCaseStatement', ...e, ...id, statementId: b.statementId, personId: b.personId, statementHash: b.statementHash, summary: b.summary }));
      }
      case 'decide': {
        const b = request.body;
        // After authorization (build runs once the caller may act): a refused caller learns nothing of sign-offs.
        return run('DecideCase', (_s, e) => ({ type: 'DecideCase', ...e, ...id, signOffId: requireApprovingSignOff(this.runner.models(), b.signOffId, streamId), decisions: b.decisions.map((d) => ({ personId: d.personId ?? null, form: d.form, reason: d.reason })) }));
      }
      case 'execute':
        return run('ExecuteCaseDecision', (_s, e) => ({ type: 'ExecuteCaseDecision', ...e, ...id, documentNumber: request.body.documentNumber ?? null, note: request.body.note }));
      case 'close':
        return run('CloseCase', (_s, e) => ({ type: 'CloseCase', ...e, ...id, note: request.body.note ?? null }));
      case 'dismiss':
        return run('DismissCase', (_s, e) => ({ type: 'DismissCase', ...e, ...id, reason: request.body.reason }));
      case 'exempt':
        return run('ExemptCase', (_s, e) => ({ type: 'ExemptCase', ...e, ...id, basis: request.body.basis, reason: request.body.reason, refs: request.body.refs ?? [] }));
      case 'appeal':
        return run('AppealCaseDecision', (_s, e) => ({ type: 'AppealCaseDecision', ...e, ...id, appealId: request.body.appealId, personId: request.body.personId ?? null, reason: request.body.reason }));
      case 'decide-appeal': {
        const { appealId, body } = request;
        return run('DecideCaseAppeal', (_s, e) => ({ type: 'DecideCaseAppeal', ...e, ...id, appealId, decision: body.decision, form: body.form ?? null, reason: body.reason }));
      }
    }
  }
}

const accepted = (events: string[], version: number) => ({ id: 'ref-o-2018-zh-t4', streamId: 'case-ref-o-2018-zh-t4', version, position: 400, eventIds: ['a2b3c4d5-6e7f-8091-92a3-000000000001'], events });

@ApiTags('accountability')
@ApiPathParams()
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
    private readonly time: LedgerTime,
  ) {}

  private send(caseId: string, request: CaseUse, ctx: CommandContext) {
    return this.commands.execute(new CaseCommandMessage(caseId, request, ctx));
  }

  @Post()
  @ApiCommand({ summary: 'Refer a missed objective (the commission; the process manager does this by itself)', created: true, example: accepted(['CaseReferred'], 1), errors: [404, 422], codes: { 422: 'REFERRAL.NOT_FLAGGED' } })
  refer(@Body() body: ReferRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new ReferCaseCommand(body.objectiveId, ctx));
  }

  @Post('overdue-tasks')
  @ApiCommand({ summary: 'Refer a unit for tasks overdue beyond the threshold of its year\'s rule set (the commission; the process manager does this by itself), judged on today (or X-Occurred-At)', created: true, example: accepted(['CaseReferred'], 1), errors: [404, 409, 422], codes: { 409: 'CASE.ALREADY_REFERRED', 422: 'REFERRAL.TASKS_NOT_OVERDUE' } })
  referOverdueTasks(@Body() body: ReferOverdueTasksRequestDto, @Ctx() ctx: CommandContext) {
    const asOf = ctx.occurredAt === null ? this.time.today() : dateOf(this.time.inJurisdiction(ctx.occurredAt));
    return this.commands.execute(new ReferOverdueTasksCommand(body.unitId, body.year, asOf, ctx));
  }

  @Post(':caseId/investigation') @HttpCode(200) @ApiCommand({ summary: 'Start the inquiry', example: accepted(['CaseInvestigationStarted'], 2), errors: [404] })
  investigate(@Param('caseId') caseId: string, @Body() body: NoteDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'investigate', body }, ctx);
  }

  @Post(':caseId/statements') @HttpCode(200) @ApiCommand({ summary: 'Take a statement', example: accepted(['CaseStatementTaken'], 3), errors: [404] })
  statement(@Param('caseId') caseId: string, @Body() body: StatementDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'statement', body }, ctx);
  }

  @Post(':caseId/decision') @HttpCode(200) @ApiCommand({ summary: 'Decide (forms from the jurisdiction\'s list), with an approving sign-off of the case', example: accepted(['CaseDecided'], 4), errors: [404, 422] })
  decide(@Param('caseId') caseId: string, @Body() body: DecideDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'decide', body }, ctx);
  }

  @Post(':caseId/execution') @HttpCode(200) @ApiCommand({ summary: 'Record the decision executed', example: accepted(['CaseDecisionExecuted'], 5), errors: [404] })
  executeDecision(@Param('caseId') caseId: string, @Body() body: ExecuteDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'execute', body }, ctx);
  }

  @Post(':caseId/closure') @HttpCode(200) @ApiCommand({ summary: 'Close the case', example: accepted(['CaseClosed'], 6), errors: [404] })
  close(@Param('caseId') caseId: string, @Body() body: NoteDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'close', body }, ctx);
  }

  @Post(':caseId/dismissal') @HttpCode(200) @ApiCommand({ summary: 'Dismiss the case before a decision', example: accepted(['CaseDismissed'], 2), errors: [404] })
  dismiss(@Param('caseId') caseId: string, @Body() body: ReasonDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'dismiss', body }, ctx);
  }

  @Post(':caseId/exemption') @HttpCode(200) @ApiCommand({ summary: 'Exempt (容错 / confirmed objective cause)', example: accepted(['CaseExempted'], 2), errors: [404] })
  exempt(@Param('caseId') caseId: string, @Body() body: ExemptDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'exempt', body }, ctx);
  }

  @Post(':caseId/appeals') @HttpCode(200) @ApiCommand({ summary: 'Record an appeal of the decision', example: accepted(['CaseAppealed'], 6), errors: [404] })
  appeal(@Param('caseId') caseId: string, @Body() body: AppealDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'appeal', body }, ctx);
  }

  @Post(':caseId/appeals/:appealId/decision') @HttpCode(200) @ApiCommand({ summary: 'Decide the appeal', example: accepted(['CaseAppealDecided'], 7), errors: [404] })
  decideAppeal(@Param('caseId') caseId: string, @Param('appealId') appealId: string, @Body() body: DecideAppealDto, @Ctx() ctx: CommandContext) {
    return this.send(caseId, { use: 'decide-appeal', appealId, body }, ctx);
  }

  @Get()
  // Who looked at the discipline register, and when, is itself on the record.
  @AuditedRead({ resource: 'discipline-register', subject: (req) => ({ unitId: String(req.query.unitId ?? ''), open: String(req.query.open ?? '') }) })
  @ApiQuery({ summary: 'The discipline register: referrals and cases, open and closed, with chronology and responsible heads', example: { items: [] } })
  register(@CurrentActor() actor: AuthenticatedActor, @Query() query: RegisterQueryDto) {
    const { models, scope } = this.context.for(actor);
    const items = disciplineRegister(models, { unitIds: query.unitId ? new Set([query.unitId]) : null, open: query.open ?? null }).filter((entry) => scope.unit(entry.subjectUnitId));
    return { items };
  }

  @Get(':caseId')
  @AuditedRead({ resource: 'discipline-case', subject: (req) => ({ caseId: String(req.params.caseId) }) })
  @ApiQuery({ summary: 'One case with its referral (ETag: its version)', etag: true, example: {}, errors: [404], codes: { 404: 'CASE.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('caseId') caseId: string) {
    const { models, scope } = this.context.for(actor);
    const view = models.cases.get(caseId);
    if (view === undefined) throw domainError('CASE.NOT_FOUND', { case: caseId });
    scope.require(scope.unit(view.record.subjectUnitId), view.record.subjectUnitId);
    return caseRepresentation(view);
  }
}

@Module({ controllers: [CasesController], providers: [CaseCommandHandler, QueryContext] })
export class CasesModule {}
