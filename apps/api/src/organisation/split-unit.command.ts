import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityIdList, Text } from '../shared/dto';
import { onUnit, requireKnownUnit } from './unit-command';

export class SplitUnitRequestDto {
  @EntityIdList({ example: ['zh-east', 'zh-west'], description: 'At least two successor units, registered first.' })
  successorIds!: string[];

  @CalendarDate({ example: '2025-07-01' })
  on!: string;

  @Text(2000, { example: 'Split into two districts by the provincial decision' })
  reason!: string;
}

export class SplitUnitCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: SplitUnitRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(SplitUnitCommand)
export class SplitUnitHandler implements ICommandHandler<SplitUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: SplitUnitCommand): Promise<CommandAccepted> {
    const { successorIds, on, reason } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'SplitUnit', (_state, envelope) => {
        for (const id of successorIds) requireKnownUnit(this.runner.models(), id, 'successorIds');
        return { type: 'SplitUnit', ...envelope, unitId, successorIds, on, reason };
      }),
    );
  }
}
