import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AuditedRead } from '../audit/audited-read';
import { ApiQuery } from '../shared/api-docs';
import { ActivityQueryDto, AsOfQueryDto, AuditQueries, SignOffAuditQueryDto, TimelineQueryDto } from './audit.queries';

const HASH = 'b1946ac92492d2347c6235b4d2611184e3b0c44298fc1c149afbf4c8996fb924';
const KEY_ID = '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79';
const actor = { id: 'p-director-of-inspection', name: 'Director of Inspection', role: 'inspector', unit: 'insp' };
const eventAudit = {
  position: 61,
  eventId: '1f2e3d4c-5b6a-8978-8a9b-0c1d2e3f4a5b',
  streamId: 'task-t4-zh',
  streamVersion: 5,
  type: 'ReminderIssued',
  actor,
  occurredAt: '2018-10-10T09:00:00+08:00',
  recordedAt: '2018-10-12T01:00:00.000Z',
  late: true,
  lateBySeconds: 172800,
  outOfOrder: false,
  correction: null,
};
const streamParam = ApiParam({ name: 'streamId', required: true, example: 'task-t4-zh', description: 'The record\'s stream id (`task-…`, `directive-…`, `unit-…`, `signoff-…`, ...).' });

/**
 * Audit queries (kiểm toán / 审计): who approved what and whether it still matches, what an actor did, a record's
 * timeline with late entries and corrections, and a record as of an instant. Every answer is itself recorded
 * (`@AuditedRead`: `AuditDataViewed` in the reader's `audit-<actor>` stream, before it is sent). Scoped like every other read: auditors see everything, the others what their read scope covers.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditQueriesController {
  constructor(private readonly queries: AuditQueries) {}

  @Get('signoffs')
  @AuditedRead({ resource: 'audit-signoffs', subject: (req) => ({ record: String(req.query.record) }) })
  @ApiQuery({
    summary: 'Who approved what: every sign-off of a record, with the hash of exactly what was approved and whether it still matches',
    description: '`hashCheck` compares the signed `recordHash` with the SHA-256 of the record\'s canonical form at each of its versions: `matchesCurrent`, and `matchedVersion` (the version whose form has that hash). `signature` re-verifies the approver\'s envelope under their registered key and says who kept the key.',
    example: {
      record: 'task-t4-zx',
      items: [{
        signOffId: 'so-t4-zx-completion',
        approver: actor,
        decision: 'approve',
        comment: 'Completion checked against the rectification list',
        occurredAt: '2018-10-30T10:00:00+08:00',
        recordedAt: '2018-10-30T02:00:00.000Z',
        position: 90,
        eventId: '6f5e4d3c-2b1a-8098-a7b6-c5d4e3f2a1b0',
        record: { streamId: 'task-t4-zx', version: 6 },
        recordHash: HASH,
        recordAuthorId: 'p-zx-staff',
        hashCheck: { currentVersion: 7, matchesCurrent: false, matchedVersion: 6, matchesSignedVersion: true },
        signature: { keyId: KEY_ID, algorithm: 'ed25519', custody: 'user', payloadType: 'application/vnd.accountability-ledger.signoff.v1+json', verifies: true, keyRegisteredAt: '2018-09-01T09:00:00+08:00', keyRevokedAt: null },
      }],
    },
    errors: [404],
    codes: { 404: 'AUDIT.RECORD_NOT_FOUND' },
  })
  signOffs(@CurrentActor() caller: AuthenticatedActor, @Query() query: SignOffAuditQueryDto) {
    return this.queries.signOffs(caller, query);
  }

  @Get('actors/:actorId/activity')
  @AuditedRead({ resource: 'audit-actor-activity', subject: (req) => ({ actorId: req.params.actorId, cursor: String(req.query.cursor ?? '0'), limit: String(req.query.limit ?? '50') }) })
  @ApiParam({ name: 'actorId', required: true, example: 'p-director-of-inspection' })
  @ApiQuery({
    summary: 'Everything an actor did, in log order, paged by position',
    description: 'Each event with its stream, both clocks, and the role and unit the actor held when recording it. Pass `nextCursor` as `cursor` for the next page; null means nothing follows. Events outside the caller\'s read scope are left out.',
    example: { actorId: actor.id, items: [eventAudit], nextCursor: 61 },
  })
  activity(@CurrentActor() caller: AuthenticatedActor, @Param('actorId') actorId: string, @Query() query: ActivityQueryDto) {
    return this.queries.activity(caller, actorId, query);
  }

  @Get('records/:streamId/timeline')
  @AuditedRead({ resource: 'audit-timeline', subject: (req) => ({ streamId: req.params.streamId }) })
  @streamParam
  @ApiQuery({
    summary: 'A record\'s full timeline: every event with its actor, late entries and corrections marked',
    description: '`late`: recorded more than `lateAfterSeconds` after it occurred. `outOfOrder`: it occurred before an event recorded earlier (history filled in afterwards). `correction`: `amendment`, `withdrawal` or `reversal` of what an earlier event said.',
    example: { streamId: 'task-t4-zh', version: 5, lateAfterSeconds: 3600, items: [{ ...eventAudit, data: { taskId: 't4-zh', message: 'T4 is behind schedule', channel: 'phone', at: '2018-10-10T09:00:00+08:00', by: { id: actor.id, role: actor.role, unit: actor.unit } } }] },
    errors: [404],
    codes: { 404: 'AUDIT.RECORD_NOT_FOUND' },
  })
  timeline(@CurrentActor() caller: AuthenticatedActor, @Param('streamId') streamId: string, @Query() query: TimelineQueryDto) {
    return this.queries.timeline(caller, streamId, query);
  }

  @Get('records/:streamId/as-of')
  @AuditedRead({ resource: 'audit-as-of', subject: (req) => ({ streamId: req.params.streamId, at: String(req.query.at), basis: String(req.query.basis ?? 'recorded') }) })
  @streamParam
  @ApiQuery({
    summary: 'A task, directive, unit or sign-off as it stood at an instant (folded with the domain\'s evolve)',
    description: 'basis `recorded`: the events the ledger had recorded by `at` — what it said then. basis `occurred`: the events that had happened by `at`, including those entered later. `excluded` lists the rest, with `occurredBeforeAt` marking what the ledger did not yet show.',
    example: { streamId: 'directive-d-2018-1', at: '2018-09-22T00:00:00+08:00', basis: 'recorded', exists: true, state: { status: 'issued', directiveId: 'd-2018-1', title: 'Four land tasks', version: 1 }, included: [{ position: 12, streamVersion: 1, type: 'DirectiveIssued', occurredAt: '2018-09-06T16:00:00+08:00', recordedAt: '2018-09-06T08:00:00.000Z' }], excluded: [{ position: 40, streamVersion: 2, type: 'DirectiveAmended', occurredAt: '2018-09-20T09:00:00+08:00', recordedAt: '2018-09-25T01:00:00.000Z', occurredBeforeAt: true, recordedBeforeAt: false }] },
    errors: [404],
    codes: { 400: 'AUDIT.AS_OF_NOT_SUPPORTED', 404: 'AUDIT.RECORD_NOT_FOUND' },
  })
  asOf(@CurrentActor() caller: AuthenticatedActor, @Param('streamId') streamId: string, @Query() query: AsOfQueryDto) {
    return this.queries.asOf(caller, streamId, query);
  }
}
