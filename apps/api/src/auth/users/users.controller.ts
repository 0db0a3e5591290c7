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
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedActor } from '../authenticated-actor';
import type { IndexedUser } from '../identity.index';
import { CurrentActor } from '../current-actor.decorator';
import { IdentityCommands } from '../identity-commands.service';
import { Ctx, type CommandContext } from '../../shared/command-context';
import { UserQueries } from './user.queries';
import { ChangeUserRoleRequest, IssueApiTokenRequest, ReasonRequest, RegisterUserRequest } from './user.request.dto';
import { IssuedApiTokenResponse, toUserResponse, UserListResponse, UserResponse } from './user.response.dto';

const idempotencyHeader = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Makes a retry a no-op that returns the first result (scoped to the caller). 1–100 of [A-Za-z0-9._:~-].',
  example: '7d4c2a34-2f0e-4b8e-9a51-0d6f3c1b9e20',
};
const ifMatchHeader = { name: 'If-Match', required: false, description: 'The ETag (version) the change is based on.', example: '"2"' };
const error = (code: string, message: string) => ({ schema: { example: { code, message, fields: [] } } });

@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid token.', ...error('AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked') })
@ApiTooManyRequestsResponse({ description: 'Too many failed authentications from this address.', ...error('AUTH.TOO_MANY_FAILURES', 'retry in 60 s') })
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly commands: IdentityCommands,
    private readonly queries: UserQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a user (administrator)', description: 'The user has no token yet: issue one with POST /v1/users/{id}/tokens.' })
  @ApiHeader(idempotencyHeader)
  @ApiCreatedResponse({ type: UserResponse })
  @ApiBadRequestResponse(error('REQUEST.VALIDATION', 'role: role must be one of the following values: ...'))
  @ApiForbiddenResponse(error('USER.ADMINISTRATOR_ONLY', 'Only an administrator may register users, ...'))
  @ApiConflictResponse(error('USER.ALREADY_REGISTERED', 'User p-zh-staff is already registered.'))
  async register(
    @Body() body: RegisterUserRequest,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<UserResponse> {
    const { user } = await this.commands.execute(
      { type: 'RegisterUser', userId: body.id, displayName: body.displayName, role: body.role, unitId: body.unitId },
      ctx,
    );
    return respond(res, user);
  }

  @Get()
  @ApiOperation({ summary: 'List users and their tokens (administrator, auditor)', description: 'Tokens are listed without secrets or hashes.' })
  @ApiOkResponse({ type: UserListResponse })
  @ApiForbiddenResponse(error('AUTH.ROLE_NOT_ALLOWED', 'The role unit_staff may not run ListUsers.'))
  list(@CurrentActor() actor: AuthenticatedActor): UserListResponse {
    return { items: this.queries.list(actor).map(toUserResponse) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user and their tokens (administrator, auditor, or the user)' })
  @ApiParam({ name: 'id', example: 'p-zh-staff' })
  @ApiOkResponse({ type: UserResponse, description: 'With an ETag header: the version, for If-Match.' })
  @ApiForbiddenResponse(error('AUTH.ROLE_NOT_ALLOWED', 'The role unit_staff may not run ReadUser.'))
  @ApiNotFoundResponse(error('USER.NOT_FOUND', 'User p-zh-staff is not registered.'))
  get(@Param('id') id: string, @CurrentActor() actor: AuthenticatedActor, @Res({ passthrough: true }) res: FastifyReply): UserResponse {
    return respond(res, this.queries.get(actor, id));
  }

  @Post(':id/tokens')
  @ApiOperation({
    summary: 'Issue an API token (administrator; or a user for themselves)',
    description: 'The response holds the whole token, the only time it is shown: the ledger records only the SHA-256 of its secret.',
  })
  @ApiParam({ name: 'id', example: 'p-zh-staff' })
  @ApiHeader(idempotencyHeader)
  @ApiCreatedResponse({ type: IssuedApiTokenResponse })
  @ApiForbiddenResponse(error('USER.ADMINISTRATOR_ONLY', 'Only an administrator may ... issue tokens for others.'))
  @ApiNotFoundResponse(error('USER.NOT_FOUND', 'User p-zh-staff is not registered.'))
  @ApiConflictResponse(error('USER.DEACTIVATED', 'User p-zh-staff is deactivated.'))
  @ApiUnprocessableEntityResponse(error('USER.TOKEN_EXPIRY_NOT_FUTURE', 'A token cannot expire at ...: that is not after now (...).'))
  async issueToken(
    @Param('id') id: string,
    @Body() body: IssueApiTokenRequest,
    @Ctx() ctx: CommandContext,
  ): Promise<IssuedApiTokenResponse> {
    const issued = await this.commands.issueToken({ userId: id, label: body.label ?? null, expiresAt: body.expiresAt ?? null }, ctx);
    const summary = issued.user.state.tokens.find((t) => t.tokenId === issued.tokenId)!;
    return { userId: id, tokenId: issued.tokenId, token: issued.token, label: summary.label, expiresAt: summary.expiresAt };
  }

  @Post(':id/tokens/:tokenId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API token (administrator, or the token’s user)', description: 'From now on the token is refused with 401.' })
  @ApiParam({ name: 'id', example: 'p-zh-staff' })
  @ApiParam({ name: 'tokenId', example: '5f0c8e1a9b7d3c2e4f6a8b0c' })
  @ApiHeader(idempotencyHeader)
  @ApiHeader(ifMatchHeader)
  @ApiOkResponse({ type: UserResponse })
  @ApiForbiddenResponse(error('USER.TOKEN_REVOKE_NOT_ALLOWED', 'Only an administrator or the token’s own user may revoke it.'))
  @ApiNotFoundResponse(error('USER.TOKEN_NOT_FOUND', 'User p-zh-staff has no API token 5f0c8e1a9b7d3c2e4f6a8b0c.'))
  @ApiConflictResponse(error('USER.TOKEN_ALREADY_REVOKED', 'API token 5f0c8e1a9b7d3c2e4f6a8b0c is already revoked.'))
  async revokeToken(
    @Param('id') id: string,
    @Param('tokenId') tokenId: string,
    @Body() body: ReasonRequest,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<UserResponse> {
    const { user } = await this.commands.execute({ type: 'RevokeApiToken', userId: id, tokenId, reason: body.reason }, ctx);
    return respond(res, user);
  }

  @Post(':id/role')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a user’s role or unit (administrator; not their own)' })
  @ApiParam({ name: 'id', example: 'p-zh-staff' })
  @ApiHeader(idempotencyHeader)
  @ApiHeader(ifMatchHeader)
  @ApiOkResponse({ type: UserResponse })
  @ApiForbiddenResponse(error('USER.SELF_ROLE_CHANGE', 'You cannot change your own role or unit: another administrator must.'))
  @ApiConflictResponse(error('STORE.WRONG_EXPECTED_VERSION', 'the record changed: it is at version 3, the request expected 2'))
  async changeRole(
    @Param('id') id: string,
    @Body() body: ChangeUserRoleRequest,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<UserResponse> {
    const { user } = await this.commands.execute(
      { type: 'ChangeUserRole', userId: id, role: body.role, unitId: body.unitId, reason: body.reason },
      ctx,
    );
    return respond(res, user);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate a user (administrator; not themselves)', description: 'Every token of the user is refused from now on; the record stays.' })
  @ApiParam({ name: 'id', example: 'p-zh-staff' })
  @ApiHeader(idempotencyHeader)
  @ApiHeader(ifMatchHeader)
  @ApiOkResponse({ type: UserResponse })
  @ApiForbiddenResponse(error('USER.SELF_DEACTIVATION', 'You cannot deactivate yourself: another administrator must.'))
  @ApiConflictResponse(error('USER.DEACTIVATED', 'User p-zh-staff is deactivated.'))
  async deactivate(
    @Param('id') id: string,
    @Body() body: ReasonRequest,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<UserResponse> {
    const { user } = await this.commands.execute({ type: 'DeactivateUser', userId: id, reason: body.reason }, ctx);
    return respond(res, user);
  }
}

/** The user's view, with its version as the ETag (for If-Match). */
function respond(res: FastifyReply, user: IndexedUser): UserResponse {
  res.header('ETag', `"${user.version}"`);
  return toUserResponse(user);
}
