import type { CommandEnvelope } from '../shared/actor';
import type { AppraisalFacts } from './facts';
import type { RuleSet } from './rule-set';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; cycleId: string } & Fields> & CommandEnvelope;

/**
 * `cycleId` is `<year>-<peerGroup>`; `ownerUnitId` the unit that runs the cycle (the city for a municipal one).
 * `ruleSet` is the rule set `ruleSetId` names, as data, read by the application from the ledger (a published one)
 * or the built-ins: null when neither knows it; absent, the decider looks among the built-ins. `ruleSetWithdrawn`:
 * the ledger withdrew it (no new cycle under it).
 */
export type OpenAppraisalCycle = Shape<
  'OpenAppraisalCycle',
  {
    year: number;
    peerGroup: string;
    ownerUnitId: string;
    ruleSetId: string;
    unitIds: readonly string[];
    ruleSet?: RuleSet | null;
    ruleSetWithdrawn?: boolean;
  }
>;
/** The facts of every unit of the peer group, built by the appraisal projection; the decider scores them. */
export type ScoreAppraisal = Shape<'ScoreAppraisal', { facts: readonly AppraisalFacts[] }>;
/** The quota is applied by the decider; the council's own moves come as adjustments, each with a note. */
export type ModerateAppraisal = Shape<
  'ModerateAppraisal',
  { adjustments?: readonly Readonly<{ unitId: string; to: string; note: string }>[] }
>;
export type ApproveAppraisal = Shape<'ApproveAppraisal', { signOffId: string }>;
export type PublishAppraisal = Shape<'PublishAppraisal', object>;
export type AppealAppraisal = Shape<
  'AppealAppraisal',
  { appealId: string; unitId: string; requestedGrade?: string | null; reason: string }
>;
export type DecideAppraisalAppeal = Shape<
  'DecideAppraisalAppeal',
  { appealId: string; decision: 'upheld' | 'rejected'; newGrade?: string | null; reason: string }
>;
export type FinalizeAppraisal = Shape<'FinalizeAppraisal', object>;

export type AppraisalCommand =
  | OpenAppraisalCycle
  | ScoreAppraisal
  | ModerateAppraisal
  | ApproveAppraisal
  | PublishAppraisal
  | AppealAppraisal
  | DecideAppraisalAppeal
  | FinalizeAppraisal;

export type AppraisalCommandType = AppraisalCommand['type'];
