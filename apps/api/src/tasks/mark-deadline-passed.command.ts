import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { onTask } from './task-command';

export class MarkDeadlinePassedCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Records that the deadline in force passed with the task not done. The deadline watcher sends it (as
 * `system:deadline-watcher`, an administrator account) with a command id derived from the task and the deadline,
 * so watchers in several processes never record it twice; inspectors may send it by hand.
 */
@CommandHandler(MarkDeadlinePassedCommand)
export class MarkDeadlinePassedHandler implements ICommandHandler<MarkDeadlinePassedCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, ctx }: MarkDeadlinePassedCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'MarkDeadlinePassed', (_state, envelope) => ({ type: 'MarkDeadlinePassed', ...envelope, taskId })));
  }
}
