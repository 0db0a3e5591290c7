import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor, Public } from '../auth/current-actor.decorator';
import { AuditedRead } from './audited-read';
import {
  CheckpointListQueryDto,
  CheckpointListResponse,
  CheckpointResponse,
  ConsistencyProofQueryDto,
  ConsistencyProofResponse,
  InclusionProofQueryDto,
  InclusionProofResponse,
  PublicKeyResponse,
} from './log.dto';
import { LogQueries } from './log.queries';

const error = (code: string, message: string) => ({ schema: { example: { code, message, fields: [] } } });
const forbidden = error('AUTH.ROLE_NOT_ALLOWED', 'The role unit_staff may not run ReadProofs.');

/**
 * The tamper-evident log as an auditor reads it: the ledger's public key, its signed checkpoints (C2SP notes),
 * inclusion and consistency proofs. Auditors, administrators and the discipline commission; each read of
 * checkpoints or proofs is recorded as `AuditDataViewed`.
 */
@ApiTags('log')
@ApiBearerAuth()
@Controller('v1/log')
export class LogController {
  constructor(private readonly queries: LogQueries) {}

  @Get('public-key')
  @Public()
  @ApiOperation({ summary: "The ledger's checkpoint key (public)", description: 'Pin it when verifying: `ledger verify --ledger-key`, `verify-evidence --ledger-key`.' })
  @ApiOkResponse({ type: PublicKeyResponse })
  publicKey(): PublicKeyResponse {
    return this.queries.publicKey();
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The latest signed checkpoint' })
  @ApiOkResponse({ type: CheckpointResponse })
  @ApiForbiddenResponse(forbidden)
  @ApiNotFoundResponse(error('CHECKPOINT.NOT_FOUND', 'No signed checkpoint yet.'))
  latest(@CurrentActor() actor: AuthenticatedActor): Promise<CheckpointResponse> {
    return this.queries.latest(actor);
  }

  @Get('checkpoints')
  @AuditedRead({ resource: 'checkpoints' })
  @ApiOperation({ summary: 'Signed checkpoints: the one of a tree size, or a page of them', description: '`?size=` for one; `?after=&limit=` to page by size.' })
  @ApiOkResponse({ type: CheckpointListResponse })
  @ApiForbiddenResponse(forbidden)
  @ApiNotFoundResponse(error('CHECKPOINT.NOT_FOUND', 'No signed checkpoint of size 1000.'))
  async list(@CurrentActor() actor: AuthenticatedActor, @Query() query: CheckpointListQueryDto): Promise<CheckpointListResponse> {
    return { items: await this.queries.list(actor, query) };
  }

  @Get('proofs/inclusion')
  @AuditedRead({ resource: 'inclusion-proof' })
  @ApiOperation({ summary: 'Inclusion proof of an event (by position or event id) against a tree size', description: 'RFC 9162 audit path, hex, from the leaf up.' })
  @ApiOkResponse({ type: InclusionProofResponse })
  @ApiForbiddenResponse(forbidden)
  inclusion(@CurrentActor() actor: AuthenticatedActor, @Query() query: InclusionProofQueryDto): Promise<InclusionProofResponse> {
    return this.queries.inclusion(actor, query);
  }

  @Get('proofs/consistency')
  @AuditedRead({ resource: 'consistency-proof' })
  @ApiOperation({ summary: 'Consistency proof between two tree sizes', description: 'RFC 9162 consistency proof, hex.' })
  @ApiOkResponse({ type: ConsistencyProofResponse })
  @ApiForbiddenResponse(forbidden)
  consistency(@CurrentActor() actor: AuthenticatedActor, @Query() query: ConsistencyProofQueryDto): Promise<ConsistencyProofResponse> {
    return this.queries.consistency(actor, query);
  }
}
