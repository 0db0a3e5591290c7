import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { isIsoInstant, parseStreamId, type Actor } from '@ledger/domain';
import {
  actorActivity,
  AS_OF_BASES,
  recordAsOf,
  recordTimeline,
  signOffsOfRecord,
  supportsAsOf,
  type AsOfBasis,
} from '@ledger/projections';
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
 * The audit queries over the read models (never the log), each within the caller's read scope. The controller
 * marks them `@AuditedRead`, so every answer is recorded as `AuditDataViewed` before it is sent.
 */
@Injectable()
export class AuditQueries {
  constructor(
    private readonly context: QueryContext,
    @Inject(AUDIT_QUERIES_CONFIG) private readonly config: AuditQueriesConfig,
  ) {}

  signOffs(actor: Actor, query: SignOffAuditQueryDto) {
    const { models, audit, require } = this.scopeFor(actor);
    const streamId = query.record;
    const items = signOffsOfRecord(models, streamId);
    if (models.auditTrail.byStream.has(streamId)) {
      require(streamId);
    } else if (items.length === 0) {
      throw auditError('AUDIT.RECORD_NOT_FOUND', { streamId }, 'record');
    }
    // A record named by kind and id (no stream of its own): each sign-off as the approver's unit allows.
    const readable = items.filter((item) => models.auditTrail.byStream.has(streamId) || audit.stream(`signoff-${item.signOffId}`));
    return { record: streamId, items: readable };
  }

  activity(actor: Actor, actorId: string, query: ActivityQueryDto) {
    const { models, audit } = this.scopeFor(actor);
    const page = actorActivity(models.auditTrail, actorId, {
      after: query.cursor ?? 0,
      limit: query.limit ?? 50,
      lateAfterSeconds: query.lateAfterSeconds ?? this.config.lateEntrySeconds,
      include: (event) => audit.stream(event.streamId),
    });
    return { actorId, ...page };
  }

  timeline(actor: Actor, streamId: string, query: TimelineQueryDto) {
    const { models, require } = this.scopeFor(actor);
    this.requireRecord(models.auditTrail.byStream.has(streamId), streamId);
    require(streamId);
    const lateAfterSeconds = query.lateAfterSeconds ?? this.config.lateEntrySeconds;
    const items = recordTimeline(models.auditTrail, streamId, { lateAfterSeconds });
    return { streamId, version: items.at(-1)?.streamVersion ?? 0, lateAfterSeconds, items };
  }

  asOf(actor: Actor, streamId: string, query: AsOfQueryDto) {
    if (!isIsoInstant(query.at)) {
      throw new ApiError(400, 'REQUEST.VALIDATION', `at: must be an ISO 8601 instant with seconds and an offset, such as 2018-10-15T00:00:00+08:00; got ${JSON.stringify(query.at)}`, [{ field: 'at', reason: 'not an ISO 8601 instant with an offset' }]);
    }
    const { models, require } = this.scopeFor(actor);
    this.requireRecord(models.auditTrail.byStream.has(streamId), streamId);
    if (!supportsAsOf(parseStreamId(streamId)?.kind ?? '')) throw auditError('AUDIT.AS_OF_NOT_SUPPORTED', { streamId });
    require(streamId);
    return recordAsOf(models.auditTrail, streamId, query.at, query.basis ?? 'recorded');
  }

  private requireRecord(exists: boolean, streamId: string): void {
    if (!exists) throw auditError('AUDIT.RECORD_NOT_FOUND', { streamId }, 'streamId');
  }

  /** One snapshot of the models, the caller's audit scope over it, and `require` (403 AUTH.OUT_OF_SCOPE). */
  private scopeFor(actor: Actor) {
    const { models, scope } = this.context.for(actor);
    const audit = new AuditScope(actor, models, scope);
    const require = (streamId: string) => scope.require(audit.stream(streamId), audit.unitOf(streamId));
    return { models, audit, require };
  }
}
