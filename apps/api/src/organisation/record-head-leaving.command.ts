import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, PersonId } from '../shared/dto';
import { onUnit } from './unit-command';

export class RecordHeadLeavingRequestDto {
  @PersonId({ example: 'p-zh-head' })
  personId!: string;

  @CalendarDate({ example: '2018-11-15', description: 'Last day in post.' })
  to!: string;
}

export class RecordHeadLeavingCommand extends Command<CommandAccepted> {
  constructor(readonly unitId: string, readonly body: RecordHeadLeavingRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RecordHeadLeavingCommand)
export class RecordHeadLeavingHandler implements ICommandHandler<RecordHeadLeavingCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, body, ctx }: RecordHeadLeavingCommand): Promise<CommandAccepted> {
    return this.runner.run(
      ctx,
      onUnit(unitId, 'RecordHeadLeaving', (_state, envelope) => ({ type: 'RecordHeadLeaving', ...envelope, unitId, personId: body.personId, to: body.to })),
    );
  }
}
