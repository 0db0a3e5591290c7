import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ID_PATTERN, ROLES, type Role } from '@ledger/domain';

const ID_RULE = 'lower-case letters, digits and inner hyphens, at most 64 characters';

export class RegisterUserRequest {
  @ApiProperty({ description: `The user's id, and the actor id of everything they record (${ID_RULE}).`, example: 'p-zh-staff', pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `id must be ${ID_RULE}` })
  id!: string;

  @ApiProperty({ example: 'Wang Fang (Zhuhui District office)', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiProperty({ enum: ROLES, example: 'unit_staff' })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ description: 'The unit the user acts for: their scope.', example: 'zh', pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `unitId must be ${ID_RULE}` })
  unitId!: string;
}

export class ChangeUserRoleRequest {
  @ApiProperty({ enum: ROLES, example: 'unit_head' })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ example: 'zh', pattern: ID_PATTERN.source })
  @Matches(ID_PATTERN, { message: `unitId must be ${ID_RULE}` })
  unitId!: string;

  @ApiProperty({ example: 'Appointed head of Zhuhui District, decision 12/QĐ of 2018-09-01', maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class ReasonRequest {
  @ApiProperty({ example: 'Left the civil service on 2018-12-31', maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class IssueApiTokenRequest {
  @ApiPropertyOptional({ description: 'What the token is for, to recognise it in listings.', example: 'office laptop', maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string | null;

  @ApiPropertyOptional({
    description: 'When the token stops working: an ISO 8601 instant with seconds and an offset, after now. Absent or null: it does not expire.',
    example: '2019-09-06T00:00:00+08:00',
    nullable: true,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string | null;
}
