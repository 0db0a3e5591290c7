import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Ctx, type CommandContext } from '../shared/command-context';
import { RegisterUserKeyRequest, RevokeUserKeyRequest } from './key.request.dto';
import { toUserKeyResponse, UserKeyListResponse, UserKeyResponse } from './key.response.dto';
import { UserKeys, type KeyOutcome } from './user-keys.service';

const error = (code: string, message: string) => ({ schema: { example: { code, message, fields: [] } } });
const idempotencyHeader = { name: 'Idempotency-Key', required: false, description: 'Makes a retry a no-op that returns the first result (scoped to the caller).', example: '7d4c2a34-2f0e-4b8e-9a51-0d6f3c1b9e20' };
const ifMatchHeader = { name: 'If-Match', required: false, description: 'The user record\'s version (ETag) the change is based on.', example: '"3"' };

/**
 * Signing keys (khóa ký / 签名密钥): the keys approvers sign sign-offs with. Registration, rotation and revocation
 * are events of the user's stream; only public keys enter the log.
 */
@ApiTags('keys')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid token.', ...error('AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked') })
@Controller('v1/users/:id/keys')
export class KeysController {
  constructor(private readonly keys: UserKeys) {}

  @Post()
  @ApiOperation({
    summary: 'Register a signing key (the user for themselves; an administrator for anyone)',
    description: 'Custody `user`: send the raw Ed25519 public key (base64). Custody `server`: the ledger generates the key and keeps it encrypted, to sign for the user on request. With `replaces`, the old key is revoked in the same append (rotation).',
  })
  @ApiParam({ name: 'id', example: 'p-vice-mayor' })
  @ApiHeader(idempotencyHeader)
  @ApiHeader(ifMatchHeader)
  @ApiCreatedResponse({ type: UserKeyResponse, description: 'With an ETag header: the user record\'s version.' })
  @ApiBadRequestResponse(error('USER.KEY_INVALID', 'The public key must be the standard base64 of a raw ed25519 public key.'))
  @ApiForbiddenResponse(error('USER.KEY_NOT_ALLOWED', 'Only the user or an administrator may register, rotate or revoke the user’s signing keys.'))
  @ApiNotFoundResponse(error('USER.NOT_FOUND', 'User p-vice-mayor is not registered.'))
  @ApiConflictResponse(error('USER.KEY_ALREADY_REGISTERED', 'Signing key 5d3f… is already registered for this user.'))
  async register(@Param('id') id: string, @Body() body: RegisterUserKeyRequest, @Ctx() ctx: CommandContext, @Res({ passthrough: true }) res: FastifyReply): Promise<UserKeyResponse> {
    return respond(res, await this.keys.register(id, body, ctx));
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a signing key (the user, or an administrator)', description: 'From now on the key signs nothing; sign-offs it signed before stay attributable. A server-kept key is deleted from the vault.' })
  @ApiParam({ name: 'id', example: 'p-vice-mayor' })
  @ApiParam({ name: 'keyId', example: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79' })
  @ApiHeader(idempotencyHeader)
  @ApiHeader(ifMatchHeader)
  @ApiOkResponse({ type: UserKeyResponse })
  @ApiForbiddenResponse(error('USER.KEY_NOT_ALLOWED', 'Only the user or an administrator may register, rotate or revoke the user’s signing keys.'))
  @ApiNotFoundResponse(error('USER.KEY_NOT_FOUND', 'User p-vice-mayor has no signing key 5d3f….'))
  @ApiConflictResponse(error('USER.KEY_ALREADY_REVOKED', 'Signing key 5d3f… is already revoked.'))
  async revoke(@Param('id') id: string, @Param('keyId') keyId: string, @Body() body: RevokeUserKeyRequest, @Ctx() ctx: CommandContext, @Res({ passthrough: true }) res: FastifyReply): Promise<UserKeyResponse> {
    return respond(res, await this.keys.revoke(id, keyId, body.reason, ctx));
  }

  @Get()
  @ApiOperation({ summary: 'The user\'s signing keys, revoked ones included (the user, administrators, auditors)' })
  @ApiParam({ name: 'id', example: 'p-vice-mayor' })
  @ApiOkResponse({ type: UserKeyListResponse })
  @ApiForbiddenResponse(error('AUTH.ROLE_NOT_ALLOWED', 'The role unit_staff may not run ReadUserKeys.'))
  @ApiNotFoundResponse(error('USER.NOT_FOUND', 'User p-vice-mayor is not registered.'))
  list(@Param('id') id: string, @CurrentActor() actor: AuthenticatedActor, @Res({ passthrough: true }) res: FastifyReply): UserKeyListResponse {
    const user = this.keys.list(actor, id);
    res.header('ETag', `"${user.version}"`);
    return { userId: id, version: user.version, items: user.state.keys.map((key) => toUserKeyResponse(id, key)) };
  }
}

function respond(res: FastifyReply, { user, key }: KeyOutcome): UserKeyResponse {
  res.header('ETag', `"${user.version}"`);
  return toUserKeyResponse(user.state.userId, key);
}
