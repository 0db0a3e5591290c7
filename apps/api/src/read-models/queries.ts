import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Actor } from '@ledger/domain';
import type { LedgerReadModels } from '@ledger/projections';
import { ReadModelsService } from './read-models.service';
import { ReadScope } from './read-scope';

/** What every query starts from: one consistent snapshot of the models and the caller's read scope over it. */
@Injectable()
export class QueryContext {
  constructor(private readonly readModels: ReadModelsService) {}

  for(actor: Actor): { models: LedgerReadModels; scope: ReadScope } {
    const models = this.readModels.current();
    return { models, scope: new ReadScope(actor, models, this.readModels.orgUnits()) };
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

export function paginate<T>(items: T[], page = 1, pageSize = 50): Page<T> {
  const start = (page - 1) * pageSize;
  return { items: items.slice(start, start + pageSize), page, pageSize, total: items.length };
}

/** `page` (from 1) and `pageSize` (1–500, default 50) of a list query. */
export class PageQueryDto {
  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}
