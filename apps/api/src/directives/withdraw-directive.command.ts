import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onDirective } from './directive-command';

export class WithdrawDirectiveRequestDto {
  @Text(2000, { example: 'Superseded by DEMO-衡督〔2018〕3号' })
  reason!: string;
}

export class WithdrawDirectiveCommand extends Command<CommandAccepted> {
  constructor(readonly directiveId: string, readonly body: WithdrawDirectiveRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(WithdrawDirectiveCommand)
export class WithdrawDirectiveHandler implements ICommandHandler<WithdrawDirectiveCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ directiveId, body, ctx }: WithdrawDirectiveCommand): Promise<CommandAccepted> {
    return this.runner.run(
      ctx,
      onDirective(directiveId, 'WithdrawDirective', (_state, envelope) => ({ type: 'WithdrawDirective', ...envelope, directiveId, reason: body.reason })),
    );
  }
}
