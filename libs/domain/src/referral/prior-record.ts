import type { CaseEvent } from '../accountability/events';
import type { AppraisalEvent } from '../appraisal/events';
import { dateOf, type IsoDate } from '../shared/dates';
import type { UnitState } from '../unit/decider';
import { headOn } from '../unit/queries';
import type { LoggedEvent } from './build-referral';
import type { PriorDecision, PriorGrade } from './referral';

/**
 * What the ledger already holds about a unit and the persons a referral names (DOMAIN.md: "prior grades and prior
 * decisions" among the mitigations): the final grades of appraisal cycles of earlier years, and the accountability
 * decisions of earlier cases still in force on the day. Pure: the application passes the streams it holds.
 */
export type PriorRecordInput = {
  /** The unit referred. */
  unitId: string;
  /** The persons the referral names (heads and deputies at the time). */
  personIds: readonly string[];
  /** The referral's year: only cycles of earlier years count. */
  year: number;
  /** The day of the referral's evaluation: only decisions recorded up to it count, as they stood then. */
  asOf: IsoDate;
  /** Each appraisal cycle's stream (`appraisal-<year>-<peerGroup>`). */
  appraisalCycles?: readonly (readonly LoggedEvent<AppraisalEvent>[])[];
  /** Each accountability case's stream (`case-<id>`). */
  cases?: readonly (readonly LoggedEvent<CaseEvent>[])[];
  /**
   * The units whose heads may be among `personIds` (at least the unit referred): a person's grade as head of a unit
   * in a year is the head grade the cycle finalised for that unit, when they were its head at the year's close.
   */
  units?: readonly UnitState[];
};

export type PriorRecord = { priorGrades: PriorGrade[]; priorDecisions: PriorDecision[] };

export function priorRecordOf(input: PriorRecordInput): PriorRecord {
  return { priorGrades: priorGradesOf(input), priorDecisions: priorDecisionsOf(input) };
}

/**
 * Final grades only (`AppraisalFinalized`): a proposed, moderated or published grade may still move. For each
 * earlier cycle, the unit's own grade, and each named person's head grade for a unit they headed at that year's close.
 * Ordered by year, then cycle, unit grades before head grades.
 */
function priorGradesOf(input: PriorRecordInput): PriorGrade[] {
  const grades: PriorGrade[] = [];
  const units = new Map((input.units ?? []).filter((unit) => unit.status !== 'unregistered').map((unit) => [unit.unitId, unit]));
  for (const events of input.appraisalCycles ?? []) {
    const opened = events.find((event) => event.type === 'AppraisalCycleOpened');
    const finalized = [...events].reverse().find((event) => event.type === 'AppraisalFinalized');
    if (opened?.type !== 'AppraisalCycleOpened' || finalized?.type !== 'AppraisalFinalized') continue;
    const { year, ruleSetId, cycleId } = opened.data;
    if (year >= input.year) continue;
    for (const entry of finalized.data.grades) {
      const base = { year, cycleId, ruleSetId, eventId: finalized.id, unitId: entry.unitId };
      if (entry.unitId === input.unitId) grades.push({ ...base, subject: 'unit', personId: null, grade: entry.grade });
      if (entry.headGrade === null) continue;
      const unit = units.get(entry.unitId);
      const head = unit === undefined ? null : headOn(unit, `${String(year).padStart(4, '0')}-12-31`);
      if (head !== null && input.personIds.includes(head.personId)) {
        grades.push({ ...base, subject: 'head', personId: head.personId, grade: entry.headGrade });
      }
    }
  }
  return grades.sort((a, b) => a.year - b.year || compare(a.cycleId, b.cycleId) || compare(a.subject, b.subject) || compare(a.unitId, b.unitId));
}

/**
 * Decisions of other cases about the unit (a decision on the unit itself, or any decision of a case referring the
 * unit) or about a named person, as in force on `asOf`: an upheld appeal annuls the decision on that person, a
 * varied one replaces its form (and the variation's event is the one cited). Ordered by day, then case.
 */
function priorDecisionsOf(input: PriorRecordInput): PriorDecision[] {
  const decisions: PriorDecision[] = [];
  for (const events of input.cases ?? []) {
    let subjectUnitId: string | null = null;
    let inForce: PriorDecision[] = [];
    const appeals = new Map<string, string | null>();
    for (const event of events) {
      if (dateOf(event.data.at) > input.asOf) break;
      switch (event.type) {
        case 'CaseReferred':
          subjectUnitId = event.data.subjectUnitId;
          break;
        case 'CaseDecided':
          inForce = event.data.decisions.map((item) => ({
            caseId: event.data.caseId,
            decidedOn: dateOf(event.data.at),
            personId: item.personId,
            form: item.form,
            eventId: event.id,
          }));
          break;
        case 'CaseAppealed':
          appeals.set(event.data.appealId, event.data.personId);
          break;
        case 'CaseAppealDecided': {
          if (!appeals.has(event.data.appealId) || event.data.decision === 'rejected') break;
          const personId = appeals.get(event.data.appealId) ?? null;
          const form = event.data.form;
          inForce =
            event.data.decision === 'upheld'
              ? inForce.filter((item) => item.personId !== personId)
              : inForce.map((item) => (item.personId === personId && form !== null ? { ...item, form, eventId: event.id } : item));
          break;
        }
        default:
          break;
      }
    }
    for (const item of inForce) {
      const aboutUnit = subjectUnitId === input.unitId;
      const aboutPerson = item.personId !== null && input.personIds.includes(item.personId);
      if (aboutUnit || aboutPerson) decisions.push(item);
    }
  }
  return decisions.sort((a, b) => compare(a.decidedOn, b.decidedOn) || compare(a.caseId, b.caseId) || compare(a.personId ?? '', b.personId ?? ''));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
