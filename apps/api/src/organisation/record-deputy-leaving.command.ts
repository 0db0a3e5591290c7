import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate } from '../shared/dto';
import { onUnit } from './unit-command';

export class RecordDeputyLeavingRequestDto {
  @CalendarDate({ example: '2018-12-31', description: 'Last day in post.' })
  to!: string;
}

export class RecordDeputyLeavingCommand extends Command<CommandAccepted> {
  constructor(
    readonly unitId: string,
    readonly personId: string,
    readonly body: RecordDeputyLeavingRequestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordDeputyLeavingCommand)
export class RecordDeputyLeavingHandler implements ICommandHandler<RecordDeputyLeavingCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ unitId, personId, body, ctx }: RecordDeputyLeavingCommand): Promise<CommandAccepted> {
    return this.runner.run(
      ctx,
      onUnit(unitId, 'RecordDeputyLeaving', (_state, envelope) => ({ type: 'RecordDeputyLeaving', ...envelope, unitId, personId, to: body.to })),
    );
  }
}
