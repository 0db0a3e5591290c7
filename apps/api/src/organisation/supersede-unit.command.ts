import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, Text } from '../shared/dto';
import { onUnit, requireKnownUnit } from './unit-command';

export class SupersedeUnitRequestDto {
  @EntityId({ example: 'land-2019', description: 'The unit that replaces this one (registered first).' })
  successorId!: string;

  @CalendarDate({ example: '2019-01-01' })
  on!: string;

  @Text(2000, { example: 'Bureau reorganised as the Natural Resources and Planning Bureau' })
  reason!: string;
}

export class SupersedeUnitCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: SupersedeUnitRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(SupersedeUnitCommand)
export class SupersedeUnitHandler implements ICommandHandler<SupersedeUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: SupersedeUnitCommand): Promise<CommandAccepted> {
    const { successorId, on, reason } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'SupersedeUnit', (_state, envelope) => {
        requireKnownUnit(this.runner.models(), successorId, 'successorId');
        return { type: 'SupersedeUnit', ...envelope, unitId, successorId, on, reason };
      }),
    );
  }
}
