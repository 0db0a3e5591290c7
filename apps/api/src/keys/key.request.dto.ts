import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { USER_KEY_ALGORITHMS, USER_KEY_CUSTODIES, type UserKeyAlgorithm, type UserKeyCustody } from '@ledger/domain';

const KEY_ID = /^[0-9a-f]{64}$/;

export class RegisterUserKeyRequest {
  @ApiPropertyOptional({ enum: USER_KEY_CUSTODIES, default: 'user', description: '`user`: you hold the private key and send the public key. `server`: the ledger generates a key, keeps its private half encrypted at rest, and signs for you when asked (`signWithServerKey` on a sign-off); send no public key.' })
  @IsOptional()
  @IsIn(USER_KEY_CUSTODIES)
  custody?: UserKeyCustody;

  @ApiPropertyOptional({ enum: USER_KEY_ALGORITHMS, default: 'ed25519' })
  @IsOptional()
  @IsIn(USER_KEY_ALGORITHMS)
  algorithm?: UserKeyAlgorithm;

  @ApiPropertyOptional({ example: 'Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=', description: 'With custody `user` (required): standard base64 of the raw 32-byte Ed25519 public key (`ledger keygen` prints it). The key id is its SHA-256 in hex.' })
  @ValidateIf((o: RegisterUserKeyRequest) => (o.custody ?? 'user') === 'user')
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'publicKey must be the standard base64 of a raw 32-byte key' })
  publicKey?: string;

  @ApiPropertyOptional({ example: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79', description: 'Rotation: the key this one replaces, revoked in the same append.' })
  @IsOptional()
  @Matches(KEY_ID, { message: 'replaces must be a key id (64 lower-case hex digits)' })
  replaces?: string;

  @ApiPropertyOptional({ example: 'Yearly rotation', maxLength: 2000, description: 'Why the replaced key is revoked (with `replaces`; default: "Rotated").' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class RevokeUserKeyRequest {
  @ApiProperty({ example: 'Laptop lost on 2018-10-02', maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
