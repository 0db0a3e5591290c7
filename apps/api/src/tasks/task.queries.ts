import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { domainError, TIMELINESS_VALUES, type Actor, type TaskStatus, type Timeliness } from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { isTaskSortKey, queryTasks, subtreeOf, taskTimelinessOn, timelineOf, type LedgerReadModels, type OrganisationModel, type Partition, type TaskView } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { PlainMapMirror } from '../read-models/plain-map-mirror';
import { PageQueryDto, QueryContext } from '../read-models/queries';
import { taskRepresentation } from '../read-models/representations';
import { CalendarDate, EntityId } from '../shared/dto';
import { LedgerTime } from '../shared/ledger-time';
import { extendedObject, jsonText, objectWithArray, PrebuiltJson } from '../shared/prebuilt-json';
import { LeadCoverage } from './lead-coverage';

const TASK_STATUSES: readonly TaskStatus[] = [
  'registered',
  'assigned',
  'acknowledged',
  'in_progress',
  'completion_reported',
  'returned',
  'verified',
  'closed',
  'cancelled',
];

export class TaskListQueryDto extends PageQueryDto {
  @EntityId({ example: 'zh', description: 'Tasks where this unit is the lead unit or a co-unit (see `unitRole`).' }, true)
  unitId?: string;

  @ApiPropertyOptional({ enum: ['lead', 'co', 'any'], default: 'any' })
  @IsOptional()
  @IsIn(['lead', 'co', 'any'])
  unitRole?: 'lead' | 'co' | 'any';

