import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { CauseKind, EvaluationBasis } from './events';
import type { Direction } from './figures';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; objectiveId: string } & Fields> & CommandEnvelope;

/** The responsibility letter as the application read it from `letter-<id>`. */
export type LetterRef = Readonly<{
  id: string;
  year: number;
  lowerUnitId: string;
  objectiveIds: readonly string[];
  status: 'draft' | 'signed' | 'withdrawn';
}>;

/** The plan or directive as the application read it from `directive-<id>`. */
export type ObjectiveDirectiveRef = Readonly<{ id: string; status: 'issued' | 'withdrawn' }>;

/** At least one source: the letter that commits the unit, or the plan / directive that sets the objective. */
export type DefineObjective = Shape<
  'DefineObjective',
  {
    unitId: string;
    year: number;
    metric: string;
    unitOfMeasure: string;
    direction: Direction;
    target: number;
    baseline?: number | null;
    weight: number;
    deadline: IsoDate;
    tolerance: number;
    letter: LetterRef | null;
    directive?: ObjectiveDirectiveRef | null;
    taskIds?: readonly string[];
  }
>;
export type ReportObjectiveActual = Shape<
  'ReportObjectiveActual',
  {
    period: string;
    asOf: IsoDate;
    value: number;
    samePeriodLastYear?: number | null;
    source: string;
    evidence: readonly string[];
  }
>;
export type ProposeObjectiveRevision = Shape<
  'ProposeObjectiveRevision',
  { revisionId: string; newTarget: number; reason: string }
>;
/** The application records the approver's sign-off (of the revision as shown) first and passes its id. */
export type ApproveObjectiveRevision = Shape<'ApproveObjectiveRevision', { revisionId: string; signOffId: string }>;
export type RejectObjectiveRevision = Shape<'RejectObjectiveRevision', { revisionId: string; reason: string }>;
export type RequestObjectiveExtension = Shape<
  'RequestObjectiveExtension',
  { requestId: string; newDeadline: IsoDate; reason: string }
>;
export type GrantObjectiveExtension = Shape<
  'GrantObjectiveExtension',
  { requestId: string; newDeadline: IsoDate; comment?: string | null }
>;
export type DenyObjectiveExtension = Shape<'DenyObjectiveExtension', { requestId: string; reason: string }>;
export type ClaimObjectiveCause = Shape<
  'ClaimObjectiveCause',
  { claimId: string; kind: CauseKind; cause: string; description: string; evidence: readonly string[] }
>;
export type ConfirmObjectiveCause = Shape<'ConfirmObjectiveCause', { claimId: string; comment?: string | null }>;
export type RejectObjectiveCause = Shape<'RejectObjectiveCause', { claimId: string; reason: string }>;
export type EvaluateObjective = Shape<'EvaluateObjective', { basis: EvaluationBasis }>;

export type ObjectiveCommand =
  | DefineObjective
  | ReportObjectiveActual
  | ProposeObjectiveRevision
  | ApproveObjectiveRevision
  | RejectObjectiveRevision
  | RequestObjectiveExtension
  | GrantObjectiveExtension
  | DenyObjectiveExtension
  | ClaimObjectiveCause
  | ConfirmObjectiveCause
  | RejectObjectiveCause
  | EvaluateObjective;

export type ObjectiveCommandType = ObjectiveCommand['type'];
