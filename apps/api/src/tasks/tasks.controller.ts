import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiCommand, ApiQuery, ApiPathParams } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { AcknowledgeTaskCommand, AcknowledgeTaskRequestDto } from './acknowledge-task.command';
import { AssignTaskCommand, AssignTaskRequestDto } from './assign-task.command';
import { CancelTaskCommand, CancelTaskRequestDto } from './cancel-task.command';
import { CloseTaskCommand, CloseTaskRequestDto } from './close-task.command';
import { DenyExtensionCommand, DenyExtensionRequestDto } from './deny-extension.command';
import { GrantExtensionCommand, GrantExtensionRequestDto } from './grant-extension.command';
import { IssueReminderCommand, IssueReminderRequestDto } from './issue-reminder.command';
import { MarkDeadlinePassedCommand } from './mark-deadline-passed.command';
import { RegisterTaskCommand, RegisterTaskRequestDto } from './register-task.command';
import { ReportCompletionCommand, ReportCompletionRequestDto } from './report-completion.command';
import { ReportProgressCommand, ReportProgressRequestDto } from './report-progress.command';
import { RequestExtensionCommand, RequestExtensionRequestDto } from './request-extension.command';
import { ReturnTaskForRedoCommand, ReturnTaskForRedoRequestDto } from './return-task-for-redo.command';
import { TaskListQueryDto, TaskQueries } from './task.queries';
import { TransferTaskCommand, TransferTaskRequestDto } from './transfer-task.command';
import { VerifyCompletionCommand, VerifyCompletionRequestDto } from './verify-completion.command';

