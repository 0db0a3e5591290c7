import type { CommandEnvelope } from '../shared/actor';
import type { JsonObject } from '../shared/json';
import type { LetterParty } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; letterId: string } & Fields> & CommandEnvelope;

export type DraftResponsibilityLetter = Shape<
  'DraftResponsibilityLetter',
  {
    year: number;
    upperUnitId: string;
    lowerUnitId: string;
    documentNumber?: string | null;
    title: string;
    objectiveIds: readonly string[];
  }
>;
/** Replaces the title and the list of objectives; only before the first signature. */
export type AmendResponsibilityLetter = Shape<
  'AmendResponsibilityLetter',
  { title: string; objectiveIds: readonly string[]; reason: string }
>;
/** `letterHash` is the SHA-256 of the letter exactly as shown to the signer, computed by the application. */
export type SignResponsibilityLetter = Shape<
  'SignResponsibilityLetter',
  { party: LetterParty; letterHash: string; signature?: JsonObject | null }
>;
export type WithdrawResponsibilityLetter = Shape<'WithdrawResponsibilityLetter', { reason: string }>;

export type ResponsibilityLetterCommand =
  | DraftResponsibilityLetter
  | AmendResponsibilityLetter
  | SignResponsibilityLetter
  | WithdrawResponsibilityLetter;

export type ResponsibilityLetterCommandType = ResponsibilityLetterCommand['type'];
