import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ValidateNested, IsDefined } from 'class-validator';
import { domainError } from '@ledger/domain';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { DirectiveChangesDto } from './directive.dto';
import { onDirective } from './directive-command';

export class AmendDirectiveRequestDto {
  @ApiProperty({ type: DirectiveChangesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DirectiveChangesDto)
  changes!: DirectiveChangesDto;

  @Text(2000, { example: 'The meeting date was entered wrongly' })
  reason!: string;
}

export class AmendDirectiveCommand extends Command<CommandAccepted> {
  constructor(readonly directiveId: string, readonly body: AmendDirectiveRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(AmendDirectiveCommand)
export class AmendDirectiveHandler implements ICommandHandler<AmendDirectiveCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ directiveId, body, ctx }: AmendDirectiveCommand): Promise<CommandAccepted> {
    const { title, body: text, meeting, addTaskIds } = body.changes;
    const changes = {
      ...(title !== undefined ? { title } : {}),
      ...(text !== undefined ? { body: text } : {}),
      ...(meeting !== undefined ? { meeting: meeting === null ? null : { name: meeting.name, date: meeting.date } } : {}),
      ...(addTaskIds !== undefined ? { addTaskIds } : {}),
    };
    return this.runner.run(
      ctx,
      onDirective(directiveId, 'AmendDirective', (_state, envelope) => {
        // A task joins a directive by being registered under it first (POST /v1/tasks).
        const tasks = this.runner.models().tasks.tasks;
        for (const taskId of addTaskIds ?? []) {
          if (tasks.get(taskId)?.record.directiveId !== directiveId) throw domainError('TASK.NOT_FOUND', { task: taskId, field: 'changes.addTaskIds' });
        }
        return { type: 'AmendDirective', ...envelope, directiveId, changes, reason: body.reason };
      }),
    );
  }
}
