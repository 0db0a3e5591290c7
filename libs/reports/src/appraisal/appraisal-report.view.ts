import type { Localized } from '../i18n/language';
import type { GradeView, LedgerStamp, Names } from '../view';

/**
 * The annual appraisal of a peer group as the report prints it: plain data, filled by the API from the appraisal
 * cycle and the unit appraisal read model. Counts of a unit outside the reader's scope are null (its grade, as the
 * cycle publishes it, is still shown).
 */
export interface AppraisalReportView {
  readonly cycle: {
    readonly cycleId: string;
    readonly year: number;
    readonly peerGroup: string;
    readonly status: string;
    readonly ownerUnitId: string;
    readonly ownerUnitNames: Names | null;
    readonly ruleSetId: string;
    readonly ruleSetName: Localized | null;
    readonly signOffId: string | null;
  };
  readonly units: readonly AppraisalUnitRow[];
  readonly cadres: readonly AppraisalCadreRow[];
  readonly moves: readonly AppraisalMoveRow[];
  readonly appeals: readonly AppraisalAppealRow[];
  readonly ledger: LedgerStamp;
  /** When the report was made (ISO instant). */
  readonly generatedAt: string;
  /** The jurisdiction's UTC offset instants are shown in. */
  readonly timeZoneOffset: string;
}

export interface TimelinessCounts {
  readonly total: number;
  readonly doneOnTime: number;
  readonly doneLate: number;
  readonly notDoneWithinDeadline: number;
  readonly notDoneOverdue: number;
}

export interface OutcomeCounts {
  readonly total: number;
  readonly exceeded: number;
  readonly met: number;
  readonly missed: number;
  readonly excused: number;
  readonly notEvaluated: number;
}

export interface AppraisalUnitRow {
  readonly unitId: string;
  readonly names: Names | null;
  /** Null: the unit is outside the reader's read scope. */
  readonly tasks: TimelinessCounts | null;
  readonly objectives: OutcomeCounts | null;
  readonly findings: { readonly praise: number; readonly criticism: number; readonly neutral: number } | null;
  readonly score: number | null;
  readonly proposedGrade: GradeView | null;
  /** The grade in force once published (moderated, then changed only by upheld appeals). */
  readonly finalGrade: GradeView | null;
}

export interface AppraisalCadreRow {
  readonly personId: string;
  readonly name: string;
  readonly postTitle: string;
  readonly unitId: string;
  readonly unitNames: Names | null;
  readonly from: string;
  readonly to: string | null;
  readonly unitGrade: GradeView | null;
  readonly headGrade: GradeView | null;
}

export type AppraisalMoveRow = {
  readonly unitId: string;
  readonly unitNames: Names | null;
  readonly from: GradeView;
  readonly to: GradeView;
} & (
  | { readonly reason: 'quota'; readonly rank: number; readonly limit: number; readonly poolSize: number; readonly tie: boolean }
  | { readonly reason: 'council'; readonly note: string }
  | { readonly reason: 'appeal'; readonly appealId: string; readonly note: string }
);

export interface AppraisalAppealRow {
  readonly appealId: string;
  readonly unitId: string;
  readonly unitNames: Names | null;
  readonly appellantId: string;
  readonly decision: 'pending' | 'upheld' | 'rejected';
}

/** Tasks done on time over all tasks counted (null when there is none). */
export function rate(part: number, counts: TimelinessCounts | null): number | null {
  return counts === null || counts.total === 0 ? null : part / counts.total;
}
