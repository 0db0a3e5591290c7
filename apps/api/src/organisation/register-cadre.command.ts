import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, PersonId, Text } from '../shared/dto';
import { onUnit } from './unit-command';

export class RegisterCadreRequestDto {
  @PersonId({ example: 'p-zh-staff' })
  personId!: string;

  @Text(200, { example: 'Staff Member G' })
  name!: string;

  @Text(200, { example: 'Section Chief, Land Office' })
  postTitle!: string;

  @CalendarDate({ example: '2017-07-01' })
  from!: string;
}

export class RegisterCadreCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: RegisterCadreRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RegisterCadreCommand)
export class RegisterCadreHandler implements ICommandHandler<RegisterCadreCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: RegisterCadreCommand): Promise<CommandAccepted> {
    const { personId, name, postTitle, from } = body;
    return this.runner.run(
      ctx,
      onUnit(unitId, 'RegisterCadre', (_state, envelope) => ({ type: 'RegisterCadre', ...envelope, unitId, personId, name, postTitle, from })),
    );
  }
}
