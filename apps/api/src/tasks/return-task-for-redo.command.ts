import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onTask } from './task-command';

export class ReturnTaskForRedoRequestDto {
  @Text(2000, { example: 'Nine parcels are still occupied; the report overstates the result' })
  reason!: string;
}

export class ReturnTaskForRedoCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: ReturnTaskForRedoRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(ReturnTaskForRedoCommand)
export class ReturnTaskForRedoHandler implements ICommandHandler<ReturnTaskForRedoCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: ReturnTaskForRedoCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'ReturnTaskForRedo', (_state, envelope) => ({ type: 'ReturnTaskForRedo', ...envelope, taskId, reason: body.reason })));
  }
}
