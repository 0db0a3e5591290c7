import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { onTask } from './task-command';

/** No fields: who acknowledges, and when, come from the credential and the clock. */
export class AcknowledgeTaskRequestDto {}

export class AcknowledgeTaskCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly ctx: CommandContext) {
    super();
  }
}

/** 签收: the lead unit confirms it received the task. */
@CommandHandler(AcknowledgeTaskCommand)
export class AcknowledgeTaskHandler implements ICommandHandler<AcknowledgeTaskCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, ctx }: AcknowledgeTaskCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'AcknowledgeTask', (_state, envelope) => ({ type: 'AcknowledgeTask', ...envelope, taskId })));
  }
}
