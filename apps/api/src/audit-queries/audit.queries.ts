import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { isIsoInstant, parseStreamId, type Actor } from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import {
  actorActivity,
  AS_OF_BASES,
  auditLogOf,
  recordAsOf,
  recordTimeline,
  signOffsOfRecord,
  supportsAsOf,
  type AsOfBasis,
  type AuditLog,
} from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { QueryContext } from '../read-models/queries';
import { ApiError } from '../shared/api-error';
import { auditError } from './audit-errors';
import { AUDIT_QUERIES_CONFIG, type AuditQueriesConfig } from './audit-queries.config';
import { AuditScope } from './audit-scope';

const STREAM_ID = /^[a-z]+-[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$/;

class LateThresholdQueryDto {
  @ApiPropertyOptional({ example: 86400, minimum: 0, description: 'An event recorded more than this many seconds after it occurred is marked late (default LEDGER_LATE_ENTRY_SECONDS, 3600).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  lateAfterSeconds?: number;
}

export class SignOffAuditQueryDto {
  @ApiProperty({ example: 'task-t4-zx', description: 'The record\'s stream: `task-…`, `directive-…`, `unit-…`.' })
  @IsString()
  @Matches(STREAM_ID, { message: '$property must be a stream id' })
  record!: string;
}

export class ActivityQueryDto extends LateThresholdQueryDto {
  @ApiPropertyOptional({ example: 0, minimum: 0, description: 'The `nextCursor` of the previous page: events after this log position (default 0, the first page).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  cursor?: number;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class TimelineQueryDto extends LateThresholdQueryDto {}

export class AsOfQueryDto {
  @ApiProperty({ example: '2018-10-15T00:00:00+08:00', description: 'An ISO 8601 instant with seconds and an offset.' })
  @IsString()
  at!: string;

  @ApiPropertyOptional({ enum: AS_OF_BASES, default: 'recorded', description: '`recorded`: what the ledger said at that instant. `occurred`: what is now known to have been so then, entries made later included.' })
  @IsOptional()
  @IsIn(AS_OF_BASES)
  basis?: AsOfBasis;
}

/**
 * The audit queries, each within the caller's read scope: the log read through its indexes (`AuditLog`), bounded
 * at the position of the read models that decide scope and hold the sign-offs, so every answer describes one state
 * of the ledger. The controller marks them `@AuditedRead`, so every answer is recorded as `AuditDataViewed` before
 * it is sent.
 */
@Injectable()
export class AuditQueries {
  constructor(
    private readonly context: QueryContext,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(AUDIT_QUERIES_CONFIG) private readonly config: AuditQueriesConfig,
  ) {}

  async signOffs(actor: Actor, query: SignOffAuditQueryDto) {
    const { models, log, audit, require } = this.scopeFor(actor);
    const streamId = query.record;
    const items = await signOffsOfRecord(models, log, streamId);
    const ownStream = await this.exists(log, streamId);
    if (ownStream) {
      await require(streamId);
      return { record: streamId, items };
    }
    if (items.length === 0) throw auditError('AUDIT.RECORD_NOT_FOUND', { streamId }, 'record');
    // A record named by kind and id (no stream of its own): each sign-off as the approver's unit allows.
    const readable: typeof items = [];
    for (const item of items) if (await audit.stream(`signoff-${item.signOffId}`)) readable.push(item);
    return { record: streamId, items: readable };
  }

  async activity(actor: Actor, actorId: string, query: ActivityQueryDto) {
    const { log, audit } = this.scopeFor(actor);
    const page = await actorActivity(log, actorId, {
      after: query.cursor ?? 0,
      limit: query.limit ?? 50,
      lateAfterSeconds: query.lateAfterSeconds ?? this.config.lateEntrySeconds,
      include: (event) => audit.stream(event.streamId),
    });
    return { actorId, ...page };
  }

  async timeline(actor: Actor, streamId: string, query: TimelineQueryDto) {
    const { log, require } = this.scopeFor(actor);
    await this.requireRecord(log, streamId);
    await require(streamId);
    const lateAfterSeconds = query.lateAfterSeconds ?? this.config.lateEntrySeconds;
    const items = await recordTimeline(log, streamId, { lateAfterSeconds });
    return { streamId, version: items.at(-1)?.streamVersion ?? 0, lateAfterSeconds, items };
  }

  async asOf(actor: Actor, streamId: string, query: AsOfQueryDto) {
    if (!isIsoInstant(query.at)) {
      throw new ApiError(400, 'REQUEST.VALIDATION', `at: must be an ISO 8601 instant with seconds and an offset, such as 2018-10-15T00:00:00+08:00; got ${JSON.stringify(query.at)}`, [{ field: 'at', reason: 'not an ISO 8601 instant with an offset' }]);
    }
    const { log, require } = this.scopeFor(actor);
    await this.requireRecord(log, streamId);
    if (!supportsAsOf(parseStreamId(streamId)?.kind ?? '')) throw auditError('AUDIT.AS_OF_NOT_SUPPORTED', { streamId });
    await require(streamId);
    return recordAsOf(log, streamId, query.at, query.basis ?? 'recorded');
  }

  /** The stream has events at or below the query's position. A malformed id names no stream: it is not read. */
  private async exists(log: AuditLog, streamId: string): Promise<boolean> {
    return parseStreamId(streamId) !== null && (await log.stream(streamId)).length > 0;
  }

  private async requireRecord(log: AuditLog, streamId: string): Promise<void> {
    if (!(await this.exists(log, streamId))) throw auditError('AUDIT.RECORD_NOT_FOUND', { streamId }, 'streamId');
  }

  /**
   * One snapshot of the models, the log as it stood at their position, the caller's audit scope over both, and
   * `require` (403 AUTH.OUT_OF_SCOPE).
   */
  private scopeFor(actor: Actor) {
    const { models, scope } = this.context.for(actor);
    const log = auditLogOf(this.store, models.position);
    const audit = new AuditScope(actor, models, scope, log);
    const require = async (streamId: string) => scope.require(await audit.stream(streamId), await audit.unitOf(streamId));
    return { models, log, audit, require };
  }
}
