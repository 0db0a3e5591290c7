import { ApiProperty } from '@nestjs/swagger';
import { USER_KEY_ALGORITHMS, USER_KEY_CUSTODIES, type UserKeyAlgorithm, type UserKeyCustody, type UserKeyRecord } from '@ledger/domain';
import { ActorRefResponse } from '../auth/users/user.response.dto';

/** A signing key as registered: the public half only (a server-kept private key never leaves the vault). */
export class UserKeyResponse {
  @ApiProperty({ example: 'p-vice-mayor' }) userId!: string;
  @ApiProperty({ example: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79', description: 'Hex SHA-256 of the raw public key: the `keyid` of the envelopes it signs.' }) keyId!: string;
  @ApiProperty({ enum: USER_KEY_ALGORITHMS, example: 'ed25519' }) algorithm!: UserKeyAlgorithm;
  @ApiProperty({ example: 'Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=' }) publicKey!: string;
  @ApiProperty({ enum: USER_KEY_CUSTODIES, example: 'user' }) custody!: UserKeyCustody;
  @ApiProperty({ example: '2018-09-01T09:00:00+08:00' }) registeredAt!: string;
  @ApiProperty({ type: ActorRefResponse }) registeredBy!: ActorRefResponse;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'From this instant on the key signs nothing; earlier signatures stay attributable.' }) revokedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) revocationReason!: string | null;
}

export class UserKeyListResponse {
  @ApiProperty({ example: 'p-vice-mayor' }) userId!: string;
  @ApiProperty({ example: 3, description: 'The user record\'s version (also the ETag).' }) version!: number;
  @ApiProperty({ type: [UserKeyResponse], description: 'In order of registration, revoked ones included.' }) items!: UserKeyResponse[];
}

export function toUserKeyResponse(userId: string, key: UserKeyRecord): UserKeyResponse {
  return {
    userId,
    keyId: key.keyId,
    algorithm: key.algorithm,
    publicKey: key.publicKey,
    custody: key.custody,
    registeredAt: key.registeredAt,
    registeredBy: { id: key.registeredBy.id, role: key.registeredBy.role, unit: key.registeredBy.unit },
    revokedAt: key.revoked?.at ?? null,
    revocationReason: key.revoked?.reason ?? null,
  };
}
