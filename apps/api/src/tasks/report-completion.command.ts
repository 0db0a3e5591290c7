import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { EvidenceHashes } from './evidence.dto';
import { onTask } from './task-command';

export class ReportCompletionRequestDto {
  @Text(10_000, { example: 'All 41 problem parcels rectified; list and photographs attached' })
  narrative!: string;

  @EvidenceHashes()
  evidence?: string[];
}

export class ReportCompletionCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: ReportCompletionRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 办结申请: the lead unit reports the task complete; it is done only once verified. */
@CommandHandler(ReportCompletionCommand)
export class ReportCompletionHandler implements ICommandHandler<ReportCompletionCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: ReportCompletionCommand): Promise<CommandAccepted> {
    const evidence = body.evidence ?? [];
    return this.runner.run(ctx, onTask(taskId, 'ReportCompletion', (_state, envelope) => ({ type: 'ReportCompletion', ...envelope, taskId, narrative: body.narrative, evidence })));
  }
}
