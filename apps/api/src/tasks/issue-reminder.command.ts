import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsIn } from 'class-validator';
import { REMINDER_CHANNELS, type ReminderChannel } from '@ledger/domain';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { onTask } from './task-command';

export class IssueReminderRequestDto {
  @Text(5000, { example: 'T4 is behind schedule: report the rectification list by 2018-10-20' })
  message!: string;

  @ApiProperty({ enum: REMINDER_CHANNELS, example: 'official_document' })
  @IsIn(REMINDER_CHANNELS)
  channel!: ReminderChannel;
}

export class IssueReminderCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: IssueReminderRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 催办 / đôn đốc: a reminder to the lead unit, by the inspection office or a leader. */
@CommandHandler(IssueReminderCommand)
export class IssueReminderHandler implements ICommandHandler<IssueReminderCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: IssueReminderCommand): Promise<CommandAccepted> {
    return this.runner.run(ctx, onTask(taskId, 'IssueReminder', (_state, envelope) => ({ type: 'IssueReminder', ...envelope, taskId, message: body.message, channel: body.channel })));
  }
}
