import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { dateOf } from '@ledger/domain';
import { responsibleHeadOf } from '../organisation/unit-command';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId, Text } from '../shared/dto';
import { onTask } from './task-command';

export class TransferTaskRequestDto {
  @EntityId({ example: 'zh-new', description: 'The new lead unit; its head today becomes the responsible person.' })
  toUnitId!: string;

  @Text(2000, { example: 'Zhuhui District merged into the new district' })
  reason!: string;
}

export class TransferTaskCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: TransferTaskRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** Moves an open task to another lead unit; the history keeps the first unit and its responsible head. */
@CommandHandler(TransferTaskCommand)
export class TransferTaskHandler implements ICommandHandler<TransferTaskCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: TransferTaskCommand): Promise<CommandAccepted> {
    const { toUnitId, reason } = body;
    return this.runner.run(
      ctx,
      onTask(taskId, 'TransferTask', (_state, envelope) => ({
        type: 'TransferTask',
        ...envelope,
        taskId,
        toUnitId,
        leadUnitHead: responsibleHeadOf(this.runner.models(), toUnitId, dateOf(envelope.now)),
        reason,
      })),
    );
  }
}
