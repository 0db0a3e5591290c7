import { Controller, Get, Headers } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ROLE_LABELS } from '@ledger/domain';
import { preferredLanguage } from '../../shared/language';
import type { AuthenticatedActor } from '../authenticated-actor';
import { CurrentActor } from '../current-actor.decorator';
import { MeResponse } from '../users/user.response.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'Who am I: the user, role and unit of this token (any authenticated user)' })
  @ApiOkResponse({ type: MeResponse })
  @ApiUnauthorizedResponse({ schema: { example: { code: 'AUTH.UNAUTHENTICATED', message: 'a bearer token is required (Authorization: Bearer <token>)', fields: [] } } })
  me(@CurrentActor() actor: AuthenticatedActor, @Headers('accept-language') language: string | undefined): MeResponse {
    return {
      id: actor.id,
      name: actor.name,
      role: actor.role,
      roleLabel: ROLE_LABELS[actor.role][preferredLanguage(language)],
      unit: actor.unit,
      tokenId: actor.credentialId,
    };
  }
}
