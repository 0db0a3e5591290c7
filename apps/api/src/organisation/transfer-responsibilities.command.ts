import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, ValidateNested } from 'class-validator';
import { dateOf, TRANSFERRED_ITEM_KINDS, type TransferredItem } from '@ledger/domain';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { appError } from '../shared/app-errors';
import { EntityId, Text } from '../shared/dto';
import { onTask } from '../tasks/task-command';
import { onUnit, requireKnownUnit, responsibleHeadOf } from './unit-command';

export class TransferredItemDto {
  @ApiProperty({ enum: TRANSFERRED_ITEM_KINDS, example: 'task' })
  @IsIn(TRANSFERRED_ITEM_KINDS)
  kind!: TransferredItem['kind'];

  @EntityId({ example: 't4-zh' })
  id!: string;
}

export class TransferResponsibilitiesRequestDto {
  @EntityId({ example: 'zh-new', description: 'One of the dissolved unit\'s successors.' })
  successorId!: string;

  @ApiProperty({ type: [TransferredItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TransferredItemDto)
  items!: TransferredItemDto[];

  @Text(2000, { example: 'Open tasks of the merged district pass to the new district' })
  reason!: string;
}

export type ResponsibilitiesTransferredResult = CommandAccepted & { readonly tasks: readonly CommandAccepted[] };

export class TransferResponsibilitiesCommand extends Command<ResponsibilitiesTransferredResult> {
  constructor(readonly unitId: string, readonly body: TransferResponsibilitiesRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/**
 * Records on the dissolved unit which tasks and objectives pass to which successor, and moves each task there
 * (TaskTransferred, with the successor's head as the new responsible person). Every part is decided before
 * anything is written; a retry with the same Idempotency-Key completes a request a failure cut short.
 */
@CommandHandler(TransferResponsibilitiesCommand)
export class TransferResponsibilitiesHandler implements ICommandHandler<TransferResponsibilitiesCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ unitId, body, ctx }: TransferResponsibilitiesCommand): Promise<ResponsibilitiesTransferredResult> {
    const { successorId, reason } = body;
    const items = body.items.map(({ kind, id }) => ({ kind, id }));
    const scope = await this.runner.begin(ctx);
    requireKnownUnit(scope.models(), successorId, 'successorId');
    const unitDecision = await scope.decide(
      onUnit(unitId, 'TransferResponsibilities', (_state, envelope) => ({ type: 'TransferResponsibilities', ...envelope, unitId, successorId, items, reason })),
    );
    const taskDecisions = [];
    for (const item of items.filter((entry) => entry.kind === 'task')) {
      taskDecisions.push(
        await scope.decide(
          onTask(
            item.id,
            'TransferTask',
            (state, envelope) => {
              const lead = state.status === 'none' ? null : (state.assignment?.leadUnitId ?? null);
              if (lead !== unitId) throw appError('TASK.NOT_A_TASK_OF_UNIT', { task: item.id, unit: unitId }, 'items');
              return {
                type: 'TransferTask',
                ...envelope,
                taskId: item.id,
                toUnitId: successorId,
                leadUnitHead: responsibleHeadOf(scope.models(), successorId, dateOf(envelope.now)),
                reason,
              };
            },
            `task-${item.id}`,
          ),
        ),
      );
    }
    const accepted = await scope.append(unitDecision);
    const tasks: CommandAccepted[] = [];
    for (const decision of taskDecisions) tasks.push(await scope.append(decision));
    return { ...accepted, tasks };
  }
}
