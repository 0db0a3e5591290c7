import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { domainError, type Actor } from '@ledger/domain';
import { PageQueryDto, paginate, QueryContext } from '../read-models/queries';
import { directiveRepresentation } from '../read-models/representations';
import { EntityId } from '../shared/dto';

export class DirectiveListQueryDto extends PageQueryDto {
  @EntityId({ example: 'city' }, true)
  issuerUnitId?: string;

  @ApiPropertyOptional({ example: 'DEMO-衡督〔2018〕1号' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  documentNumber?: string;

  @ApiPropertyOptional({ enum: ['issued', 'withdrawn'] })
  @IsOptional()
  @IsIn(['issued', 'withdrawn'])
  status?: 'issued' | 'withdrawn';

  @ApiPropertyOptional({ example: 2018, description: 'Year of the issue date.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(9999)
  year?: number;
}

/** The directives read model, within the caller's read scope. */
@Injectable()
export class DirectiveQueries {
  constructor(private readonly context: QueryContext) {}

  list(actor: Actor, query: DirectiveListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const documentNumber = query.documentNumber?.normalize('NFC');
    const items = [...models.directives.directives.values()]
      .filter((view) => query.issuerUnitId === undefined || view.record.issuer.unitId === query.issuerUnitId)
      .filter((view) => documentNumber === undefined || view.record.documentNumber === documentNumber)
      .filter((view) => query.status === undefined || view.record.status === query.status)
      .filter((view) => query.year === undefined || view.record.issuedOn.startsWith(`${query.year}-`))
      .filter((view) => scope.directive(view))
      .sort((a, b) => (a.record.issuedOn === b.record.issuedOn ? (a.directiveId < b.directiveId ? -1 : 1) : a.record.issuedOn < b.record.issuedOn ? 1 : -1))
      .map(directiveRepresentation);
    return paginate(items, query.page, query.pageSize);
  }

  get(actor: Actor, directiveId: string) {
    const { models, scope } = this.context.for(actor);
    const view = models.directives.directives.get(directiveId);
    if (!view) throw domainError('DIRECTIVE.NOT_FOUND', { directive: directiveId });
    scope.require(scope.directive(view), view.record.issuer.unitId);
    return directiveRepresentation(view);
  }
}
