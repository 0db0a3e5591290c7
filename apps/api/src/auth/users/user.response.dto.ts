import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type ActorRef, type ApiTokenRecord, type Role } from '@ledger/domain';
import type { IndexedUser } from '../identity.index';

export class ActorRefResponse {
  @ApiProperty({ example: 'admin' }) id!: string;
  @ApiProperty({ enum: ROLES, example: 'administrator' }) role!: Role;
  @ApiProperty({ example: 'root' }) unit!: string;
}

/** A token as listed: never its secret, nor the secret's hash. */
export class ApiTokenSummaryResponse {
  @ApiProperty({ example: '5f0c8e1a9b7d3c2e4f6a8b0c' }) tokenId!: string;
  @ApiProperty({ example: 'office laptop', nullable: true, type: String }) label!: string | null;
  @ApiProperty({ example: '2018-09-06T01:00:00.000Z' }) issuedAt!: string;
  @ApiProperty({ type: ActorRefResponse }) issuedBy!: ActorRefResponse;
  @ApiProperty({ example: '2019-09-06T00:00:00+08:00', nullable: true, type: String }) expiresAt!: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'When it was revoked; null while it is not.' })
  revokedAt!: string | null;
}

export class UserResponse {
  @ApiProperty({ example: 'p-zh-staff' }) id!: string;
  @ApiProperty({ example: 'Wang Fang (Zhuhui District office)' }) displayName!: string;
  @ApiProperty({ enum: ROLES, example: 'unit_staff' }) role!: Role;
  @ApiProperty({ example: 'zh' }) unitId!: string;
  @ApiProperty({ enum: ['active', 'deactivated'], example: 'active' }) status!: 'active' | 'deactivated';
  @ApiProperty({ example: '2018-09-06T01:00:00.000Z' }) registeredAt!: string;
  @ApiProperty({ type: ActorRefResponse }) registeredBy!: ActorRefResponse;
  @ApiProperty({ example: null, nullable: true, type: String }) deactivatedAt!: string | null;
  @ApiProperty({ description: 'The version of the user record; also its ETag, for If-Match.', example: 2 }) version!: number;
  @ApiProperty({ type: [ApiTokenSummaryResponse] }) tokens!: ApiTokenSummaryResponse[];
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
}

export class IssuedApiTokenResponse {
  @ApiProperty({ example: 'p-zh-staff' }) userId!: string;
  @ApiProperty({ example: '5f0c8e1a9b7d3c2e4f6a8b0c' }) tokenId!: string;
  @ApiProperty({
    description: 'The bearer token. Shown in this response only: the ledger keeps nothing but its hash.',
    example: 'lgr_5f0c8e1a9b7d3c2e4f6a8b0c_q8Vd2yJ0b7mZk3hX9rPwT1sN4uLcE6aGfH5iKoQjR2w',
  })
  token!: string;
  @ApiProperty({ example: 'office laptop', nullable: true, type: String }) label!: string | null;
  @ApiProperty({ example: '2019-09-06T00:00:00+08:00', nullable: true, type: String }) expiresAt!: string | null;
}

export class MeResponse {
  @ApiProperty({ example: 'p-zh-staff' }) id!: string;
  @ApiProperty({ example: 'Wang Fang (Zhuhui District office)' }) name!: string;
  @ApiProperty({ enum: ROLES, example: 'unit_staff' }) role!: Role;
  @ApiProperty({ description: 'The role in the caller’s language (Accept-Language: en, vi, zh).', example: 'Unit staff' }) roleLabel!: string;
  @ApiProperty({ description: 'The unit the caller acts for.', example: 'zh' }) unit!: string;
  @ApiProperty({ description: 'The token this request was authenticated with.', example: '5f0c8e1a9b7d3c2e4f6a8b0c' }) tokenId!: string;
}

export function toUserResponse({ state, version }: IndexedUser): UserResponse {
  return {
    id: state.userId,
    displayName: state.displayName,
    role: state.role,
    unitId: state.unitId,
    status: state.status,
    registeredAt: state.registeredAt,
    registeredBy: actorOf(state.registeredBy),
    deactivatedAt: state.deactivated?.at ?? null,
    version,
    tokens: state.tokens.map(toTokenSummary),
  };
}

function toTokenSummary(token: ApiTokenRecord): ApiTokenSummaryResponse {
  return {
    tokenId: token.tokenId,
    label: token.label,
    issuedAt: token.issuedAt,
    issuedBy: actorOf(token.issuedBy),
    expiresAt: token.expiresAt,
    revokedAt: token.revoked?.at ?? null,
  };
}

function actorOf(ref: ActorRef): ActorRefResponse {
  return { id: ref.id, role: ref.role, unit: ref.unit };
}
