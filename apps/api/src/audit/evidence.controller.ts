import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AuditedRead } from './audited-read';
import { EvidenceExport } from './evidence-export';

const asList = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

export class EvidenceQueryDto {
  @ApiPropertyOptional({ type: [String], example: ['task-t4-zh', 'signoff-so-t4-zh'], description: 'Stream ids (repeat the parameter for several).' })
  @IsOptional()
  @Transform(asList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  stream?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Event ids (repeat the parameter for several; found by a scan of the log).' })
  @IsOptional()
  @Transform(asList)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  event?: string[];

  @ApiPropertyOptional({ example: 1000, description: 'Prove against the checkpoint of this size (e.g. one a witness holds) instead of the latest.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  checkpointSize?: number;
}

/** Evidence bundles: one JSON file with the events, their proofs, the signed checkpoint and the keys (see libs/evidence). */
@ApiTags('log')
@ApiBearerAuth()
@Controller('v1/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceExport) {}

  @Get()
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="evidence.json"')
  @AuditedRead({ resource: 'evidence', subject: (req) => ({ streams: asList({ value: req.query.stream }) ?? [], eventIds: asList({ value: req.query.event }) ?? [], checkpointSize: (req.query.checkpointSize as string | undefined) ?? null }) as never })
  @ApiOperation({
    summary: 'Export an evidence bundle (auditor, administrator, discipline commission)',
    description:
      'The body is the bundle exactly as signed (RFC 8785 canonical JSON): save it byte for byte and check it offline with `ledger verify-evidence` or the standalone `verify-evidence.mjs`. The export is recorded as AuditDataViewed before it is sent.',
  })
  @ApiOkResponse({ description: 'The evidence bundle.' })
  @ApiForbiddenResponse({ schema: { example: { code: 'AUTH.ROLE_NOT_ALLOWED', message: 'The role unit_staff may not run ExportEvidence.', fields: [] } } })
  @ApiNotFoundResponse({ schema: { example: { code: 'EVIDENCE.NOT_FOUND', message: 'Nothing to export: stream task-x has no events', fields: [] } } })
  export(@CurrentActor() actor: AuthenticatedActor, @Query() query: EvidenceQueryDto): Promise<string> {
    return this.evidence.export(actor, { streams: query.stream ?? [], eventIds: query.event ?? [], checkpointSize: query.checkpointSize });
  }
}
