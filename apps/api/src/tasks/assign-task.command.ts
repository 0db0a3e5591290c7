import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { dateOf } from '@ledger/domain';
import { TaskAssignmentDto } from '../directives/directive.dto';
import { requireKnownUnit, responsibleHeadOf } from '../organisation/unit-command';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { onTask } from './task-command';

export class AssignTaskRequestDto extends TaskAssignmentDto {}

export class AssignTaskCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: AssignTaskRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 交办 with the 5 clear; the responsible person is the lead unit's head on the day of assignment. */
@CommandHandler(AssignTaskCommand)
export class AssignTaskHandler implements ICommandHandler<AssignTaskCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ taskId, body, ctx }: AssignTaskCommand): Promise<CommandAccepted> {
    const { leadUnitId, work, deadline, expectedResult } = body;
    const coUnitIds = body.coUnitIds ?? [];
    const command = onTask(taskId, 'AssignTask', (_state, envelope) => {
      const models = this.runner.models();
      for (const co of coUnitIds) requireKnownUnit(models, co, 'coUnitIds');
      return {
        type: 'AssignTask',
        ...envelope,
        taskId,
        leadUnitId,
        coUnitIds,
        leadUnitHead: responsibleHeadOf(models, leadUnitId, dateOf(envelope.now)),
        work,
        deadline,
        expectedResult,
      };
    });
    // AssignTask is judged against the unit being made lead.
    return this.runner.run(ctx, { ...command, steps: [{ ...command.steps[0], targetUnit: () => leadUnitId }] });
  }
}
