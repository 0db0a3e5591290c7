import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import {
  currentHead,
  dateOf,
  directiveDecider,
  directiveStreamId,
  DIRECTIVE_KINDS,
  documentNumberDecider,
  documentNumberStreamId,
  DomainError,
  domainError,
  fold,
  ROLE_LABELS,
  taskDecider,
  taskStreamId,
  yearOf,
  type DirectiveKind,
  type DocumentNumberCommand,
  type DocumentNumberEvent,
  type DocumentNumberState,
  type TaskCommand,
  type TaskEvent,
  type TaskState,
} from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { domainEventOf, type LedgerReadModels } from '@ledger/projections';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { requireKnownUnit, responsibleHeadOf } from '../organisation/unit-command';
import { CommandRunner, type CommandAccepted, type CommandScope, type CommandStep, type Decision, type StreamCommand } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, Text } from '../shared/dto';
import { DirectiveTaskDto, IssuerDto, MeetingDto } from './directive.dto';

export class IssueDirectiveRequestDto {
  @EntityId({ example: 'd-2018-1', description: 'Default: a new UUID.' }, true)
  directiveId?: string;

  @EntityId({ example: 'city', description: 'The unit in whose name it is issued; default the caller\'s unit.' }, true)
  issuerUnitId?: string;

