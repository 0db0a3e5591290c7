import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { currentHead, dateOf, deputiesOn, domainError, headOn, tenuresOn, type Actor, type IsoDate } from '@ledger/domain';
import type { Notice, NoticeKind } from '@ledger/projections';
import { List } from 'immutable';
import { QueryContext } from '../read-models/queries';
import { unitRepresentation } from '../read-models/representations';
import { CalendarDate } from '../shared/dto';
import { LedgerTime } from '../shared/ledger-time';
import { jsonText, objectWithArray, PrebuiltJson } from '../shared/prebuilt-json';

export class HeadOnQueryDto {
  @CalendarDate({ example: '2018-10-31', description: 'The day asked about; default today (jurisdiction time).' }, true)
  on?: string;
}

const NOTICE_KINDS: readonly NoticeKind[] = [
  'assignment',
  'reminder',
  'returned_for_redo',
  'extension_granted',
  'extension_denied',
  'completion_verified',
  'deadline_passed',
  'task_cancelled',
  'task_closed',
  'task_transferred',
  'directive_amended',
  'directive_withdrawn',
  'inspection_notice',
  'interview',
];

export class NoticesQueryDto {
  @CalendarDate({ example: '2018-10-31', description: 'Only notices that occurred before this day (by occurred-at, the day read in its own offset).' }, true)
  before?: string;

  @CalendarDate({ example: '2018-10-31', description: 'Only notices also recorded in the ledger before this day (jurisdiction time): what the ledger showed then, without late entries.' }, true)
  recordedBefore?: string;

  @ApiPropertyOptional({ enum: NOTICE_KINDS, example: 'reminder' })
  @IsOptional()
  @IsIn(NOTICE_KINDS)
  kind?: NoticeKind;
}

/** The organisation read model, within the caller's read scope. */
@Injectable()
export class OrganisationQueries {
  constructor(
    private readonly context: QueryContext,
    private readonly time: LedgerTime,
  ) {}

  list(actor: Actor) {
    const { models, scope } = this.context.for(actor);
    const today = this.time.today();
    const items = [];
    for (const view of models.organisation.units.values()) {
      if (!scope.unit(view.unitId)) continue;
      const { record } = view;
      items.push({
        unitId: view.unitId,
        version: view.version,
        names: record.names,
        kind: record.kind,
        parentId: record.parentId,
        status: record.status,
        currentHead: currentHead(record),
        deputiesInPost: deputiesOn(record, today),
        successorIds: record.dissolution?.successorIds ?? [],
        predecessors: models.organisation.predecessors.get(view.unitId, List()).toArray(),
      });
    }
    items.sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
    return { items };
  }

  get(actor: Actor, unitId: string) {
    const { models, scope } = this.context.for(actor);
    const view = models.organisation.units.get(unitId);
    if (!view) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
    scope.require(scope.unit(unitId), unitId);
    return unitRepresentation(view);
  }

  /** Who headed the unit on a day (the outgoing head on a handover day; `tenures` lists both). */
  headOn(actor: Actor, unitId: string, on: IsoDate | undefined) {
    const { models, scope } = this.context.for(actor);
    const view = models.organisation.units.get(unitId);
    if (!view) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
    scope.require(scope.unit(unitId), unitId);
    const day = on ?? this.time.today();
    return { unitId, on: day, head: headOn(view.record, day), tenures: tenuresOn(view.record, day) };
  }

  /** Notices as served, each made once: a notice never changes, nor does the jurisdiction's offset. */
  private readonly servedNotices = new WeakMap<Notice, Notice & { lateEntry: boolean }>();
  /** The same as JSON, for the HTTP response (kept apart: a notice the API serves is kept once, as its JSON). */
  private readonly servedNoticeJson = new WeakMap<Notice, string>();

  private served(notice: Notice): Notice & { lateEntry: boolean } {
    let item = this.servedNotices.get(notice);
    if (item === undefined) this.servedNotices.set(notice, (item = this.asServed(notice)));
    return item;
  }

  private servedJson(notice: Notice): string {
    let json = this.servedNoticeJson.get(notice);
    if (json === undefined) this.servedNoticeJson.set(notice, (json = jsonText(this.asServed(notice))));
    return json;
  }

  private asServed(notice: Notice): Notice & { lateEntry: boolean } {
    return { ...notice, lateEntry: dateOf(notice.occurredAt) < this.time.inJurisdiction(notice.recordedAt).slice(0, 10) };
  }

  /** What the unit was told (reminders, returns, extension decisions, verifications, ...), oldest first. */
  notices(actor: Actor, unitId: string, query: NoticesQueryDto) {
    const { head, notices } = this.noticesOf(actor, unitId, query);
    return { ...head, items: notices.map((notice) => this.served(notice)) };
  }

  /** `notices` as the JSON the HTTP response carries, from each notice's JSON (made once). */
  noticesJson(actor: Actor, unitId: string, query: NoticesQueryDto): PrebuiltJson {
    const { head, notices } = this.noticesOf(actor, unitId, query);
    return new PrebuiltJson(objectWithArray(head, 'items', notices.map((notice) => this.servedJson(notice)), {}));
  }

  /** The unit's notices the query selects, and the members of the answer before its items (in order). */
  private noticesOf(actor: Actor, unitId: string, query: NoticesQueryDto) {
    const { models, scope } = this.context.for(actor);
    if (!models.organisation.units.has(unitId)) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
    scope.require(scope.unit(unitId), unitId);
    const recordedLimit = query.recordedBefore ? this.time.startOfDay(query.recordedBefore) : null;
    const notices: Notice[] = [];
    for (const notice of models.notices.byUnit.get(unitId, List<Notice>())) {
      if (query.before !== undefined && !(dateOf(notice.occurredAt) < query.before)) continue;
      if (recordedLimit !== null && !(Date.parse(notice.recordedAt) < recordedLimit)) continue;
      if (query.kind !== undefined && notice.kind !== query.kind) continue;
      notices.push(notice);
    }
    return { head: { unitId, before: query.before ?? null, recordedBefore: query.recordedBefore ?? null }, notices };
  }
}
