import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { parseStreamId, type Actor } from '@ledger/domain';
import type { LedgerReadModels, SignOffView } from '@ledger/projections';
import { List } from 'immutable';
import { PageQueryDto, paginate, QueryContext } from '../read-models/queries';
import type { ReadScope } from '../read-models/read-scope';
import { appError } from '../shared/app-errors';

export class SignOffListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'task-t4-zx', description: 'Sign-offs of this record.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+-[a-z0-9-]+$/, { message: '$property must be a stream id' })
  streamId?: string;
}

/** Who approved what, when, in which role, and the hash of exactly what they saw. */
@Injectable()
export class SignOffQueries {
  constructor(private readonly context: QueryContext) {}

  list(actor: Actor, query: SignOffListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const ids = query.streamId === undefined ? [...models.signOffs.signOffs.keys()] : models.signOffs.byStream.get(query.streamId, List<string>()).toArray();
    const items = ids
      .map((id) => models.signOffs.signOffs.get(id)!)
      .filter((view) => readable(view, models, scope))
      .sort((a, b) => a.recorded.position - b.recorded.position);
    return paginate(items, query.page, query.pageSize);
  }

  get(actor: Actor, signOffId: string) {
    const { models, scope } = this.context.for(actor);
    const view = models.signOffs.signOffs.get(signOffId);
    if (!view) throw appError('SIGNOFF.NOT_FOUND', { signOff: signOffId });
    scope.require(readable(view, models, scope), unitOfRecord(view, models) ?? view.by.unit);
    return view;
  }
}

/** The unit a signed record belongs to: a task's lead unit, a directive's issuer, a unit itself. */
function unitOfRecord(view: SignOffView, models: LedgerReadModels): string | null {
  if (view.record.type !== 'stream-version') return null;
  const parsed = parseStreamId(view.record.streamId);
  if (!parsed) return null;
  if (parsed.kind === 'unit') return parsed.id;
  if (parsed.kind === 'directive') return models.directives.directives.get(parsed.id)?.record.issuer.unitId ?? null;
  if (parsed.kind === 'task') return models.tasks.tasks.get(parsed.id)?.record.assignment?.leadUnitId ?? null;
  return null;
}

function readable(view: SignOffView, models: LedgerReadModels, scope: ReadScope): boolean {
  if (view.record.type === 'stream-version') {
    const parsed = parseStreamId(view.record.streamId);
    if (parsed?.kind === 'task') {
      const task = models.tasks.tasks.get(parsed.id);
      if (task) return scope.task(task);
    }
    if (parsed?.kind === 'directive') {
      const directive = models.directives.directives.get(parsed.id);
      if (directive) return scope.directive(directive);
    }
  }
  const unit = unitOfRecord(view, models);
  return unit !== null ? scope.unit(unit) : scope.unit(view.by.unit);
}
