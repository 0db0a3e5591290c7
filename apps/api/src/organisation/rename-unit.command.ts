import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ValidateNested, IsDefined } from 'class-validator';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { onUnit } from './unit-command';
import { UnitNamesDto } from './unit-names.dto';

export class RenameUnitRequestDto {
  @ApiProperty({ type: UnitNamesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => UnitNamesDto)
  names!: UnitNamesDto;
}

export class RenameUnitCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: RenameUnitRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RenameUnitCommand)
export class RenameUnitHandler implements ICommandHandler<RenameUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: RenameUnitCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onUnit(unitId, 'RenameUnit', (_state, envelope) => ({ type: 'RenameUnit', ...envelope, unitId, names: { ...body.names } })));
  }
}
