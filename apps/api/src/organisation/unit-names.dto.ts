import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** A unit's names in the working languages: any subset, at least one (the domain checks). */
export class UnitNamesDto {
  @ApiPropertyOptional({ example: 'Zhuhui District', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  en?: string;

  @ApiPropertyOptional({ example: 'Quận Châu Huy', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  vi?: string;

  @ApiPropertyOptional({ example: '珠晖区', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  zh?: string;
}
