import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { domainError, TIMELINESS_VALUES, type Actor, type TaskStatus, type Timeliness } from '@ledger/domain';
import { subtreeOf, taskTimelinessOn, type TaskView } from '@ledger/projections';
import { PageQueryDto, paginate, QueryContext } from '../read-models/queries';
import { taskRepresentation } from '../read-models/representations';
import { CalendarDate, EntityId } from '../shared/dto';
import { LedgerTime } from '../shared/ledger-time';

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
}

/** The tasks read model and the timelines, within the caller's read scope. */
@Injectable()
export class TaskQueries {
  constructor(
    private readonly context: QueryContext,
    private readonly time: LedgerTime,
  ) {}

  list(actor: Actor, query: TaskListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const asOf = query.asOf ?? this.time.today();
    const units = query.unitId === undefined ? null : query.subtree ? subtreeOf(models.organisation, query.unitId) : new Set([query.unitId]);
    const role = query.unitRole ?? 'any';
    const documentNumber = query.documentNumber?.normalize('NFC');
    const directiveOf = (view: TaskView) => models.directives.directives.get(view.record.directiveId);
    const matchesUnit = (view: TaskView): boolean => {
      if (units === null) return true;
      const assignment = view.record.assignment;
      if (!assignment) return false;
      const lead = units.has(assignment.leadUnitId);
      const co = assignment.coUnitIds.some((id) => units.has(id));
      return role === 'lead' ? lead : role === 'co' ? co : lead || co;
    };
    // Filter and sort the views, and build representations only for the page served: with tens of thousands of
    // tasks, building every row first was most of a list request's time.
    const matching = [...models.tasks.tasks.values()].filter(
      (view) =>
        matchesUnit(view) &&
        (query.status === undefined || view.record.status === query.status) &&
        (query.directiveId === undefined || view.record.directiveId === query.directiveId) &&
        (documentNumber === undefined || directiveOf(view)?.record.documentNumber === documentNumber) &&
        (query.deadlineFrom === undefined || (view.record.deadline !== null && view.record.deadline >= query.deadlineFrom)) &&
        (query.deadlineTo === undefined || (view.record.deadline !== null && view.record.deadline <= query.deadlineTo)) &&
        scope.task(view) &&
        (query.timeliness === undefined || taskTimelinessOn(view, asOf) === query.timeliness),
    );
    matching.sort(
      (a, b) => compare(a.record.deadline ?? '9999-99-99', b.record.deadline ?? '9999-99-99') || compare(a.record.taskId, b.record.taskId),
    );
    const page = paginate(matching, query.page, query.pageSize);
    const items = page.items.map((view) => ({
      ...taskRepresentation(view),
      documentNumber: directiveOf(view)?.record.documentNumber ?? null,
      asOf,
      timeliness: taskTimelinessOn(view, asOf),
    }));
    return { ...page, items, asOf };
  }

  get(actor: Actor, taskId: string) {
    return taskRepresentation(this.readable(actor, taskId));
  }

  /** Every event of the task: type, fields, actor with role and unit, occurred-at and recorded-at. */
  timeline(actor: Actor, taskId: string) {
    const view = this.readable(actor, taskId);
    return { taskId, version: view.version, items: view.timeline };
  }

  private readable(actor: Actor, taskId: string): TaskView {
    const { models, scope } = this.context.for(actor);
    const view = models.tasks.tasks.get(taskId);
    if (!view) throw domainError('TASK.NOT_FOUND', { task: taskId });
    const owner = view.record.assignment?.leadUnitId ?? models.directives.directives.get(view.record.directiveId)?.record.issuer.unitId ?? '—';
    scope.require(scope.task(view), owner);
    return view;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
