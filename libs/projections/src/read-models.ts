import { isImmutable } from 'immutable';
import { canonicalize, type RecordedEvent } from '@ledger/event-store';
import {
  AppraisalCyclesProjection,
  CasesProjection,
  InspectionsProjection,
  InterviewsProjection,
  LettersProjection,
  ObjectivesProjection,
  RuleSetsProjection,
} from './accountability-records/accountability-records.projection';
import { DirectivesProjection, type DirectivesModel } from './directives/directives.projection';
import { NoticesProjection, type NoticesModel } from './notices/notices.projection';
import { OrganisationProjection, type OrganisationModel } from './organisation/organisation.projection';
import { project, projectOwn, type Projection } from './projection';
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
  /** Issue 4's records, one view per stream (see accountability-records/). */
  readonly letters: ReturnType<typeof LettersProjection.initialState>;
  readonly objectives: ReturnType<typeof ObjectivesProjection.initialState>;
  readonly inspections: ReturnType<typeof InspectionsProjection.initialState>;
  readonly interviews: ReturnType<typeof InterviewsProjection.initialState>;
  readonly appraisalCycles: ReturnType<typeof AppraisalCyclesProjection.initialState>;
  readonly cases: ReturnType<typeof CasesProjection.initialState>;
  /** Grading rule sets published in the ledger (the built-in ones are code). */
  readonly ruleSets: ReturnType<typeof RuleSetsProjection.initialState>;
};

/**
 * The models kept durably in the read-model store (libs/read-store), by their field in `LedgerReadModels`: all of
 * them. (The audit queries keep no model: they read the log through its indexes, see `audit-trail/audit-log.ts`.)
 */
export const DURABLE_READ_MODELS = {
  organisation: OrganisationProjection,
  directives: DirectivesProjection,
  tasks: TasksProjection,
  notices: NoticesProjection,
  signOffs: SignOffsProjection,
  letters: LettersProjection,
  objectives: ObjectivesProjection,
  inspections: InspectionsProjection,
  interviews: InterviewsProjection,
  appraisalCycles: AppraisalCyclesProjection,
  cases: CasesProjection,
  ruleSets: RuleSetsProjection,
} as const;

export type DurableReadModelField = keyof typeof DURABLE_READ_MODELS;

/** Per model, the position it already reflects: events at or below it are not folded into it again. */
export type ReadModelPositions = Partial<Record<Exclude<keyof LedgerReadModels, 'position'>, number>>;

export const PROJECTIONS = [OrganisationProjection, DirectivesProjection, TasksProjection, NoticesProjection, SignOffsProjection, LettersProjection, ObjectivesProjection, InspectionsProjection, InterviewsProjection, AppraisalCyclesProjection, CasesProjection, RuleSetsProjection] as const;

export function emptyReadModels(): LedgerReadModels {
  return {
    position: 0,
    organisation: OrganisationProjection.initialState(),
    directives: DirectivesProjection.initialState(),
    tasks: TasksProjection.initialState(),
    notices: NoticesProjection.initialState(),
    signOffs: SignOffsProjection.initialState(),
    letters: LettersProjection.initialState(),
    objectives: ObjectivesProjection.initialState(),
    inspections: InspectionsProjection.initialState(),
    interviews: InterviewsProjection.initialState(),
    appraisalCycles: AppraisalCyclesProjection.initialState(),
    cases: CasesProjection.initialState(),
    ruleSets: RuleSetsProjection.initialState(),
  };
}

/**
 * The models after `events` (a contiguous page of the log, in position order). With `since`, each model named
 * there skips the events at or below its position (models hydrated from the read-model store at their checkpoints).
 */
export function foldReadModels(models: LedgerReadModels, events: readonly RecordedEvent[], since?: ReadModelPositions): LedgerReadModels {
  if (events.length === 0) return models;
  if (since !== undefined) return foldSince(models, events, since);
  // One pass over the page hands each projection the events it reads; a projection with none keeps its model.
  const pages: RecordedEvent[][] = FOLDED.map(() => []);
  for (const event of events) {
    const readers = READERS_BY_TYPE.get(event.type);
    if (readers !== undefined) for (const i of readers) pages[i].push(event);
  }
  const out: Record<string, unknown> = { position: events[events.length - 1].position };
  for (let i = 0; i < FOLDED.length; i++) {
    const [field, projection] = FOLDED[i];
    out[field] = pages[i].length === 0 ? models[field] : projectOwn(projection, models[field], pages[i]);
  }
  return out as LedgerReadModels;
}

type ModelField = Exclude<keyof LedgerReadModels, 'position'>;

/** Every model with its projection, in the order of `LedgerReadModels`' fields. */
const FOLDED: ReadonlyArray<readonly [ModelField, Projection<unknown>]> = (
  [
    ['organisation', OrganisationProjection],
    ['directives', DirectivesProjection],
    ['tasks', TasksProjection],
    ['notices', NoticesProjection],
    ['signOffs', SignOffsProjection],
    ['letters', LettersProjection],
    ['objectives', ObjectivesProjection],
    ['inspections', InspectionsProjection],
    ['interviews', InterviewsProjection],
    ['appraisalCycles', AppraisalCyclesProjection],
    ['cases', CasesProjection],
    ['ruleSets', RuleSetsProjection],
  ] as const
).map(([field, projection]) => [field, projection as Projection<unknown>] as const);

/** For each event type, the indexes in FOLDED of the projections that read it. */
const READERS_BY_TYPE: ReadonlyMap<string, readonly number[]> = (() => {
  const readers = new Map<string, number[]>();
  FOLDED.forEach(([, projection], i) => {
    for (const type of projection.eventTypes) readers.set(type, [...(readers.get(type) ?? []), i]);
  });
  return readers;
})();

function foldSince(models: LedgerReadModels, events: readonly RecordedEvent[], since: ReadModelPositions): LedgerReadModels {
  const out: Record<string, unknown> = { ...models, position: events[events.length - 1].position };
  for (const [field, projection] of Object.entries(PROJECTION_BY_FIELD) as Array<[keyof ReadModelPositions, Projection<unknown>]>) {
    const position = since[field];
    const page = position === undefined || position < events[0].position ? events : events.filter((event) => event.position > position);
    out[field] = project(projection, models[field], page);
  }
  return out as LedgerReadModels;
}

const PROJECTION_BY_FIELD = DURABLE_READ_MODELS;

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
