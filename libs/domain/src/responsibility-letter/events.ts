import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { JsonObject } from '../shared/json';

/**
 * A responsibility letter (责任书 / 承诺书, cam kết): for one year, the lower unit commits to a list of objectives
 * before the upper unit. Drafted (and amended while nobody has signed) → signed by both parties, each signing the
 * same text (the SHA-256 of the letter as shown, computed by the application) → in force; or withdrawn.
 *
 * Every event carries `letterId`, `at` (the command's `now`) and `by` (who recorded it).
 */
type Recorded = { letterId: string; at: IsoInstant; by: ActorRef };

export const LETTER_PARTIES = ['upper', 'lower'] as const;
/** upper: a leader of the upper unit; lower: the head of the lower unit (người đứng đầu / 第一责任人). */
export type LetterParty = (typeof LETTER_PARTIES)[number];

export type ResponsibilityLetterDrafted = DomainEvent<
  'ResponsibilityLetterDrafted',
  Recorded & {
    year: number;
    upperUnitId: string;
    lowerUnitId: string;
    /** In Unicode NFC, when the letter is numbered as a document; null when it is not. */
    documentNumber: string | null;
    title: string;
    objectiveIds: string[];
  }
>;

export type ResponsibilityLetterAmended = DomainEvent<
  'ResponsibilityLetterAmended',
  Recorded & {
    title: string;
    objectiveIds: string[];
    previousTitle: string;
    previousObjectiveIds: string[];
    reason: string;
  }
>;

/**
 * One party's signature, over `letterHash`. `signature` is the signer's envelope, opaque here and verified by the
 * integrity library. `inForce` is true on the second signature: the letter binds from then on.
 */
export type ResponsibilityLetterSigned = DomainEvent<
  'ResponsibilityLetterSigned',
  Recorded & {
    party: LetterParty;
    unitId: string;
    letterHash: string;
    signature: JsonObject | null;
    signedOn: IsoDate;
    inForce: boolean;
  }
>;

export type ResponsibilityLetterWithdrawn = DomainEvent<'ResponsibilityLetterWithdrawn', Recorded & { reason: string }>;

export type ResponsibilityLetterEvent =
  | ResponsibilityLetterDrafted
  | ResponsibilityLetterAmended
  | ResponsibilityLetterSigned
  | ResponsibilityLetterWithdrawn;

export type ResponsibilityLetterEventType = ResponsibilityLetterEvent['type'];
