import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiQuery, ApiPathParams } from '../shared/api-docs';
import { HeadOnQueryDto, NoticesQueryDto, OrganisationQueries } from './organisation.queries';

const tenureC = { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01', to: '2018-11-15' };

/** The organisation read model: units, their heads over time, and what each unit has been told. */
@ApiTags('organisation')
@ApiPathParams()
@Controller('v1/units')
export class UnitQueriesController {
  constructor(private readonly queries: OrganisationQueries) {}

  @Get()
  @ApiQuery({
    summary: 'Units in the caller\'s read scope: names, kinds, parents, heads in post, deputies, successor and predecessor links',
    example: { items: [{ unitId: 'zh', version: 4, names: { en: 'Zhuhui District', vi: null, zh: '珠晖区' }, kind: 'district', parentId: 'city', status: 'active', currentHead: { ...tenureC, to: null }, deputiesInPost: [], successorIds: [], predecessors: [] }] },
  })
  list(@CurrentActor() actor: AuthenticatedActor) {
    return this.queries.list(actor);
  }

  @Get(':unitId')
  @ApiQuery({
    summary: 'One unit with its whole history of heads, deputies and cadres (ETag: its version)',
    etag: true,
    example: { status: 'active', unitId: 'zh', names: { en: 'Zhuhui District', vi: null, zh: '珠晖区' }, kind: 'district', parentId: 'city', heads: [tenureC, { personId: 'p-zh-head-c2', name: 'District Head C2', postTitle: 'District Head', from: '2018-11-15', to: null }], deputies: [], cadres: [], dissolution: null, transferred: [], version: 4 },
    errors: [404],
    codes: { 404: 'UNIT.NOT_FOUND' },
  })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('unitId') unitId: string) {
    return this.queries.get(actor, unitId);
  }

  @Get(':unitId/head')
  @ApiQuery({
    summary: 'Who headed the unit on a day (`on`, default today)',
    description: 'Tenures include both ends; on a handover day `head` is the outgoing head and `tenures` lists both.',
    example: { unitId: 'zh', on: '2018-10-31', head: tenureC, tenures: [tenureC] },
    errors: [404],
    codes: { 404: 'UNIT.NOT_FOUND' },
  })
  head(@CurrentActor() actor: AuthenticatedActor, @Param('unitId') unitId: string, @Query() query: HeadOnQueryDto) {
    return this.queries.headOn(actor, unitId, query.on);
  }

  @Get(':unitId/notices')
  @ApiQuery({
    summary: 'What the unit has been told: reminders, returns, extension decisions, verifications, deadline and other notices',
    description: 'Each with occurred-at and recorded-at (`lateEntry` when recorded on a later day). `before` filters by occurred day, `recordedBefore` by recording day.',
    example: {
      unitId: 'zh',
      before: '2018-10-31',
      recordedBefore: null,
      items: [{ kind: 'reminder', addressedAs: 'lead', taskId: 't4-zh', directiveId: 'd-2018-1', details: { taskId: 't4-zh', message: 'T4 is behind schedule; report by 10-20', channel: 'official_document' }, eventId: '1f2e3d4c-5b6a-8978-8a9b-0c1d2e3f4a5b', position: 61, streamVersion: 4, type: 'ReminderIssued', actor: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' }, occurredAt: '2018-10-10T09:00:00+08:00', recordedAt: '2018-10-10T01:00:00.000Z', lateEntry: false }],
    },
    errors: [404],
    codes: { 404: 'UNIT.NOT_FOUND' },
  })
  notices(@CurrentActor() actor: AuthenticatedActor, @Param('unitId') unitId: string, @Query() query: NoticesQueryDto) {
    return this.queries.noticesJson(actor, unitId, query);
  }
}