  @ApiPropertyOptional({ type: Boolean, example: true, description: 'Include the units below `unitId`.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  subtree?: boolean;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TIMELINESS_VALUES, example: 'not_done_overdue', description: 'As of `asOf`.' })
  @IsOptional()
  @IsIn(TIMELINESS_VALUES)
  timeliness?: Timeliness;

  @CalendarDate({ example: '2018-11-01', description: 'The day timeliness is judged on (from the events that had happened by its end); default today.' }, true)
  asOf?: string;

  @CalendarDate({ example: '2018-10-01', description: 'Deadline in force on or after this day.' }, true)
  deadlineFrom?: string;

  @CalendarDate({ example: '2018-12-31', description: 'Deadline in force on or before this day.' }, true)
  deadlineTo?: string;

  @EntityId({ example: 'd-2018-1' }, true)
  directiveId?: string;

  @ApiPropertyOptional({ example: 'DEMO-衡督〔2018〕1号', description: 'The directive\'s document number.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  documentNumber?: string;

  @ApiPropertyOptional({
    example: 'MjAxOC0xMC0zMQB0NC16aA',
    description: 'A stable place in the list: the `nextCursor` of the previous page. The page then starts after it (`page` counts on from there); tasks added or changed meanwhile never shift it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @ValidateBy({ name: 'isTaskCursor', validator: { validate: (value: unknown) => typeof value === 'string' && decodeCursor(value) !== null, defaultMessage: () => '$property must be a nextCursor returned by an earlier page' } })
  cursor?: string;
}

/** A list cursor: the sort key (deadline, task id) of the last task served, base64url. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return isTaskSortKey(key) && encodeCursor(key) === cursor ? key : null;
}

/** Each unit's subtree, per organisation model (subtreeOf walks every unit). */
const subtrees = new WeakMap<OrganisationModel, Map<string, ReadonlySet<string>>>();

function cachedSubtree(organisation: OrganisationModel, unitId: string): ReadonlySet<string> {
  let byUnit = subtrees.get(organisation);
  if (!byUnit) subtrees.set(organisation, (byUnit = new Map()));
  let units = byUnit.get(unitId);
  if (!units) byUnit.set(unitId, (units = subtreeOf(organisation, unitId)));
  return units;
}

/**
 * A Set of one unit per unit, per organisation model: the task list keeps a union of a Set of units' keys (moved on
 * by what changed) per Set it is asked with, so a Set made per request would be a new union each time. Only units the
 * organisation has are kept (a query may name any string).
 */
const singleUnits = new WeakMap<OrganisationModel, Map<string, ReadonlySet<string>>>();

function cachedUnit(organisation: OrganisationModel, unitId: string): ReadonlySet<string> {
  if (!organisation.units.has(unitId)) return new Set([unitId]);
  let byUnit = singleUnits.get(organisation);
  if (!byUnit) singleUnits.set(organisation, (byUnit = new Map()));
  let units = byUnit.get(unitId);
  if (!units) byUnit.set(unitId, (units = new Set([unitId])));
  return units;
}

/**
 * Each directive's document number as list items name it, per version of the directives Map (replaced whenever a
 * directive changes, which is rare beside task changes): a plain Map lookup per item instead of a walk of the
 * Immutable one. Weak: a replaced version goes with its entry.
 */
const documentNumbers = new WeakMap<object, Map<string, string | null>>();

function documentNumbersOf(directives: object): Map<string, string | null> {
  let numbers = documentNumbers.get(directives);
  if (numbers === undefined) documentNumbers.set(directives, (numbers = new Map()));
  return numbers;
}

/** The members a list item has besides its task's representation, in this order. */
const LIST_MEMBERS = ['documentNumber', 'asOf', 'timeliness'] as const;

function listMembers(view: TaskView, documentNumberOf: (view: TaskView) => string | null, asOf: string) {
  return { documentNumber: documentNumberOf(view), asOf, timeliness: taskTimelinessOn(view, asOf) };
}

/** The tasks read model and the timelines, within the caller's read scope. */
@Injectable()
export class TaskQueries {
  private readonly leadCoverage = new LeadCoverage();
  /** The tasks and the index's partitions as plain Maps, moved on to each version a list is asked of. */
  private readonly tasksMirror = new PlainMapMirror<TaskView>();
  private readonly partitionsMirror = new PlainMapMirror<Partition>();

  constructor(
    private readonly context: QueryContext,
    private readonly time: LedgerTime,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  list(actor: Actor, query: TaskListQueryDto) {
    const { views, documentNumberOf, asOf, envelope } = this.page(actor, query);
    // Representations only for the page served.
    const items = views.map((view) => ({ ...taskRepresentation(view), ...listMembers(view, documentNumberOf, asOf) }));
    return { items, ...envelope };
  }

  /** `list` as the JSON the HTTP response carries: each item from its view's cached JSON and its three list members. */
  listJson(actor: Actor, query: TaskListQueryDto): PrebuiltJson {
    const { views, documentNumberOf, asOf, envelope } = this.page(actor, query);
    const items = views.map((view) => {
      const members = listMembers(view, documentNumberOf, asOf);
      // A record that had one of the list's own members would keep that member in its place: made as list() does.
      return LIST_MEMBERS.some((key) => Object.hasOwn(view.record, key)) ? jsonText({ ...taskRepresentation(view), ...members }) : extendedObject(this.representationJson(view), members);
    });
    return new PrebuiltJson(objectWithArray({}, 'items', items, envelope));
  }

  get(actor: Actor, taskId: string) {
    return taskRepresentation(this.readable(actor, taskId));
  }

  /** `get` as the JSON the HTTP response carries (made once per view). */
  getJson(actor: Actor, taskId: string): PrebuiltJson {
    const view = this.readable(actor, taskId);
    return new PrebuiltJson(this.representationJson(view), view.version);
  }

  /**
   * Every event of the task: type, fields, actor with role and unit, occurred-at and recorded-at. Read from the log
   * (the view keeps no event's data), as far as the models the scope was checked on reflect it: the timeline of
   * that version of the task, whatever the log gained since.
   */
  async timeline(actor: Actor, taskId: string) {
    const { models, view } = this.readableIn(actor, taskId);
    const stream = await this.store.readStream(`task-${taskId}`);
    return { taskId, version: view.version, items: timelineOf(stream, models.position) };
  }

  /**
   * `timeline` as the JSON the HTTP response carries. Made per request, not kept: a timeline is about twice a
   * representation's size (~1.5 KB against ~0.77 KB at the 50k-task seed), and one is read far less often per
   * version of its task than the representation, which list pages and GETs share (bench:api: a task changes about
   * every 55 s, its timeline is read about every 110 s), so keeping them would hold ~80 MB for few hits.
   */
  async timelineJson(actor: Actor, taskId: string): Promise<PrebuiltJson> {
    const timeline = await this.timeline(actor, taskId);
    return new PrebuiltJson(jsonText(timeline), timeline.version);
  }

  /**
   * JSON of each task view's representation, made the first time one is served (a GET, or an item of a list page).
   * A view is an immutable snapshot, replaced (never changed) when its task changes: the entries of replaced views go
   * with them. Their cost: ~0.77 KB per task at bench:api's 50k-task seed (~40 MB once every task has been read).
   */
  private readonly representations = new WeakMap<TaskView, string>();

  private representationJson(view: TaskView): string {
    let json = this.representations.get(view);
    if (json === undefined) this.representations.set(view, (json = jsonText(taskRepresentation(view))));
    return json;
  }

  /** The page of task views the list query asks for, and the members of the list besides its items (in order). */
  private page(actor: Actor, query: TaskListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const asOf = query.asOf ?? this.time.today();
    const units = query.unitId === undefined ? null : query.subtree ? cachedSubtree(models.organisation, query.unitId) : cachedUnit(models.organisation, query.unitId);
    const numbers = documentNumbersOf(models.directives.directives);
    const documentNumberOf = (view: TaskView) => {
      const directiveId = view.record.directiveId;
      let number = numbers.get(directiveId);
      if (number === undefined) numbers.set(directiveId, (number = models.directives.directives.get(directiveId)?.record.documentNumber ?? null));
      return number;
    };
    let directiveIds: Set<string> | undefined;
    if (query.directiveId !== undefined) directiveIds = new Set([query.directiveId]);
    if (query.documentNumber !== undefined) {
      const documentNumber = query.documentNumber.normalize('NFC');
      const numbered = new Set<string>();
      for (const [directiveId, view] of models.directives.directives) {
        if (view.record.documentNumber === documentNumber && (directiveIds === undefined || directiveIds.has(directiveId))) numbered.add(directiveId);
      }
      directiveIds = numbered;
    }
    // Read scope: what the indexes know (tasks led or co-led by a readable unit), and the rest of the rule per task.
    const readable =
      scope.units === null
        ? undefined
        : {
            units: scope.units,
            otherwise: (view: TaskView) => scope.taskOtherwise(view),
            everyDatedTaskLed: units === null ? this.leadCoverage.everyDatedTaskLed(models.tasks, scope.units) : undefined,
          };
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const tasks = this.tasksMirror.sync(models.tasks.tasks);
    const partitions = this.partitionsMirror.sync(models.tasks.partitions);
    const answer = queryTasks(tasks, models.tasks, {
      units,
      unitRole: query.unitRole ?? 'any',
      status: query.status,
      timeliness: query.timeliness,
      asOf,
      deadlineFrom: query.deadlineFrom,
      deadlineTo: query.deadlineTo,
      directiveIds,
      readable,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor)!,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    }, partitions);
    const envelope = { page, pageSize, total: answer.total, asOf, nextCursor: answer.next === null ? null : encodeCursor(answer.next) };
    return { views: answer.views, documentNumberOf, asOf, envelope };
  }

  private readable(actor: Actor, taskId: string): TaskView {
    return this.readableIn(actor, taskId).view;
  }

  /** The task's view in the caller's read scope, and the models snapshot it was found in. */
  private readableIn(actor: Actor, taskId: string): { models: LedgerReadModels; view: TaskView } {
    const { models, scope } = this.context.for(actor);
    const view = models.tasks.tasks.get(taskId);
    if (!view) throw domainError('TASK.NOT_FOUND', { task: taskId });
    const owner = view.record.assignment?.leadUnitId ?? models.directives.directives.get(view.record.directiveId)?.record.issuer.unitId ?? '—';
    scope.require(scope.task(view), owner);
    return { models, view };
  }
}
