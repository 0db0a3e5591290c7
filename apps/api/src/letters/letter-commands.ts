import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import {
  domainError,
  LETTER_PARTIES,
  letterStreamId,
  responsibilityLetterDecider,
  type LetterParty,
  type ResponsibilityLetterCommand,
  type ResponsibilityLetterRecord,
  type ResponsibilityLetterState,
} from '@ledger/domain';
import { CommandRunner, type CommandAccepted, type Envelope } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId, EntityIdList, Text } from '../shared/dto';
import { onRecord, representationHash } from '../shared/record-commands';

/**
 * Responsibility letters (责任书 / cam kết): drafted by the upper side, signed by both parties, amended before the
 * first signature, withdrawn with a reason. One command class per context, the use case named by `use`.
 */
export class DraftLetterRequestDto {
  @EntityId({ example: 'l-2018-zh' })
  letterId!: string;

  @ApiProperty({ example: 2018 })
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(9999)
  year!: number;

  @EntityId({ example: 'city' })
  upperUnitId!: string;

  @EntityId({ example: 'zh' })
  lowerUnitId!: string;

  @Text(100, { example: 'DEMO-衡责〔2018〕3号' }, true)
  documentNumber?: string;

  @Text(500, { example: '2018 land-work responsibility letter: Zhuhui District' })
  title!: string;

  @EntityIdList({ example: ['o-2018-zh-t4'] })
  objectiveIds!: string[];
}

export class AmendLetterRequestDto {
  @Text(500, { example: '2018 land-work responsibility letter (revised)' })
  title!: string;

  @EntityIdList({ example: ['o-2018-zh-t4'] })
  objectiveIds!: string[];

  @Text(2000, { example: 'T4 objective added after the dispatch meeting' })
  reason!: string;
}

export class SignLetterRequestDto {
  @ApiProperty({ enum: LETTER_PARTIES, example: 'lower', description: '`upper`: a leader of the upper unit; `lower`: the head of the lower unit.' })
  @IsIn(LETTER_PARTIES)
  party!: LetterParty;
}

export class WithdrawLetterRequestDto {
  @Text(2000, { example: 'Superseded by the 2018 supplementary letter' })
  reason!: string;
}

type LetterUse =
  | { use: 'draft'; body: DraftLetterRequestDto }
  | { use: 'amend'; body: AmendLetterRequestDto }
  | { use: 'sign'; body: SignLetterRequestDto }
  | { use: 'withdraw'; body: WithdrawLetterRequestDto };

export class LetterCommand extends Command<CommandAccepted> {
  constructor(
    readonly letterId: string,
    readonly request: LetterUse,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** What the parties sign: the letter's terms, without its signatures and status (the same for both signers). */
export function letterTerms(record: ResponsibilityLetterRecord) {
  const { letterId, year, upperUnitId, lowerUnitId, documentNumber, title, objectiveIds } = record;
  return { letterId, year, upperUnitId, lowerUnitId, documentNumber, title, objectiveIds };
}

const lowerUnit = (state: ResponsibilityLetterState) => (state.status === 'none' ? null : state.lowerUnitId);

@CommandHandler(LetterCommand)
export class LetterCommandHandler implements ICommandHandler<LetterCommand> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ letterId, request, ctx }: LetterCommand): Promise<CommandAccepted> {
    const models = await this.runner.modelsAtHead();
    const base = {
      decider: responsibilityLetterDecider,
      streamId: letterStreamId(letterId),
      id: letterId,
      notFound: () => domainError('LETTER.NOT_FOUND', { letter: letterId }),
    };
    const command = (build: (state: ResponsibilityLetterState, envelope: Envelope) => ResponsibilityLetterCommand) => build;
    switch (request.use) {
      case 'draft': {
        const body = request.body;
        return this.runner.run(
          ctx,
          onRecord({
            ...base,
            creates: true,
            commandType: 'DraftResponsibilityLetter',
            targetUnit: () => body.lowerUnitId,
            build: command((_state, envelope) => ({
              type: 'DraftResponsibilityLetter',
              ...envelope,
              letterId,
              year: body.year,
              upperUnitId: body.upperUnitId,
              lowerUnitId: body.lowerUnitId,
              documentNumber: body.documentNumber ?? null,
              title: body.title,
              objectiveIds: body.objectiveIds,
            })),
          }),
        );
      }
      case 'amend': {
        const body = request.body;
        return this.runner.run(ctx, onRecord({ ...base, commandType: 'AmendResponsibilityLetter', targetUnit: lowerUnit, build: command((_s, envelope) => ({ type: 'AmendResponsibilityLetter', ...envelope, letterId, title: body.title, objectiveIds: body.objectiveIds, reason: body.reason })) }));
      }
      case 'sign': {
        const body = request.body;
        // The hash of the letter's terms as GET /v1/letters/{id} shows them (`terms`): both parties sign the same text.
        const view = models.letters.get(letterId);
        const letterHash = view === undefined ? '' : representationHash(letterTerms(view.record));
        return this.runner.run(ctx, onRecord({ ...base, commandType: 'SignResponsibilityLetter', targetUnit: lowerUnit, build: command((_s, envelope) => ({ type: 'SignResponsibilityLetter', ...envelope, letterId, party: body.party, letterHash })) }));
      }
      case 'withdraw': {
        const body = request.body;
        return this.runner.run(ctx, onRecord({ ...base, commandType: 'WithdrawResponsibilityLetter', targetUnit: lowerUnit, build: command((_s, envelope) => ({ type: 'WithdrawResponsibilityLetter', ...envelope, letterId, reason: body.reason })) }));
      }
    }
  }
}
