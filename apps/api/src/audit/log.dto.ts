import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class CheckpointListQueryDto {
  @ApiPropertyOptional({ example: 1000, description: 'The checkpoint of exactly this tree size (404 if none).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  size?: number;

  @ApiPropertyOptional({ example: 0, description: 'List checkpoints of sizes above this one (paging).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class InclusionProofQueryDto {
  @ApiPropertyOptional({ example: 42, description: 'Global position of the event (leaf index + 1).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  position?: number;

  @ApiPropertyOptional({ example: '5f0c8e1a-9b7d-8c2e-8f6a-8b0c5f0c8e1a', description: 'Or the event id (found by a scan of the log: slower).' })
  @IsOptional()
  @IsString()
  @Matches(EVENT_ID, { message: '$property must be an event id (UUID)' })
  eventId?: string;

  @ApiPropertyOptional({ example: 1000, description: 'Tree size to prove against; default: the latest signed checkpoint that contains the event, else the current tree.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  treeSize?: number;
}

export class ConsistencyProofQueryDto {
  @ApiProperty({ example: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from!: number;

  @ApiProperty({ example: 2000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  to!: number;
}

export class CheckpointResponse {
  @ApiProperty({ example: 'accountability-ledger.local/log' }) origin!: string;
  @ApiProperty({ example: 1000 }) size!: number;
  @ApiProperty({ example: '5c7a3fa7ec4cc2f6526950054379b2c52d2db868322245fe3fac0a3ef91164ca' }) rootHash!: string;
  @ApiProperty({ description: 'The C2SP signed note, exactly as signed.', example: 'accountability-ledger.local/log\n1000\nXHo/p+xMwvZSaVAFQ3mywtLbaGgyIkX+P6wKPvkRZMo=\ntime 2018-10-20T02:00:00.000Z\n\n— accountability-ledger.local/log …\n' })
  note!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ example: 'ed25519' }) algorithm!: string;
  @ApiProperty({ description: 'Base64 of the raw Ed25519 public key.' }) publicKey!: string;
  @ApiProperty() signedAt!: string;
  @ApiProperty({ description: 'Position of the CheckpointSigned event in the log.' }) position!: number;
  @ApiProperty() eventId!: string;
}

export class CheckpointListResponse {
  @ApiProperty({ type: [CheckpointResponse] }) items!: CheckpointResponse[];
}

export class PublicKeyResponse {
  @ApiProperty({ example: 'accountability-ledger.local/log' }) origin!: string;
  @ApiProperty({ example: 'ed25519' }) algorithm!: string;
  @ApiProperty({ description: 'Hex SHA-256 of the raw public key.' }) keyId!: string;
  @ApiProperty({ description: 'Base64 of the raw Ed25519 public key (what `ledger verify --ledger-key` and `verify-evidence --ledger-key` take).' }) publicKey!: string;
  @ApiProperty({ description: 'The same key as a signed-note verifier key, `<name>+<key hash>+<base64(0x01 ‖ key)>`, for witnesses and note tooling.' })
  noteVerifierKey!: string;
}

export class InclusionProofResponse {
  @ApiProperty() position!: number;
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty() leafHash!: string;
  @ApiProperty({ type: [String] }) proof!: string[];
  @ApiProperty() eventId!: string;
  @ApiPropertyOptional({ type: CheckpointResponse, nullable: true, description: 'The signed checkpoint of `treeSize`, if there is one.' })
  checkpoint!: CheckpointResponse | null;
}

export class ConsistencyProofResponse {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ type: [String] }) proof!: string[];
  @ApiPropertyOptional({ type: CheckpointResponse, nullable: true }) fromCheckpoint!: CheckpointResponse | null;
  @ApiPropertyOptional({ type: CheckpointResponse, nullable: true }) toCheckpoint!: CheckpointResponse | null;
}
