import {
  domainError,
  taskDecider,
  taskStreamId,
  type TaskCommand,
  type TaskCommandType,
  type TaskEvent,
  type TaskState,
} from '@ledger/domain';
import type { LedgerReadModels } from '@ledger/projections';
import type { Envelope, StreamCommand } from '../shared/command-runner';

/**
 * The unit a task command is judged against (AUTHORIZATION target `lead-unit`): the task's lead unit; before
 * assignment, the unit that issued its directive (the task belongs to the issuer's side until it is handed over).
 */
export function taskUnitOf(state: TaskState, models: LedgerReadModels): string | null {
  if (state.status === 'none') return null;
  return state.assignment?.leadUnitId ?? models.directives.directives.get(state.directiveId)?.record.issuer.unitId ?? null;
}

/** A command on `task-<id>`. */
export function onTask(
  taskId: string,
  commandType: TaskCommandType,
  build: (state: TaskState, envelope: Envelope) => TaskCommand,
  part?: string,
): StreamCommand<TaskState, TaskCommand, TaskEvent> {
  return {
    decider: taskDecider,
    streamId: taskStreamId(taskId),
    aggregateId: taskId,
    notFound: () => domainError('TASK.NOT_FOUND', { task: taskId }),
    steps: [{ commandType, targetUnit: taskUnitOf, build }],
    part,
    held: (models) => {
      // The tasks model folds `task-<id>` with the same decider; a view under another id is not this stream's.
      const view = models.tasks.tasks.get(taskId);
      return view !== undefined && view.taskId === taskId ? { state: view.record, version: view.version } : undefined;
    },
  };
}
