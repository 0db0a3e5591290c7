import { ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsBoolean, IsOptional } from 'class-validator';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, PersonId, Text } from '../shared/dto';
import { onUnit } from './unit-command';

export class AppointHeadRequestDto {
  @PersonId({ example: 'p-zh-head-c2' })
  personId!: string;

  @Text(200, { example: 'District Head C2' })
  name!: string;

  @Text(200, { example: 'District Head' })
  postTitle!: string;

  @CalendarDate({ example: '2018-11-15', description: 'First day in post.' })
  from!: string;

  @ApiPropertyOptional({ example: true, description: 'The head in post leaves on `from` (a handover); without it, appointing over a head in post is refused.' })
  @IsOptional()
  @IsBoolean()
  replace?: boolean;
}

export class AppointHeadCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: AppointHeadRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(AppointHeadCommand)
export class AppointHeadHandler implements ICommandHandler<AppointHeadCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: AppointHeadCommand): Promise<CommandAccepted> {
    const { personId, name, postTitle, from, replace } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'AppointHead', (_state, envelope) => ({ type: 'AppointHead', ...envelope, unitId, personId, name, postTitle, from, replace })),
    );
  }
}
