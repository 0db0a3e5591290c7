import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onTask } from './task-command';

export class DenyExtensionRequestDto {
  @Text(2000, { example: 'The delay is the county\'s own; finish by the deadline' })
  reason!: string;
}

export class DenyExtensionCommand extends Command<CommandAccepted> {
  constructor(
    readonly taskId: string,
    readonly requestId: string,
    readonly body: DenyExtensionRequestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DenyExtensionCommand)
export class DenyExtensionHandler implements ICommandHandler<DenyExtensionCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, requestId, body, ctx }: DenyExtensionCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'DenyExtension', (_state, envelope) => ({ type: 'DenyExtension', ...envelope, taskId, requestId, reason: body.reason })));
  }
}
