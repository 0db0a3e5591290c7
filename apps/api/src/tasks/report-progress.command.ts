import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNumber, Max, Min } from 'class-validator';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { Text } from '../shared/dto';
import { EvidenceHashes } from './evidence.dto';
import { onTask } from './task-command';

export class ReportProgressRequestDto {
  @ApiProperty({ example: 60, minimum: 0, maximum: 100 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  percent!: number;

  @Text(10_000, { example: '30 of 50 problem parcels rectified' })
  narrative!: string;

  @EvidenceHashes()
  evidence?: string[];
}

export class ReportProgressCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: ReportProgressRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 反馈: progress by the lead unit; it never goes down, except in the first report after a return for redo. */
@CommandHandler(ReportProgressCommand)
export class ReportProgressHandler implements ICommandHandler<ReportProgressCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: ReportProgressCommand): Promise<CommandAccepted> {
    const { percent, narrative } = body;
    const evidence = body.evidence ?? [];
    return this.runner.run(ctx, onTask(taskId, 'ReportProgress', (_state, envelope) => ({ type: 'ReportProgress', ...envelope, taskId, percent, narrative, evidence })));
  }
}
