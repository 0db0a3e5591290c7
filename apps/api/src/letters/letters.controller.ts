import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional } from 'class-validator';
import { domainError } from '@ledger/domain';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { QueryContext } from '../read-models/queries';
import { ApiCommand, ApiPathParams, ApiQuery } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { EntityId } from '../shared/dto';
import { recordRepresentation, representationHash, viewOr404 } from '../shared/record-commands';
import { AmendLetterRequestDto, DraftLetterRequestDto, LetterCommand, LetterCommandHandler, letterTerms, SignLetterRequestDto, WithdrawLetterRequestDto } from './letter-commands';

const accepted = (events: string[], version: number) => ({ id: 'l-2018-zh', streamId: 'letter-l-2018-zh', version, position: 80, eventIds: ['5d6e7f80-1a2b-8c3d-9e4f-000000000001'], events });
const letterExample = {
  status: 'signed',
  letterId: 'l-2018-zh',
  year: 2018,
  upperUnitId: 'city',
  lowerUnitId: 'zh',
  documentNumber: 'DEMO-衡责〔2018〕3号',
  title: '2018 land-work responsibility letter: Zhuhui District',
  objectiveIds: ['o-2018-zh-t4'],
  signatures: [{ party: 'upper', signerId: 'p-mayor', letterHash: '1e'.repeat(32), signedOn: '2018-09-10' }],
  inForceFrom: '2018-09-10',
  version: 3,
};

export class LetterListQueryDto {
  @EntityId({ example: 'zh', description: 'The lower (committed) or upper unit.' }, true)
  unitId?: string;

  @ApiPropertyOptional({ example: 2018 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  year?: number;
}

/** Responsibility letters (责任书 / cam kết). */
@ApiTags('responsibility letters')
@ApiPathParams()
@Controller('v1/letters')
export class LettersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly context: QueryContext,
  ) {}

  @Post()
  @ApiCommand({ summary: 'Draft a responsibility letter for a year (leaders of the upper unit, appraisers)', created: true, example: accepted(['ResponsibilityLetterDrafted'], 1), codes: { 409: 'LETTER.ALREADY_DRAFTED' } })
  draft(@Body() body: DraftLetterRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new LetterCommand(body.letterId, { use: 'draft', body }, ctx));
  }

  @Post(':letterId/amendments')
  @HttpCode(200)
  @ApiCommand({ summary: 'Amend the title and objectives, before the first signature', example: accepted(['ResponsibilityLetterAmended'], 2), errors: [404], codes: { 404: 'LETTER.NOT_FOUND' } })
  amend(@Param('letterId') letterId: string, @Body() body: AmendLetterRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new LetterCommand(letterId, { use: 'amend', body }, ctx));
  }

  @Post(':letterId/signatures')
  @HttpCode(200)
  @ApiCommand({ summary: 'Sign for a party (upper: a leader; lower: the unit head); records the hash of the letter as shown', example: accepted(['ResponsibilityLetterSigned'], 3), errors: [404], codes: { 404: 'LETTER.NOT_FOUND' } })
  sign(@Param('letterId') letterId: string, @Body() body: SignLetterRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new LetterCommand(letterId, { use: 'sign', body }, ctx));
  }

  @Post(':letterId/withdrawal')
  @HttpCode(200)
  @ApiCommand({ summary: 'Withdraw the letter with a reason (leaders)', example: accepted(['ResponsibilityLetterWithdrawn'], 4), errors: [404], codes: { 404: 'LETTER.NOT_FOUND' } })
  withdraw(@Param('letterId') letterId: string, @Body() body: WithdrawLetterRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new LetterCommand(letterId, { use: 'withdraw', body }, ctx));
  }

  @Get()
  @ApiQuery({ summary: 'Letters in the caller\'s read scope', example: { items: [letterExample] } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: LetterListQueryDto) {
    const { models, scope } = this.context.for(actor);
    const items = [...models.letters.values()]
      .filter(({ record }) => scope.unit(record.lowerUnitId) || scope.unit(record.upperUnitId))
      .filter(({ record }) => query.unitId === undefined || record.lowerUnitId === query.unitId || record.upperUnitId === query.unitId)
      .filter(({ record }) => query.year === undefined || record.year === query.year)
      .map(recordRepresentation);
    return { items };
  }

  @Get(':letterId')
  @ApiQuery({ summary: 'One letter (ETag: its version); `termsHash` (SHA-256 of the RFC 8785 canonical `terms`) is what a signature records', etag: true, example: letterExample, errors: [404], codes: { 404: 'LETTER.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('letterId') letterId: string) {
    const { models, scope } = this.context.for(actor);
    const view = viewOr404(models.letters.get(letterId), () => domainError('LETTER.NOT_FOUND', { letter: letterId }));
    scope.require(scope.unit(view.record.lowerUnitId) || scope.unit(view.record.upperUnitId), view.record.lowerUnitId);
    const terms = letterTerms(view.record);
    return { ...recordRepresentation(view), terms, termsHash: representationHash(terms) };
  }
}

@Module({ controllers: [LettersController], providers: [LetterCommandHandler, QueryContext] })
export class LettersModule {}
