import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiCommand, ApiQuery, ApiPathParams } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { RecordSignOffCommand, RecordSignOffRequestDto } from './record-sign-off.command';
import { SignOffListQueryDto, SignOffQueries } from './signoff.queries';

const HASH = 'b1946ac92492d2347c6235b4d2611184e3b0c44298fc1c149afbf4c8996fb924';
const signOffExample = {
  signOffId: 'so-t4-zx-completion',
  record: { type: 'stream-version', streamId: 'task-t4-zx', version: 6 },
  recordHash: HASH,
  recordAuthorId: 'p-zx-staff',
  decision: 'approve',
  comment: 'Completion checked against the rectification list',
  signature: null,
  at: '2018-10-30T10:00:00+08:00',
  by: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' },
  version: 1,
  recorded: { eventId: '6f5e4d3c-2b1a-8098-a7b6-c5d4e3f2a1b0', position: 90, streamVersion: 1, type: 'SignOffRecorded', actor: { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' }, occurredAt: '2018-10-30T10:00:00+08:00', recordedAt: '2018-10-30T02:00:00.000Z' },
};

/** Sign-offs (phê duyệt / 签批): who approved what, in which role, and the hash of exactly what they saw. */
@ApiTags('sign-offs')
@ApiPathParams()
@Controller('v1/signoffs')
export class SignOffsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: SignOffQueries,
  ) {}

  @Post()
  @ApiCommand({
    summary: 'Approve or reject a task, directive, unit, objective, appraisal cycle or case as GET serves it (leaders, unit heads, inspectors, appraisers, commissioners)',
    description: '`recordHash` = SHA-256 (hex) of the RFC 8785 canonical JSON of `GET /v1/<records>/<id>` at `record.version`; `recordAuthorId` = who recorded the record\'s latest event, who may not sign it off. A `signature` (DSSE, see the field) is verified before anything is recorded; `signWithServerKey` has the ledger sign with the key it keeps for the caller. Either way `signedWith` names the key and its custody.',
    created: true,
    example: { id: 'so-t4-zx-completion', streamId: 'signoff-so-t4-zx-completion', version: 1, position: 90, eventIds: ['6f5e4d3c-2b1a-8098-a7b6-c5d4e3f2a1b0'], events: ['SignOffRecorded'], record: { type: 'stream-version', streamId: 'task-t4-zx', version: 6 }, recordHash: HASH, signedWith: { keyId: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79', algorithm: 'ed25519', custody: 'user' } },
    errors: [404, 422],
    codes: { 403: 'SIGNOFF.SELF_APPROVAL', 404: 'SIGNOFF.RECORD_NOT_FOUND', 409: 'STORE.WRONG_EXPECTED_VERSION', 422: 'SIGNOFF.SIGNATURE_INVALID' },
  })
  record(@Body() body: RecordSignOffRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new RecordSignOffCommand(body, ctx));
  }

  @Get()
  @ApiQuery({ summary: 'Sign-offs in the caller\'s read scope, optionally of one record', example: { items: [signOffExample], page: 1, pageSize: 50, total: 1 } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: SignOffListQueryDto) {
    return this.queries.list(actor, query);
  }

  @Get(':signOffId')
  @ApiQuery({ summary: 'One sign-off', etag: true, example: signOffExample, errors: [404], codes: { 404: 'SIGNOFF.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('signOffId') signOffId: string) {
    return this.queries.get(actor, signOffId);
  }
}
