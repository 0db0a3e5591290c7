import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, PersonId, Text } from '../shared/dto';
import { onUnit } from './unit-command';

export class AppointDeputyRequestDto {
  @PersonId({ example: 'p-zh-deputy-land' })
  personId!: string;

  @Text(200, { example: 'Deputy District Head F' })
  name!: string;

  @Text(200, { example: 'Deputy District Head' })
  postTitle!: string;

  @Text(500, { example: 'Land and natural resources' })
  portfolio!: string;

  @CalendarDate({ example: '2018-03-01', description: 'First day in post.' })
  from!: string;
}

export class AppointDeputyCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: AppointDeputyRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(AppointDeputyCommand)
export class AppointDeputyHandler implements ICommandHandler<AppointDeputyCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: AppointDeputyCommand): Promise<CommandAccepted> {
    const { personId, name, postTitle, portfolio, from } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'AppointDeputy', (_state, envelope) => ({ type: 'AppointDeputy', ...envelope, unitId, personId, name, postTitle, portfolio, from })),
    );
  }
}
