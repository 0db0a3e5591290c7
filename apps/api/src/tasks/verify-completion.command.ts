import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onTask } from './task-command';

export class VerifyCompletionRequestDto {
  @Text(2000, { example: 'Checked on site: 41 parcels rectified' }, true)
  comment?: string;
}

export class VerifyCompletionCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: VerifyCompletionRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** Verification of someone else's completion report, by an inspector or a leader. */
@CommandHandler(VerifyCompletionCommand)
export class VerifyCompletionHandler implements ICommandHandler<VerifyCompletionCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: VerifyCompletionCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'VerifyCompletion', (_state, envelope) => ({ type: 'VerifyCompletion', ...envelope, taskId, comment: body.comment ?? null })));
  }
}
