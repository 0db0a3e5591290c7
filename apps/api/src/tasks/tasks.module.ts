import { Module } from '@nestjs/common';
import { QueryContext } from '../read-models/queries';
import { AcknowledgeTaskHandler } from './acknowledge-task.command';
import { AssignTaskHandler } from './assign-task.command';
import { CancelTaskHandler } from './cancel-task.command';
import { CloseTaskHandler } from './close-task.command';
import { DenyExtensionHandler } from './deny-extension.command';
import { GrantExtensionHandler } from './grant-extension.command';
import { IssueReminderHandler } from './issue-reminder.command';
import { RegisterTaskHandler } from './register-task.command';
import { ReportCompletionHandler } from './report-completion.command';
import { ReportProgressHandler } from './report-progress.command';
import { RequestExtensionHandler } from './request-extension.command';
import { ReturnTaskForRedoHandler } from './return-task-for-redo.command';
import { TaskQueries } from './task.queries';
import { TasksController } from './tasks.controller';
import { TransferTaskHandler } from './transfer-task.command';
import { VerifyCompletionHandler } from './verify-completion.command';

// MarkDeadlinePassed's handler is provided by DeadlinesModule, which the projector loads without this module.
const commandHandlers = [
  RegisterTaskHandler,
  AssignTaskHandler,
  AcknowledgeTaskHandler,
  ReportProgressHandler,
  ReportCompletionHandler,
  VerifyCompletionHandler,
  ReturnTaskForRedoHandler,
  IssueReminderHandler,
  RequestExtensionHandler,
  GrantExtensionHandler,
  DenyExtensionHandler,
  CancelTaskHandler,
  CloseTaskHandler,
  TransferTaskHandler,
];
const queryServices = [QueryContext, TaskQueries];

@Module({
  controllers: [TasksController],
  providers: [...commandHandlers, ...queryServices],
})
export class TasksModule {}
