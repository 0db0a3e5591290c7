import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, EntityIdList, Text } from '../shared/dto';
import { onUnit, requireKnownUnit } from './unit-command';

export class MergeUnitRequestDto {
  @EntityId({ example: 'zh-new', description: 'The unit that carries on (one of the merged units, or a unit registered for the purpose).' })
  successorId!: string;

  @EntityIdList({ example: ['zx'], description: 'The other units merged in the same act.' })
  mergedWith!: string[];

  @CalendarDate({ example: '2025-07-01', description: 'The dissolution day: heads and deputies in post leave on it.' })
  on!: string;

  @Text(2000, { example: 'Rearrangement of district-level administrative units' })
  reason!: string;
}

export class MergeUnitCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: MergeUnitRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(MergeUnitCommand)
export class MergeUnitHandler implements ICommandHandler<MergeUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: MergeUnitCommand): Promise<CommandAccepted> {
    const { successorId, mergedWith, on, reason } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'MergeUnit', (_state, envelope) => {
        requireKnownUnit(this.runner.models(), successorId, 'successorId');
        for (const id of mergedWith) requireKnownUnit(this.runner.models(), id, 'mergedWith');
        return { type: 'MergeUnit', ...envelope, unitId, successorId, mergedWith, on, reason };
      }),
    );
  }
}
