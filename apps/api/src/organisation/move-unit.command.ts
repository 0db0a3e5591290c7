import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId } from '../shared/dto';
import { onUnit, parentChainOf } from './unit-command';

export class MoveUnitRequestDto {
  @EntityId({ example: 'city', description: 'The new parent; null or absent to make the unit a root.' }, true)
  parentId?: string | null;
}

export class MoveUnitCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: MoveUnitRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(MoveUnitCommand)
export class MoveUnitHandler implements ICommandHandler<MoveUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: MoveUnitCommand): Promise<CommandAccepted> {
    const parentId = body.parentId ?? null;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'MoveUnit', (_state, envelope) => ({
        type: 'MoveUnit',
        ...envelope,
        unitId,
        parentId,
        parentChain: parentChainOf(this.runner.models(), this.runner.orgUnits(), parentId),
      })),
    );
  }
}
