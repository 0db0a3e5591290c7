import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsIn, ValidateNested, IsDefined } from 'class-validator';
import { domainError, unitDecider, unitStreamId, UNIT_KINDS, type UnitKind } from '@ledger/domain';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId } from '../shared/dto';
import { UnitNamesDto } from './unit-names.dto';
import { parentChainOf } from './unit-command';

export class RegisterUnitRequestDto {
  @EntityId({ example: 'zh', description: 'The new unit\'s id (part of its stream id `unit-<id>`).' })
  unitId!: string;

  @ApiProperty({ type: UnitNamesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => UnitNamesDto)
  names!: UnitNamesDto;

  @ApiProperty({ enum: UNIT_KINDS, example: 'district' })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;

  @EntityId({ example: 'city', description: 'The parent unit; null or absent for a root unit.' }, true)
  parentId?: string | null;
}

export class RegisterUnitCommand extends Command<CommandAccepted> {
  constructor(
    readonly body: RegisterUnitRequestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterUnitCommand)
export class RegisterUnitHandler implements ICommandHandler<RegisterUnitCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ body, ctx }: RegisterUnitCommand): Promise<CommandAccepted> {
    const { unitId, names, kind } = body;
    const parentId = body.parentId ?? null;
    return this.runner.run(ctx, {
      decider: unitDecider,
      streamId: unitStreamId(unitId),
      aggregateId: unitId,
      creates: true,
      steps: [
        {
          commandType: 'RegisterUnit',
          targetUnit: () => parentId,
          build: (_state, envelope) => ({
            type: 'RegisterUnit' as const,
            ...envelope,
            unitId,
            names: { ...names },
            kind,
            parentId,
            parentChain: parentChainOf(this.runner.models(), this.runner.orgUnits(), parentId),
          }),
        },
      ],
      notFound: () => domainError('UNIT.NOT_FOUND', { unit: unitId }),
    });
  }
}
