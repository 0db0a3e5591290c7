import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onTask } from './task-command';

export class CloseTaskRequestDto {
  @Text(2000, { example: 'Closed after verification (办结销号)' }, true)
  comment?: string;
}

export class CloseTaskCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: CloseTaskRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 办结销号: closes a verified task; nothing more is recorded on it. */
@CommandHandler(CloseTaskCommand)
export class CloseTaskHandler implements ICommandHandler<CloseTaskCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: CloseTaskCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'CloseTask', (_state, envelope) => ({ type: 'CloseTask', ...envelope, taskId, comment: body.comment ?? null })));
  }
}