const accepted = (events: string[], version: number) => ({ id: 't4-zh', streamId: 'task-t4-zh', version, position: 61, eventIds: events.map((_, i) => `3c4d5e6f-7a8b-8c9d-8e0f-${String(i).padStart(12, '0')}`), events });
const responsible = { unitId: 'zh', personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head' };
const taskExample = {
  status: 'in_progress',
  taskId: 't4-zh',
  directiveId: 'd-2018-1',
  directiveIssuedOn: '2018-09-06',
  title: 'T4 rectification of state-owned land supervision (国有土地监管整改)',
  assignment: { leadUnitId: 'zh', coUnitIds: ['land'], responsible, work: 'Rectify every problem parcel', expectedResult: 'All problem parcels rectified', assignedOn: '2018-09-06', originalDeadline: '2018-10-31' },
  deadline: '2018-10-31',
  acknowledgedOn: '2018-09-07',
  percent: 40,
  mayDecrease: false,
  completion: null,
  verification: null,
  extensionRequests: [],
  deadlinesMarked: [],
  reminders: [{ on: '2018-10-10', by: 'p-director-of-inspection' }],
  previousLeads: [],
  cancellation: null,
  closedOn: null,
  version: 5,
};
const timelineEntry = {
  eventId: '1f2e3d4c-5b6a-8978-8a9b-0c1d2e3f4a5b',
  position: 61,
  streamVersion: 5,
  type: 'ReminderIssued',
  actor: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' },
  occurredAt: '2018-10-10T09:00:00+08:00',
  recordedAt: '2018-10-10T01:00:00.000Z',
  data: { taskId: 't4-zh', message: 'T4 is behind schedule', channel: 'official_document', at: '2018-10-10T09:00:00+08:00', by: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' } },
};

/** Tasks (nhiệm vụ / 督办事项): 立项 → 交办 → 催办 → 反馈 → 办结, with extensions, deadlines and cancellations. */
@ApiTags('tasks')
@ApiPathParams()
@Controller('v1/tasks')
export class TasksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: TaskQueries,
  ) {}

  @Post()
  @ApiCommand({ summary: 'Register a task under an existing directive (立项; leaders, inspectors)', created: true, example: accepted(['TaskRegistered'], 1), errors: [404], codes: { 404: 'DIRECTIVE.NOT_FOUND', 409: 'TASK.ALREADY_REGISTERED' } })
  register(@Body() body: RegisterTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RegisterTaskCommand(body, ctx));
  }

  @Post(':taskId/assignment')
  @HttpCode(200)
  @ApiCommand({ summary: 'Assign the task with the 5 clear (交办; leaders, inspectors)', description: 'The responsible person is resolved by the ledger: the lead unit\'s head today.', example: accepted(['TaskAssigned'], 2), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.ALREADY_ASSIGNED', 422: 'TASK.RESPONSIBLE_PERSON_MISSING' } })
  assign(@Param('taskId') taskId: string, @Body() body: AssignTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new AssignTaskCommand(taskId, body, ctx));
  }

  @Post(':taskId/acknowledgement')
  @HttpCode(200)
  @ApiBody({ type: AcknowledgeTaskRequestDto, required: false })
  @ApiCommand({ summary: 'Acknowledge receipt (签收; the lead unit\'s head or staff)', example: accepted(['TaskAcknowledged'], 3), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.ALREADY_ACKNOWLEDGED' } })
  acknowledge(@Param('taskId') taskId: string, @Body() _body: AcknowledgeTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new AcknowledgeTaskCommand(taskId, ctx));
  }

  @Post(':taskId/progress-reports')
  @HttpCode(200)
  @ApiCommand({ summary: 'Report progress (反馈; the lead unit)', example: accepted(['ProgressReported'], 4), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.NOT_ACKNOWLEDGED', 422: 'TASK.PROGRESS_DECREASED' } })
  reportProgress(@Param('taskId') taskId: string, @Body() body: ReportProgressRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new ReportProgressCommand(taskId, body, ctx));
  }

  @Post(':taskId/completion-report')
  @HttpCode(200)
  @ApiCommand({ summary: 'Report completion (the lead unit); done only once verified', example: accepted(['CompletionReported'], 6), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.AWAITING_VERIFICATION' } })
  reportCompletion(@Param('taskId') taskId: string, @Body() body: ReportCompletionRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new ReportCompletionCommand(taskId, body, ctx));
  }

  @Post(':taskId/verification')
  @HttpCode(200)
  @ApiCommand({ summary: 'Verify the completion report (inspectors, leaders; not the reporter)', example: accepted(['CompletionVerified'], 7), errors: [404], codes: { 403: 'TASK.SELF_VERIFICATION', 404: 'TASK.NOT_FOUND', 409: 'TASK.NO_COMPLETION_REPORTED' } })
  verify(@Param('taskId') taskId: string, @Body() body: VerifyCompletionRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new VerifyCompletionCommand(taskId, body, ctx));
  }

  @Post(':taskId/return-for-redo')
  @HttpCode(200)
  @ApiCommand({ summary: 'Return the completion report for redo, with a reason (inspectors, leaders)', example: accepted(['TaskReturnedForRedo'], 7), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.NO_COMPLETION_REPORTED' } })
  returnForRedo(@Param('taskId') taskId: string, @Body() body: ReturnTaskForRedoRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new ReturnTaskForRedoCommand(taskId, body, ctx));
  }

  @Post(':taskId/reminders')
  @HttpCode(200)
  @ApiCommand({ summary: 'Issue a reminder to the lead unit (催办; inspectors, leaders)', example: accepted(['ReminderIssued'], 5), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.AWAITING_VERIFICATION' } })
  remind(@Param('taskId') taskId: string, @Body() body: IssueReminderRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new IssueReminderCommand(taskId, body, ctx));
  }

  @Post(':taskId/extension-requests')
  @HttpCode(200)
  @ApiCommand({ summary: 'Request an extension (the lead unit), on or before the deadline', example: { ...accepted(['ExtensionRequested'], 5), requestId: 'ext-hn-1' }, errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.EXTENSION_PENDING', 422: 'TASK.EXTENSION_AFTER_DEADLINE' } })
  requestExtension(@Param('taskId') taskId: string, @Body() body: RequestExtensionRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RequestExtensionCommand(taskId, body, ctx));
  }

  @Post(':taskId/extension-requests/:requestId/grant')
  @HttpCode(200)
  @ApiCommand({ summary: 'Grant an extension (leaders; not the requester): moves the deadline', example: accepted(['ExtensionGranted'], 6), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.NO_PENDING_EXTENSION', 422: 'TASK.EXTENSION_NOT_LATER' } })
  grantExtension(@Param('taskId') taskId: string, @Param('requestId') requestId: string, @Body() body: GrantExtensionRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new GrantExtensionCommand(taskId, requestId, body, ctx));
  }

  @Post(':taskId/extension-requests/:requestId/deny')
  @HttpCode(200)
  @ApiCommand({ summary: 'Deny an extension, with a reason (leaders; not the requester)', example: accepted(['ExtensionDenied'], 6), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.NO_PENDING_EXTENSION' } })
  denyExtension(@Param('taskId') taskId: string, @Param('requestId') requestId: string, @Body() body: DenyExtensionRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new DenyExtensionCommand(taskId, requestId, body, ctx));
  }

  @Post(':taskId/deadline-passed')
  @HttpCode(200)
  @ApiCommand({ summary: 'Record that the deadline in force passed (the deadline watcher does this; inspectors may too)', example: accepted(['DeadlinePassed'], 8), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.DEADLINE_ALREADY_MARKED', 422: 'TASK.DEADLINE_NOT_PASSED' } })
  markDeadlinePassed(@Param('taskId') taskId: string, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new MarkDeadlinePassedCommand(taskId, ctx));
  }

  @Post(':taskId/cancellation')
  @HttpCode(200)
  @ApiCommand({ summary: 'Cancel the task with a reason and a leader\'s approving sign-off (leaders)', example: accepted(['TaskCancelled'], 9), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.ALREADY_VERIFIED', 422: 'TASK.CANCELLATION_SIGNOFF_INVALID' } })
  cancel(@Param('taskId') taskId: string, @Body() body: CancelTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new CancelTaskCommand(taskId, body, ctx));
  }

  @Post(':taskId/closure')
  @HttpCode(200)
  @ApiCommand({ summary: 'Close a verified task (办结销号; inspectors, leaders)', example: accepted(['TaskClosed'], 9), errors: [404], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.NOT_VERIFIED' } })
  close(@Param('taskId') taskId: string, @Body() body: CloseTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new CloseTaskCommand(taskId, body, ctx));
  }

  @Post(':taskId/transfer')
  @HttpCode(200)
  @ApiCommand({ summary: 'Transfer the task to another lead unit (administrators, leaders)', example: accepted(['TaskTransferred'], 9), errors: [404, 422], codes: { 404: 'TASK.NOT_FOUND', 409: 'TASK.TRANSFER_TO_SAME_UNIT', 422: 'TASK.RESPONSIBLE_PERSON_MISSING' } })
  transfer(@Param('taskId') taskId: string, @Body() body: TransferTaskRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new TransferTaskCommand(taskId, body, ctx));
  }

  @Get()
  @ApiQuery({
    summary: 'Tasks in the caller\'s read scope, with timeliness as of a day',
    description: 'Filters: unit (lead or co-unit, optionally its subtree), status, timeliness on `asOf` (default today), deadline range, directive or document number. In deadline order, then by task id; paged by `page` or, stably, by `cursor` (the previous page\'s `nextCursor`, null on the last page).',
    example: { items: [{ ...taskExample, documentNumber: 'DEMO-衡督〔2018〕1号', asOf: '2018-11-01', timeliness: 'not_done_overdue' }], page: 1, pageSize: 50, total: 1, asOf: '2018-11-01', nextCursor: null },
  })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: TaskListQueryDto) {
    return this.queries.listJson(actor, query);
  }

  @Get(':taskId')
  @ApiQuery({
    summary: 'One task as its own stream makes it (ETag: its version)',
    description: 'This body, canonicalised with RFC 8785 and hashed with SHA-256, is the `recordHash` a sign-off of the task at this version records.',
    etag: true,
    example: taskExample,
    errors: [404],
    codes: { 404: 'TASK.NOT_FOUND' },
  })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('taskId') taskId: string) {
    return this.queries.getJson(actor, taskId);
  }

  @Get(':taskId/timeline')
  @ApiQuery({ summary: 'The task\'s full timeline: each event with actor, role, unit, occurred-at and recorded-at', etag: true, example: { taskId: 't4-zh', version: 5, items: [timelineEntry] }, errors: [404], codes: { 404: 'TASK.NOT_FOUND' } })
  timeline(@CurrentActor() actor: AuthenticatedActor, @Param('taskId') taskId: string) {
    return this.queries.timelineJson(actor, taskId);
  }
}
