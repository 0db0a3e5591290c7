import { isImmutable } from 'immutable';
import { canonicalize, type RecordedEvent } from '@ledger/event-store';
import { DirectivesProjection, type DirectivesModel } from './directives/directives.projection';
import { NoticesProjection, type NoticesModel } from './notices/notices.projection';
import { OrganisationProjection, type OrganisationModel } from './organisation/organisation.projection';
import { project } from './projection';
import { SignOffsProjection, type SignOffsModel } from './signoffs/signoffs.projection';
import { TasksProjection, type TasksModel } from './tasks/tasks.projection';

/** Every read model the API serves, and the log position they reflect. */
export type LedgerReadModels = {
  readonly position: number;
  readonly organisation: OrganisationModel;
  readonly directives: DirectivesModel;
  readonly tasks: TasksModel;
  readonly notices: NoticesModel;
  readonly signOffs: SignOffsModel;
};

export const PROJECTIONS = [OrganisationProjection, DirectivesProjection, TasksProjection, NoticesProjection, SignOffsProjection] as const;

export function emptyReadModels(): LedgerReadModels {
  return {
    position: 0,
    organisation: OrganisationProjection.initialState(),
    directives: DirectivesProjection.initialState(),
    tasks: TasksProjection.initialState(),
    notices: NoticesProjection.initialState(),
    signOffs: SignOffsProjection.initialState(),
  };
}

/** The models after `events` (a contiguous page of the log, in position order). */
export function foldReadModels(models: LedgerReadModels, events: readonly RecordedEvent[]): LedgerReadModels {
  if (events.length === 0) return models;
  return {
    position: events[events.length - 1].position,
    organisation: project(OrganisationProjection, models.organisation, events),
    directives: project(DirectivesProjection, models.directives, events),
    tasks: project(TasksProjection, models.tasks, events),
    notices: project(NoticesProjection, models.notices, events),
    signOffs: project(SignOffsProjection, models.signOffs, events),
  };
}

/** Plain JSON of the models (immutable collections converted, map keys sorted by RFC 8785): for comparing rebuilds. */
export function readModelsToJson(models: LedgerReadModels): string {
  return canonicalize(toPlain(models) as never);
}

function toPlain(value: unknown): unknown {
  if (isImmutable(value)) return toPlain((value as { toJS(): unknown }).toJS());
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  }
  return value;
}
