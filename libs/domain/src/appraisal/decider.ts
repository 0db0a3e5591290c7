import { type ActorRef, actorRef } from '../shared/actor';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { cloneJson, type JsonValue } from '../shared/json';
import type { Role } from '../shared/roles';
import { checkEnvelope, isId, requireId, requireIdList, requireOneOf, requireReason, requireText } from '../shared/validate';
import type {
  AppealAppraisal,
  AppraisalCommand,
  ApproveAppraisal,
  DecideAppraisalAppeal,
  FinalizeAppraisal,
  ModerateAppraisal,
  OpenAppraisalCycle,
  PublishAppraisal,
  ScoreAppraisal,
} from './commands';
import { type AppraisalFacts, checkFacts } from './facts';
import { type GradeMove, headGradeFor, moderate, quotaFor, quotaRespected, scoreUnit, type UnitGrade, type UnitScore } from './engine';
import type { AppraisalEvent, ScoredUnit } from './events';
import { gradeRank, governsYear, type RuleSet, ruleSetHash, ruleSetIssues } from './rule-set';
import { ruleSetById } from './rule-sets';

/**
 * `appealed` while an appeal awaits a decision (the cycle returns to `published` when none does); `final` after
 * finalization: nothing more is recorded.
 */
export type AppraisalStatus = 'open' | 'scored' | 'moderated' | 'approved' | 'published' | 'appealed' | 'final';

export type AppraisalAppeal = {
  appealId: string;
  unitId: string;
  appellantId: string;
  decision: 'pending' | 'upheld' | 'rejected';
};

export type AppraisalRecord = {
  status: AppraisalStatus;
  cycleId: string;
  year: number;
  peerGroup: string;
  ownerUnitId: string;
  ruleSetId: string;
  /** The rule set the cycle grades by, as recorded when it was opened (null only for an unknown legacy id). */
  ruleSet: RuleSet | null;
  /** SHA-256 of its canonical form (`ruleSetHash`). */
  ruleSetHash: string | null;
  unitIds: string[];
  /** The latest scoring. */
  results: UnitScore[];
  /** Everyone who recorded scores or moderated: none of them may approve. */
  preparedBy: string[];
  /** The grades in force: proposed after scoring, moderated, then changed only by upheld appeals. */
  grades: UnitGrade[];
  moves: GradeMove[];
  signOffId: string | null;
  appeals: AppraisalAppeal[];
};

export type AppraisalState = { status: 'none' } | AppraisalRecord;

type Recorded = { cycleId: string; at: string; by: ActorRef };

const APPRAISER: readonly Role[] = ['appraiser'];
const APPROVERS: readonly Role[] = ['leader', 'appraiser'];

/** The roles the appraisal decider itself insists on, whatever the authorization table says (it must agree). */
export const APPRAISAL_DECIDER_ROLES = {
  OpenAppraisalCycle: APPRAISER,
  ScoreAppraisal: APPRAISER,
  ModerateAppraisal: APPRAISER,
  ApproveAppraisal: APPROVERS,
  PublishAppraisal: APPRAISER,
  AppealAppraisal: ['unit_head'] as readonly Role[],
  DecideAppraisalAppeal: APPROVERS,
  FinalizeAppraisal: APPRAISER,
} as const;