  @ApiPropertyOptional({ type: IssuerDto, description: 'Default: the caller\'s name and post in the issuer unit.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => IssuerDto)
  issuer?: IssuerDto;

  @Text(100, { example: 'DEMO-衡督〔2018〕1号', description: 'Unique per issuer unit and year (of `issuedOn`).' })
  documentNumber!: string;

  @ApiProperty({ enum: DIRECTIVE_KINDS, example: 'directive' })
  @IsIn(DIRECTIVE_KINDS)
  kind!: DirectiveKind;

  @CalendarDate({ example: '2018-09-06' })
  issuedOn!: string;

  @ApiPropertyOptional({ type: MeetingDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeetingDto)
  meeting?: MeetingDto | null;

  @Text(1000, { example: 'Four land tasks: compensation balance, linkage, expropriation, state-owned land rectification' })
  title!: string;

  @Text(100_000, { example: 'The districts and counties shall complete the four land tasks below; the inspection office inspects monthly.' })
  body!: string;

  @ApiProperty({ type: [DirectiveTaskDto], description: 'The tasks the directive creates, each registered (and, with `assignment`, assigned) in its own stream.' })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => DirectiveTaskDto)
  tasks!: DirectiveTaskDto[];
}

export type DirectiveIssuedResult = CommandAccepted & { readonly documentNumber: string; readonly tasks: readonly CommandAccepted[] };

export class IssueDirectiveCommand extends Command<DirectiveIssuedResult> {
  constructor(readonly body: IssueDirectiveRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Issues a directive with the tasks it creates: reserves the document number (`docno-…`, expected 'no-stream',
 * so a second use by the issuer in the year is DOCNO.TAKEN), records DirectiveIssued, then registers (and
 * assigns) each task in its own stream. Every part is authorized and decided before anything is written.
 */
@CommandHandler(IssueDirectiveCommand)
export class IssueDirectiveHandler implements ICommandHandler<IssueDirectiveCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ body, ctx }: IssueDirectiveCommand): Promise<DirectiveIssuedResult> {
    const scope = await this.runner.begin(ctx);
    const models = scope.models();
    const directiveId = body.directiveId ?? scope.newId('directive');
    const issuerUnitId = body.issuerUnitId ?? ctx.actor.unit;
    const year = yearOf(body.issuedOn);
    const docnoStream = documentNumberStreamId(issuerUnitId, year, body.documentNumber);
    const directiveStream = directiveStreamId(directiveId);
    const documentNumber = body.documentNumber.normalize('NFC');
    const tasks = body.tasks.map((task, index) => ({ ...task, taskId: task.taskId ?? scope.newId(`task:${index}`) }));
    requireKnownUnit(models, issuerUnitId, 'issuerUnitId');
    const issuer = body.issuer ? { name: body.issuer.name, postTitle: body.issuer.postTitle } : defaultIssuer(models, ctx.actor, issuerUnitId);
    const meeting = body.meeting ? { name: body.meeting.name, date: body.meeting.date } : null;

    const reservation = await this.decideReservation(scope, {
      decider: documentNumberDecider,
      streamId: docnoStream,
      aggregateId: directiveId,
      creates: true,
      part: 'docno',
      onStreamConflict: () => domainError('DOCNO.TAKEN', { documentNumber, issuerUnit: issuerUnitId, year }),
      steps: [
        {
          commandType: 'ReserveDocumentNumber',
          targetUnit: () => issuerUnitId,
          build: (_state, envelope) => ({ type: 'ReserveDocumentNumber' as const, ...envelope, issuerUnitId, year, documentNumber, recordStreamId: directiveStream }),
        },
      ],
    }, directiveStream);
    const directive = await scope.decide({
      decider: directiveDecider,
      streamId: directiveStream,
      aggregateId: directiveId,
      creates: true,
      steps: [
        {
          commandType: 'IssueDirective',
          targetUnit: () => issuerUnitId,
          build: (_state, envelope) => ({
            type: 'IssueDirective' as const,
            ...envelope,
            directiveId,
            issuerUnitId,
            issuer,
            documentNumber: body.documentNumber,
            kind: body.kind,
            issuedOn: body.issuedOn,
            meeting,
            title: body.title,
            body: body.body,
            taskIds: tasks.map((task) => task.taskId),
          }),
        },
      ],
    });
    const taskDecisions: Decision[] = [];
    for (const task of tasks) {
      const steps: CommandStep<TaskState, TaskCommand>[] = [
        {
          commandType: 'RegisterTask',
          targetUnit: () => issuerUnitId,
          build: (_state, envelope) => ({
            type: 'RegisterTask',
            ...envelope,
            taskId: task.taskId,
            directive: { id: directiveId, issuedOn: body.issuedOn, status: 'issued' },
            title: task.title,
          }),
        },
      ];
      const assignment = task.assignment;
      if (assignment) {
        steps.push({
          commandType: 'AssignTask',
          targetUnit: () => assignment.leadUnitId,
          build: (_state, envelope) => {
            for (const co of assignment.coUnitIds ?? []) requireKnownUnit(models, co, 'coUnitIds');
            return {
              type: 'AssignTask',
              ...envelope,
              taskId: task.taskId,
              leadUnitId: assignment.leadUnitId,
              coUnitIds: assignment.coUnitIds ?? [],
              leadUnitHead: responsibleHeadOf(models, assignment.leadUnitId, dateOf(envelope.now)),
              work: assignment.work,
              deadline: assignment.deadline,
              expectedResult: assignment.expectedResult,
            };
          },
        });
      }
      taskDecisions.push(
        await scope.decide<TaskState, TaskCommand, TaskEvent>({
          decider: taskDecider,
          streamId: taskStreamId(task.taskId),
          aggregateId: task.taskId,
          creates: true,
          part: `task-${task.taskId}`,
          steps,
        }),
      );
    }
    if (reservation) await scope.append(reservation);
    const accepted = await scope.append(directive);
    const created: CommandAccepted[] = [];
    for (const decision of taskDecisions) created.push(await scope.append(decision));
    return { ...accepted, documentNumber, tasks: created };
  }

  /**
   * The reservation to append, or null when an earlier attempt at this very directive reserved the number and
   * failed before the directive was written (then the number is already this directive's).
   */
  private async decideReservation(
    scope: CommandScope,
    command: StreamCommand<DocumentNumberState, DocumentNumberCommand, DocumentNumberEvent>,
    directiveStream: string,
  ): Promise<Decision | null> {
    try {
      return await scope.decide(command);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'DOCNO.TAKEN') throw error;
      const reserved = fold(documentNumberDecider, (await this.store.readStream(command.streamId)).map((e) => domainEventOf<DocumentNumberEvent>(e)));
      const directiveWritten = (await this.store.readStream(directiveStream)).length > 0;
      if (reserved.status === 'reserved' && reserved.recordStreamId === directiveStream && !directiveWritten) return null;
      throw error;
    }
  }
}

/** The caller as issuer: their name, and the post they hold in the issuer unit (head or deputy) or their role. */
function defaultIssuer(models: LedgerReadModels, actor: AuthenticatedActor, issuerUnitId: string): { name: string; postTitle: string } {
  const unit = models.organisation.units.get(issuerUnitId)?.record;
  const head = unit ? currentHead(unit) : null;
  const post =
    (head?.personId === actor.id ? head.postTitle : undefined) ??
    unit?.deputies.find((deputy) => deputy.personId === actor.id && deputy.to === null)?.postTitle ??
    ROLE_LABELS[actor.role].en;
  return { name: actor.name, postTitle: post };
}
