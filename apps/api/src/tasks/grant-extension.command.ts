import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, Text } from '../shared/dto';
import { onTask } from './task-command';

export class GrantExtensionRequestDto {
  @CalendarDate({ example: '2018-12-31', description: 'The deadline granted; default the one requested.' }, true)
  newDeadline?: string;

  @Text(2000, { example: 'Granted: the survey delay is outside the county\'s control' }, true)
  comment?: string;
}

export class GrantExtensionCommand extends Command<CommandAccepted> {
  constructor(
    readonly taskId: string,
    readonly requestId: string,
    readonly body: GrantExtensionRequestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** A leader who did not make the request grants it; the only event that moves a deadline. */
@CommandHandler(GrantExtensionCommand)
export class GrantExtensionHandler implements ICommandHandler<GrantExtensionCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, requestId, body, ctx }: GrantExtensionCommand): Promise<CommandAccepted> {
    return this.runner.run(
      ctx,
      onTask(taskId, 'GrantExtension', (state, envelope) => {
        const requested = state.status === 'none' ? undefined : state.extensionRequests.find((request) => request.requestId === requestId)?.requestedDeadline;
        // An unknown request id falls through to the decider's TASK.NO_PENDING_EXTENSION.
        const newDeadline = body.newDeadline ?? requested ?? '';
        return { type: 'GrantExtension', ...envelope, taskId, requestId, newDeadline, comment: body.comment ?? null };
      }),
    );
  }
}