export const appraisalDecider: Decider<AppraisalState, AppraisalCommand, AppraisalEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: AppraisalCommand, state: AppraisalState): AppraisalEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = { cycleId: requireCycleId(command.cycleId), at: command.now, by: actorRef(command.actor) };
  if (!APPRAISAL_DECIDER_ROLES[command.type].includes(command.actor.role)) {
    throw domainError('APPRAISAL.ROLE_NOT_ALLOWED', { role: command.actor.role, command: command.type });
  }
  switch (command.type) {
    case 'OpenAppraisalCycle':
      return open(command, state, recorded);
    case 'ScoreAppraisal':
      return score(command, state, recorded);
    case 'ModerateAppraisal':
      return moderateCycle(command, state, recorded);
    case 'ApproveAppraisal':
      return approve(command, state, recorded);
    case 'PublishAppraisal':
      return publish(command, state, recorded);
    case 'AppealAppraisal':
      return appeal(command, state, recorded);
    case 'DecideAppraisalAppeal':
      return decideAppeal(command, state, recorded);
    case 'FinalizeAppraisal':
      return finalize(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown appraisal command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** The cycle exists and is at one of `allowed` (the steps run in order). */
function at(state: AppraisalState, command: AppraisalCommand, allowed: readonly AppraisalStatus[]): AppraisalRecord {
  if (state.status === 'none') throw domainError('APPRAISAL.NOT_FOUND', { cycle: command.cycleId });
  if (!allowed.includes(state.status)) {
    throw domainError('APPRAISAL.OUT_OF_ORDER', { step: command.type, cycle: state.cycleId, status: state.status });
  }
  return state;
}

/** The rule set recorded when the cycle was opened: a later withdrawal or correction does not change it. */
function ruleSetOf(cycle: AppraisalRecord): RuleSet {
  if (cycle.ruleSet === null) throw domainError('APPRAISAL.RULE_SET_UNKNOWN', { ruleSet: cycle.ruleSetId });
  return cycle.ruleSet;
}

function open(command: OpenAppraisalCycle, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  if (state.status !== 'none') throw domainError('APPRAISAL.ALREADY_OPEN', { cycle: command.cycleId });
  const year = command.year;
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw domainError('APPRAISAL.YEAR_INVALID', { field: 'year', value: String(year) });
  const peerGroup = requireId(command.peerGroup, 'peerGroup');
  const expected = `${year}-${peerGroup}`;
  if (command.cycleId !== expected) throw domainError('APPRAISAL.CYCLE_ID_MISMATCH', { field: 'cycleId', cycle: command.cycleId, expected });
  const ownerUnitId = requireId(command.ownerUnitId, 'ownerUnitId');
  const ruleSetId = String(command.ruleSetId);
  // The application passes the rule set as data (built-in or published in the ledger); without it, a built-in.
  const ruleSet = command.ruleSet === undefined ? ruleSetById(ruleSetId) : command.ruleSet;
  if (ruleSet === null || ruleSet.id !== ruleSetId) throw domainError('APPRAISAL.RULE_SET_UNKNOWN', { field: 'ruleSetId', ruleSet: ruleSetId });
  if (command.ruleSetWithdrawn === true) throw domainError('APPRAISAL.RULE_SET_WITHDRAWN', { field: 'ruleSetId', ruleSet: ruleSetId });
  const issues = ruleSetIssues(ruleSet);
  if (issues.length > 0) {
    throw domainError('RULESET.INVALID', { field: `ruleSet.${issues[0].path}`, problem: issues[0].message, count: issues.length });
  }
  if (!governsYear(ruleSet, year)) {
    throw domainError('APPRAISAL.RULE_SET_NOT_EFFECTIVE', {
      field: 'ruleSetId',
      ruleSet: ruleSet.id,
      year,
      from: ruleSet.effective.from,
      // An open end reads as "…" in every language: still in force.
      to: ruleSet.effective.to ?? '…',
    });
  }
  const unitIds = requireIdList(command.unitIds, 'unitIds');
  if (unitIds.length === 0) throw domainError('APPRAISAL.NO_UNITS', { field: 'unitIds' });
  const recordedRuleSet = cloneJson(ruleSet as unknown as JsonValue) as unknown as RuleSet;
  return [
    {
      type: 'AppraisalCycleOpened',
      data: { ...recorded, year, peerGroup, ownerUnitId, ruleSetId: ruleSet.id, unitIds, ruleSetHash: ruleSetHash(recordedRuleSet), ruleSet: recordedRuleSet },
    },
  ];
}

/**
 * Scores every unit of the peer group from its facts with the cycle's rule set. The facts and the results are
 * recorded together so the grade can be recomputed from the event alone. Scoring again before moderation replaces
 * the previous results (the facts changed: a late verification, a confirmed cause).
 */
function score(command: ScoreAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  const cycle = at(state, command, ['open', 'scored']);
  const ruleSet = ruleSetOf(cycle);
  if (!Array.isArray(command.facts)) throw domainError('COMMON.LIST_REQUIRED', { field: 'facts' });
  const seen = new Set<string>();
  const results: ScoredUnit[] = command.facts.map((input, index) => {
    const facts = cloneJson(checkFacts(input, `facts[${index}]`) as unknown as JsonValue) as unknown as AppraisalFacts;
    if (!cycle.unitIds.includes(facts.unitId)) {
      throw domainError('APPRAISAL.UNIT_NOT_IN_CYCLE', { field: `facts[${index}].unitId`, unit: facts.unitId, cycle: cycle.cycleId });
    }
    if (seen.has(facts.unitId)) throw domainError('COMMON.DUPLICATE_VALUE', { field: 'facts', value: facts.unitId });
    seen.add(facts.unitId);
    if (facts.year !== cycle.year) throw domainError('APPRAISAL.FACTS_INVALID', { field: `facts[${index}].year` });
    return { facts, result: scoreUnit(ruleSet, facts) };
  });
  const missing = cycle.unitIds.find((unitId) => !seen.has(unitId));
  if (missing !== undefined) throw domainError('APPRAISAL.UNIT_NOT_SCORED', { field: 'facts', unit: missing });
  return [{ type: 'AppraisalScored', data: { ...recorded, ruleSetId: ruleSet.id, results } }];
}

/**
 * The quota first (`moderate`), then the council's adjustments, each recorded as a move with its note; the final
 * grades must still respect the quota.
 */
function moderateCycle(command: ModerateAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  const cycle = at(state, command, ['scored']);
  const ruleSet = ruleSetOf(cycle);
  const moderation = moderate(
    ruleSet,
    cycle.results.map((result) => ({
      unitId: result.unitId,
      proposedGrade: result.proposedGrade,
      score: result.score,
      metrics: result.breakdown.metrics,
    })),
  );
  const grades = new Map(moderation.grades.map(({ unitId, grade }) => [unitId, grade]));
  const moves: GradeMove[] = [...moderation.moves];
  const adjustments = command.adjustments ?? [];
  if (!Array.isArray(adjustments)) throw domainError('COMMON.LIST_REQUIRED', { field: 'adjustments' });
  const adjusted = new Set<string>();
  adjustments.forEach((adjustment, index) => {
    const field = `adjustments[${index}]`;
    const unitId = requireId(adjustment?.unitId, `${field}.unitId`);
    if (!grades.has(unitId)) throw domainError('APPRAISAL.UNIT_NOT_IN_CYCLE', { field: `${field}.unitId`, unit: unitId, cycle: cycle.cycleId });
    if (adjusted.has(unitId)) throw domainError('COMMON.DUPLICATE_VALUE', { field: 'adjustments', value: unitId });
    adjusted.add(unitId);
    const to = requireGrade(ruleSet, adjustment.to, `${field}.to`);
    const from = grades.get(unitId) as string;
    if (to === from) throw domainError('APPRAISAL.ADJUSTMENT_UNCHANGED', { field: `${field}.to`, unit: unitId, grade: to });
    const note = requireText(adjustment.note, `${field}.note`);
    grades.set(unitId, to);
    moves.push({ unitId, from, to, reason: 'council', note });
  });
  const finalGrades = moderation.grades.map(({ unitId }) => ({ unitId, grade: grades.get(unitId) as string }));
  checkQuota(ruleSet, finalGrades);
  return [
    {
      type: 'AppraisalModerated',
      data: { ...recorded, grades: finalGrades, moves, quota: quotaFor(ruleSet, finalGrades.map((entry) => entry.grade)) },
    },
  ];
}

/** Nobody approves results they scored or moderated. */
function approve(command: ApproveAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  const cycle = at(state, command, ['moderated']);
  if (cycle.preparedBy.includes(command.actor.id)) throw domainError('APPRAISAL.SELF_APPROVAL', {});
  const signOffId = requireId(command.signOffId, 'signOffId');
  return [{ type: 'AppraisalApproved', data: { ...recorded, signOffId } }];
}

function publish(command: PublishAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  at(state, command, ['approved']);
  return [{ type: 'AppraisalPublished', data: recorded }];
}

/** The head of the unit appeals its own unit's grade, once at a time. */
function appeal(command: AppealAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  const cycle = at(state, command, ['published', 'appealed']);
  const ruleSet = ruleSetOf(cycle);
  const appealId = requireId(command.appealId, 'appealId');
  if (cycle.appeals.some((entry) => entry.appealId === appealId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'appealId', value: appealId });
  }
  const unitId = requireId(command.unitId, 'unitId');
  const grade = cycle.grades.find((entry) => entry.unitId === unitId)?.grade;
  if (grade === undefined) throw domainError('APPRAISAL.UNIT_NOT_IN_CYCLE', { field: 'unitId', unit: unitId, cycle: cycle.cycleId });
  if (command.actor.unit !== unitId) throw domainError('APPRAISAL.APPELLANT_NOT_HEAD', { unit: unitId });
  const pending = cycle.appeals.find((entry) => entry.unitId === unitId && entry.decision === 'pending');
  if (pending) throw domainError('APPRAISAL.APPEAL_PENDING', { appeal: pending.appealId });
  const requestedGrade =
    command.requestedGrade === undefined || command.requestedGrade === null
      ? null
      : requireGrade(ruleSet, command.requestedGrade, 'requestedGrade');
  const reason = requireReason(command.reason);
  return [{ type: 'AppraisalAppealed', data: { ...recorded, appealId, unitId, grade, requestedGrade, reason } }];
}

function decideAppeal(command: DecideAppraisalAppeal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  const cycle = at(state, command, ['appealed']);
  const ruleSet = ruleSetOf(cycle);
  const pending = cycle.appeals.find((entry) => entry.appealId === command.appealId && entry.decision === 'pending');
  if (!pending) throw domainError('APPRAISAL.NO_PENDING_APPEAL', { field: 'appealId', appeal: String(command.appealId) });
  if (command.actor.id === pending.appellantId) throw domainError('APPRAISAL.SELF_APPEAL_DECISION', {});
  const decision = requireOneOf(command.decision, ['upheld', 'rejected'] as const, 'decision');
  const reason = requireReason(command.reason);
  const from = cycle.grades.find((entry) => entry.unitId === pending.unitId)?.grade as string;
  let to = from;
  if (decision === 'upheld') {
    if (command.newGrade === undefined || command.newGrade === null) {
      throw domainError('APPRAISAL.APPEAL_GRADE_REQUIRED', { field: 'newGrade' });
    }
    to = requireGrade(ruleSet, command.newGrade, 'newGrade');
    if (to === from) throw domainError('APPRAISAL.ADJUSTMENT_UNCHANGED', { field: 'newGrade', unit: pending.unitId, grade: to });
    checkQuota(
      ruleSet,
      cycle.grades.map((entry) => (entry.unitId === pending.unitId ? { ...entry, grade: to } : entry)),
    );
  }
  return [
    {
      type: 'AppraisalAppealDecided',
      data: { ...recorded, appealId: pending.appealId, unitId: pending.unitId, decision, from, to, reason },
    },
  ];
}

function finalize(command: FinalizeAppraisal, state: AppraisalState, recorded: Recorded): AppraisalEvent[] {
  if (state.status === 'appealed') {
    const pending = state.appeals.find((entry) => entry.decision === 'pending') as AppraisalAppeal;
    throw domainError('APPRAISAL.APPEAL_PENDING', { appeal: pending.appealId });
  }
  const cycle = at(state, command, ['published']);
  const ruleSet = ruleSetOf(cycle);
  return [
    {
      type: 'AppraisalFinalized',
      data: {
        ...recorded,
        grades: cycle.grades.map(({ unitId, grade }) => ({ unitId, grade, headGrade: headGradeFor(ruleSet, grade) })),
      },
    },
  ];
}

function checkQuota(ruleSet: RuleSet, grades: readonly UnitGrade[]): void {
  const values = grades.map((entry) => entry.grade);
  if (!quotaRespected(ruleSet, values)) {
    const outcome = quotaFor(ruleSet, values);
    throw domainError('APPRAISAL.QUOTA_EXCEEDED', { grade: outcome?.grade ?? '', limit: outcome?.limit ?? 0 });
  }
}

function requireGrade(ruleSet: RuleSet, value: unknown, field: string): string {
  if (typeof value !== 'string' || gradeRank(ruleSet, value) < 0) {
    throw domainError('APPRAISAL.GRADE_UNKNOWN', { field, grade: String(value), ruleSet: ruleSet.id });
  }
  return value;
}

function requireCycleId(value: unknown): string {
  if (!isId(value) || !/^\d{4}-/.test(value)) {
    throw domainError('COMMON.ID_INVALID', { field: 'cycleId', value: String(value) });
  }
  return value;
}

function evolve(state: AppraisalState, event: AppraisalEvent): AppraisalState {
  if (event.type === 'AppraisalCycleOpened') {
    const { cycleId, year, peerGroup, ownerUnitId, ruleSetId, unitIds } = event.data;
    // Cycles recorded before rule sets were data name a built-in one.
    const ruleSet = event.data.ruleSet ?? ruleSetById(ruleSetId);
    return {
      status: 'open',
      cycleId,
      year,
      peerGroup,
      ownerUnitId,
      ruleSetId,
      ruleSet,
      ruleSetHash: event.data.ruleSetHash ?? (ruleSet === null ? null : ruleSetHash(ruleSet)),
      unitIds,
      results: [],
      preparedBy: [],
      grades: [],
      moves: [],
      signOffId: null,
      appeals: [],
    };
  }
  if (state.status === 'none') return state;
  const preparedBy = (id: string) => (state.preparedBy.includes(id) ? state.preparedBy : [...state.preparedBy, id]);
  switch (event.type) {
    case 'AppraisalScored': {
      const results = event.data.results.map((entry) => entry.result);
      return {
        ...state,
        status: 'scored',
        results,
        grades: results.map((result) => ({ unitId: result.unitId, grade: result.proposedGrade })),
        preparedBy: preparedBy(event.data.by.id),
      };
    }
    case 'AppraisalModerated':
      return {
        ...state,
        status: 'moderated',
        grades: event.data.grades,
        moves: event.data.moves,
        preparedBy: preparedBy(event.data.by.id),
      };
    case 'AppraisalApproved':
      return { ...state, status: 'approved', signOffId: event.data.signOffId };
    case 'AppraisalPublished':
      return { ...state, status: 'published' };
    case 'AppraisalAppealed': {
      const { appealId, unitId, by } = event.data;
      return {
        ...state,
        status: 'appealed',
        appeals: [...state.appeals, { appealId, unitId, appellantId: by.id, decision: 'pending' }],
      };
    }
    case 'AppraisalAppealDecided': {
      const { appealId, unitId, decision, from, to, reason } = event.data;
      const appeals = state.appeals.map((entry) => (entry.appealId === appealId ? { ...entry, decision } : entry));
      const upheld = decision === 'upheld';
      return {
        ...state,
        status: appeals.some((entry) => entry.decision === 'pending') ? 'appealed' : 'published',
        appeals,
        grades: upheld ? state.grades.map((entry) => (entry.unitId === unitId ? { unitId, grade: to } : entry)) : state.grades,
        moves: upheld ? [...state.moves, { unitId, from, to, reason: 'appeal', appealId, note: reason }] : state.moves,
      };
    }
    case 'AppraisalFinalized':
      return { ...state, status: 'final', grades: event.data.grades.map(({ unitId, grade }) => ({ unitId, grade })) };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}
