import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiError } from '../shared/api-error';
import { LogVerifier, type LogVerification } from './log-verifier.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/log')
export class VerifyLogController {
  constructor(private readonly verifier: LogVerifier) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify the whole log now, as `ledger verify` does (administrators)',
    description:
      'Recomputes every leaf hash and stored Merkle node, then checks every signed checkpoint. Sets the ledger_verify_last_* metrics. ' +
      'Costs a full read of the log: one run at a time (a request during a run gets that run\'s result). `ok: false` names the first position that does not match.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        ok: true,
        startedAt: '2026-11-23T08:00:00.000Z',
        durationSeconds: 1.92,
        log: { ok: true, eventsChecked: 120000, treeHead: { size: 120000, rootHash: '5f0c…' }, problems: [] },
        checkpoints: { ok: true, checkpoints: 12, rotations: 0, witnesses: 0, trust: 'log', keys: [], latest: { size: 120000, rootHash: '5f0c…', position: 119998 }, problems: [] },
      },
    },
  })
  @ApiForbiddenResponse({ schema: { example: { code: 'AUTH.ROLE_NOT_ALLOWED', message: 'only administrators may run a verification of the log', fields: [] } } })
  verify(@CurrentActor() actor: AuthenticatedActor): Promise<LogVerification> {
    if (actor.role !== 'administrator') throw new ApiError(403, 'AUTH.ROLE_NOT_ALLOWED', 'only administrators may run a verification of the log');
    return this.verifier.verify();
  }
}
