import { type ActorRef, actorRef } from '../shared/actor';
import { dateOf, hasPassed, isAfter, isBefore, type IsoDate, yearOf } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import type { Role } from '../shared/roles';
import {
  checkEnvelope,
  optionalText,
  requireDate,
  requireHashList,
  requireId,
  requireIdList,
  requireOneOf,
  requireReason,
  requireText,
} from '../shared/validate';
import type {
  ApproveObjectiveRevision,
  ClaimObjectiveCause,
  ConfirmObjectiveCause,
  DefineObjective,
  DenyObjectiveExtension,
  EvaluateObjective,
  GrantObjectiveExtension,
  ObjectiveCommand,
  ProposeObjectiveRevision,
  RejectObjectiveCause,
  RejectObjectiveRevision,
  ReportObjectiveActual,
  RequestObjectiveExtension,
} from './commands';
import { CAUSE_KINDS, type CauseKind, EVALUATION_BASES, type EvaluationBasis, type ObjectiveEvent } from './events';
import { classifyOutcome, DIRECTIONS, type Direction, type ObjectiveOutcome, ratioToSamePeriodLastYear } from './figures';

export type Decision = 'pending' | 'approved' | 'rejected';

export type ActualEntry = {
  period: string;
  asOf: IsoDate;
  value: number;
  samePeriodLastYear: number | null;
  source: string;
  reportedOn: IsoDate;
  reportedBy: string;
};
export type RevisionEntry = {
  revisionId: string;
  proposedBy: string;
  proposedOn: IsoDate;
  proposedTarget: number;
  decision: Decision;
  signOffId: string | null;
};
export type ObjectiveExtensionEntry = {
  requestId: string;
  requestedBy: string;
  requestedOn: IsoDate;
  requestedDeadline: IsoDate;
  decision: 'pending' | 'granted' | 'denied';
};
export type CauseClaimEntry = {
  claimId: string;
  kind: CauseKind;
  cause: string;
  claimedBy: string;
  claimedOn: IsoDate;
  decision: 'pending' | 'confirmed' | 'rejected';
  decidedOn: IsoDate | null;
};
export type EvaluationEntry = { basis: EvaluationBasis; evaluatedOn: IsoDate; outcome: ObjectiveOutcome };

export type ObjectiveRecord = {
  /** `closed` once the year-close evaluation is recorded: the objective's year is over. */
  status: 'defined' | 'closed';
  objectiveId: string;
  unitId: string;
  year: number;
  metric: string;
  unitOfMeasure: string;
  direction: Direction;
  /** The target in force: the original, or the last approved revision. */
  target: number;
  originalTarget: number;
  baseline: number | null;
  weight: number;
  /** The deadline in force: moved only by a granted extension. */
  deadline: IsoDate;
  originalDeadline: IsoDate;
  tolerance: number;
  letterId: string | null;
  directiveId: string | null;
  taskIds: string[];
  actuals: ActualEntry[];
  revisions: RevisionEntry[];
  extensionRequests: ObjectiveExtensionEntry[];
  causeClaims: CauseClaimEntry[];
  evaluations: EvaluationEntry[];
};

export type ObjectiveState = { status: 'none' } | ObjectiveRecord;

type Recorded = { objectiveId: string; at: string; by: ActorRef };

const REVISION_DECIDER_ROLES: readonly Role[] = ['leader'];
const EXTENSION_DECIDER_ROLES: readonly Role[] = ['leader'];
const CAUSE_DECIDER_ROLES: readonly Role[] = ['discipline_commissioner'];

/** The roles the objective decider itself insists on, whatever the authorization table says (it must agree). */
export const OBJECTIVE_DECIDER_ROLES = {
  ApproveObjectiveRevision: REVISION_DECIDER_ROLES,
  RejectObjectiveRevision: REVISION_DECIDER_ROLES,
  GrantObjectiveExtension: EXTENSION_DECIDER_ROLES,
  DenyObjectiveExtension: EXTENSION_DECIDER_ROLES,
  ConfirmObjectiveCause: CAUSE_DECIDER_ROLES,
  RejectObjectiveCause: CAUSE_DECIDER_ROLES,
} as const;

/** The last day of the objective's year: the year-close evaluation may run from then on. */
export const yearCloseOf = (year: number): IsoDate => `${String(year).padStart(4, '0')}-12-31`;

export const objectiveDecider: Decider<ObjectiveState, ObjectiveCommand, ObjectiveEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: ObjectiveCommand, state: ObjectiveState): ObjectiveEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = {
    objectiveId: requireId(command.objectiveId, 'objectiveId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  switch (command.type) {
    case 'DefineObjective':
      return define(command, state, recorded);
    case 'ReportObjectiveActual':
      return reportActual(command, state, recorded);
    case 'ProposeObjectiveRevision':
      return proposeRevision(command, state, recorded);
    case 'ApproveObjectiveRevision':
      return approveRevision(command, state, recorded);
    case 'RejectObjectiveRevision':
      return rejectRevision(command, state, recorded);
    case 'RequestObjectiveExtension':
      return requestExtension(command, state, recorded);
    case 'GrantObjectiveExtension':
      return grantExtension(command, state, recorded);
    case 'DenyObjectiveExtension':
      return denyExtension(command, state, recorded);
    case 'ClaimObjectiveCause':
      return claimCause(command, state, recorded);
    case 'ConfirmObjectiveCause':
      return confirmCause(command, state, recorded);
    case 'RejectObjectiveCause':
      return rejectCause(command, state, recorded);
    case 'EvaluateObjective':
      return evaluate(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown objective command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

// ── Where in the life cycle a command may run ──────────────────────────────────────────────────────────────────

/** Defined, and its year not closed by the final evaluation. */
function open(state: ObjectiveState, objectiveId: string): ObjectiveRecord {
  if (state.status === 'none') throw domainError('OBJECTIVE.NOT_FOUND', { objective: objectiveId });
  if (state.status === 'closed') throw domainError('OBJECTIVE.CLOSED', { objective: state.objectiveId });
  return state;
}

// ── Definition ──────────────────────────────────────────────────────────────────────────────────────────────────

function define(command: DefineObjective, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  if (state.status !== 'none') throw domainError('OBJECTIVE.ALREADY_DEFINED', { objective: command.objectiveId });
  const unitId = requireId(command.unitId, 'unitId');
  const year = command.year;
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw domainError('OBJECTIVE.YEAR_INVALID', { field: 'year', value: String(year) });
  }
  const metric = requireText(command.metric, 'metric');
  const unitOfMeasure = requireText(command.unitOfMeasure, 'unitOfMeasure');
  const direction = requireOneOf(command.direction, DIRECTIONS, 'direction');
  const target = requireNumber(command.target, 'target');
  // Higher is better needs something to reach; lower is better may aim at zero (no accidents).
  if (direction === 'higher_is_better' ? target <= 0 : target < 0) {
    throw domainError('OBJECTIVE.TARGET_INVALID', { field: 'target', target, direction });
  }
  const baseline = command.baseline === undefined || command.baseline === null ? null : requireNumber(command.baseline, 'baseline');
  const weight = requireNumber(command.weight, 'weight');
  if (weight <= 0) throw domainError('OBJECTIVE.WEIGHT_INVALID', { field: 'weight', value: weight });
  const tolerance = requireNumber(command.tolerance, 'tolerance');
  if (tolerance < 0 || tolerance >= 1) {
    throw domainError('OBJECTIVE.TOLERANCE_INVALID', { field: 'tolerance', value: tolerance });
  }
  const deadline = requireDate(command.deadline, 'deadline');
  if (yearOf(deadline) !== year) {
    throw domainError('OBJECTIVE.DEADLINE_OUTSIDE_YEAR', { field: 'deadline', deadline, year });
  }
  const today = dateOf(command.now);
  if (isBefore(deadline, today)) {
    throw domainError('OBJECTIVE.DEADLINE_BEFORE_DEFINITION', { field: 'deadline', deadline, today });
  }
  const letterId = checkLetter(command, unitId, year);
  const directiveId = checkDirective(command);
  if (letterId === null && directiveId === null) throw domainError('OBJECTIVE.SOURCE_MISSING', { field: 'letter' });
  const taskIds = command.taskIds === undefined ? [] : requireIdList(command.taskIds, 'taskIds');
  return [
    {
      type: 'ObjectiveDefined',
      data: {
        ...recorded,
        unitId,
        year,
        metric,
        unitOfMeasure,
        direction,
        target,
        baseline,
        weight,
        deadline,
        tolerance,
        letterId,
        directiveId,
        taskIds,
      },
    },
  ];
}

/** The letter commits this unit, for this year, to this objective, and is not withdrawn. */
function checkLetter(command: DefineObjective, unitId: string, year: number): string | null {
  const letter = command.letter;
  if (letter === null || letter === undefined) return null;
  const letterId = requireId(letter.id, 'letter.id');
  if (letter.status === 'withdrawn') throw domainError('OBJECTIVE.LETTER_WITHDRAWN', { field: 'letter', letter: letterId });
  if (letter.lowerUnitId !== unitId || letter.year !== year) {
    throw domainError('OBJECTIVE.LETTER_MISMATCH', { field: 'letter', letter: letterId, unit: unitId, year });
  }
  if (!Array.isArray(letter.objectiveIds) || !letter.objectiveIds.includes(command.objectiveId)) {
    throw domainError('OBJECTIVE.NOT_IN_LETTER', { field: 'letter', letter: letterId, objective: command.objectiveId });
  }
  return letterId;
}

function checkDirective(command: DefineObjective): string | null {
  const directive = command.directive;
  if (directive === null || directive === undefined) return null;
  const directiveId = requireId(directive.id, 'directive.id');
  if (directive.status === 'withdrawn') {
    throw domainError('OBJECTIVE.DIRECTIVE_WITHDRAWN', { field: 'directive', directive: directiveId });
  }
  return directiveId;
}

// ── Actuals ─────────────────────────────────────────────────────────────────────────────────────────────────────

function reportActual(command: ReportObjectiveActual, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const period = requireText(command.period, 'period');
  const asOf = requireDate(command.asOf, 'asOf');
  const today = dateOf(command.now);
  if (isAfter(asOf, today)) throw domainError('OBJECTIVE.ACTUAL_IN_FUTURE', { field: 'asOf', asOf, today });
  if (yearOf(asOf) < objective.year) {
    throw domainError('OBJECTIVE.ACTUAL_BEFORE_YEAR', { field: 'asOf', asOf, year: objective.year });
  }
  const value = requireNumber(command.value, 'value');
  const samePeriodLastYear =
    command.samePeriodLastYear === undefined || command.samePeriodLastYear === null
      ? null
      : requireNumber(command.samePeriodLastYear, 'samePeriodLastYear');
  const source = requireText(command.source, 'source');
  const evidence = requireHashList(command.evidence, 'evidence');
  const previous = [...objective.actuals].reverse().find((actual) => actual.period === period);
  return [
    {
      type: 'ActualReported',
      data: {
        ...recorded,
        period,
        asOf,
        value,
        samePeriodLastYear,
        source,
        evidence,
        correctsValue: previous?.value ?? null,
      },
    },
  ];
}

// ── Revisions: the target changes only with an approving sign-off by someone other than the proposer ───────────

function proposeRevision(command: ProposeObjectiveRevision, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const revisionId = requireId(command.revisionId, 'revisionId');
  if (objective.revisions.some((revision) => revision.revisionId === revisionId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'revisionId', value: revisionId });
  }
  const pending = objective.revisions.find((revision) => revision.decision === 'pending');
  if (pending) throw domainError('OBJECTIVE.REVISION_PENDING', { revision: pending.revisionId });
  // A target revised after the deadline would turn a miss into a success after the fact.
  const today = dateOf(command.now);
  if (hasPassed(objective.deadline, today)) {
    throw domainError('OBJECTIVE.REVISION_AFTER_DEADLINE', { today, deadline: objective.deadline });
  }
  const newTarget = requireNumber(command.newTarget, 'newTarget');
  if (objective.direction === 'higher_is_better' ? newTarget <= 0 : newTarget < 0) {
    throw domainError('OBJECTIVE.TARGET_INVALID', { field: 'newTarget', target: newTarget, direction: objective.direction });
  }
  if (newTarget === objective.target) {
    throw domainError('OBJECTIVE.REVISION_UNCHANGED', { field: 'newTarget', target: newTarget });
  }
  const reason = requireReason(command.reason);
  return [
    {
      type: 'RevisionProposed',
      data: { ...recorded, revisionId, currentTarget: objective.target, proposedTarget: newTarget, reason },
    },
  ];
}

function revisionToDecide(command: ApproveObjectiveRevision | RejectObjectiveRevision, objective: ObjectiveRecord): RevisionEntry {
  const pending = objective.revisions.find((revision) => revision.decision === 'pending');
  if (!pending || pending.revisionId !== command.revisionId) {
    throw domainError('OBJECTIVE.NO_PENDING_REVISION', { field: 'revisionId', revision: String(command.revisionId) });
  }
  if (!REVISION_DECIDER_ROLES.includes(command.actor.role)) throw domainError('OBJECTIVE.REVISION_DECIDER_ROLE', {});
  if (command.actor.id === pending.proposedBy) throw domainError('OBJECTIVE.SELF_REVISION_APPROVAL', {});
  return pending;
}

/** A revision proposed in time may be decided after the deadline (the unit asked while it could). */
function approveRevision(command: ApproveObjectiveRevision, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const revision = revisionToDecide(command, objective);
  const signOffId = requireId(command.signOffId, 'signOffId');
  return [
    {
      type: 'RevisionApproved',
      data: {
        ...recorded,
        revisionId: revision.revisionId,
        previousTarget: objective.target,
        newTarget: revision.proposedTarget,
        signOffId,
      },
    },
  ];
}

function rejectRevision(command: RejectObjectiveRevision, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const revision = revisionToDecide(command, objective);
  const reason = requireReason(command.reason);
  return [{ type: 'RevisionRejected', data: { ...recorded, revisionId: revision.revisionId, reason } }];
}

// ── Deadline extensions: as for tasks, only a granted extension moves the deadline ─────────────────────────────

function requestExtension(command: RequestObjectiveExtension, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const requestId = requireId(command.requestId, 'requestId');
  if (objective.extensionRequests.some((request) => request.requestId === requestId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'requestId', value: requestId });
  }
  const pending = pendingExtension(objective);
  if (pending) throw domainError('OBJECTIVE.EXTENSION_PENDING', { request: pending.requestId });
  const newDeadline = requireDate(command.newDeadline, 'newDeadline');
  const reason = requireReason(command.reason);
  const today = dateOf(command.now);
  if (hasPassed(objective.deadline, today)) {
    throw domainError('OBJECTIVE.EXTENSION_AFTER_DEADLINE', { today, deadline: objective.deadline });
  }
  if (!isAfter(newDeadline, objective.deadline)) {
    throw domainError('OBJECTIVE.EXTENSION_NOT_LATER', { field: 'newDeadline', newDeadline, deadline: objective.deadline });
  }
  return [
    {
      type: 'ObjectiveExtensionRequested',
      data: { ...recorded, requestId, currentDeadline: objective.deadline, requestedDeadline: newDeadline, reason },
    },
  ];
}

function extensionToDecide(
  command: GrantObjectiveExtension | DenyObjectiveExtension,
  objective: ObjectiveRecord,
): ObjectiveExtensionEntry {
  const pending = pendingExtension(objective);
  if (!pending || pending.requestId !== command.requestId) {
    throw domainError('OBJECTIVE.NO_PENDING_EXTENSION', { field: 'requestId', request: String(command.requestId) });
  }
  if (!EXTENSION_DECIDER_ROLES.includes(command.actor.role)) throw domainError('OBJECTIVE.EXTENSION_DECIDER_ROLE', {});
  if (command.actor.id === pending.requestedBy) throw domainError('OBJECTIVE.SELF_EXTENSION_DECISION', {});
  return pending;
}

function grantExtension(command: GrantObjectiveExtension, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const request = extensionToDecide(command, objective);
  const newDeadline = requireDate(command.newDeadline, 'newDeadline');
  if (!isAfter(newDeadline, objective.deadline)) {
    throw domainError('OBJECTIVE.EXTENSION_NOT_LATER', { field: 'newDeadline', newDeadline, deadline: objective.deadline });
  }
  return [
    {
      type: 'ObjectiveExtensionGranted',
      data: {
        ...recorded,
        requestId: request.requestId,
        previousDeadline: objective.deadline,
        newDeadline,
        comment: optionalText(command.comment),
      },
    },
  ];
}

function denyExtension(command: DenyObjectiveExtension, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const request = extensionToDecide(command, objective);
  const reason = requireReason(command.reason);
  return [{ type: 'ObjectiveExtensionDenied', data: { ...recorded, requestId: request.requestId, reason } }];
}

function pendingExtension(objective: ObjectiveRecord): ObjectiveExtensionEntry | undefined {
  return objective.extensionRequests.find((request) => request.decision === 'pending');
}

// ── Objective causes: claimed by the unit, confirmed or rejected by the discipline commission ─────────────────

/** A cause may be claimed after the deadline (a flood is known when it happens), until the year closes. */
function claimCause(command: ClaimObjectiveCause, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const claimId = requireId(command.claimId, 'claimId');
  if (objective.causeClaims.some((claim) => claim.claimId === claimId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'claimId', value: claimId });
  }
  const kind = requireOneOf(command.kind, CAUSE_KINDS, 'kind');
  const cause = requireText(command.cause, 'cause');
  const description = requireText(command.description, 'description');
  const evidence = requireHashList(command.evidence, 'evidence');
  return [{ type: 'ObjectiveCauseClaimed', data: { ...recorded, claimId, kind, cause, description, evidence } }];
}

function claimToDecide(command: ConfirmObjectiveCause | RejectObjectiveCause, objective: ObjectiveRecord): CauseClaimEntry {
  const claim = objective.causeClaims.find((entry) => entry.claimId === command.claimId && entry.decision === 'pending');
  if (!claim) throw domainError('OBJECTIVE.NO_PENDING_CAUSE', { field: 'claimId', claim: String(command.claimId) });
  if (!CAUSE_DECIDER_ROLES.includes(command.actor.role)) throw domainError('OBJECTIVE.CAUSE_DECIDER_ROLE', {});
  if (command.actor.id === claim.claimedBy) throw domainError('OBJECTIVE.SELF_CAUSE_DECISION', {});
  return claim;
}

function confirmCause(command: ConfirmObjectiveCause, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const claim = claimToDecide(command, objective);
  return [{ type: 'ObjectiveCauseConfirmed', data: { ...recorded, claimId: claim.claimId, comment: optionalText(command.comment) } }];
}

function rejectCause(command: RejectObjectiveCause, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const claim = claimToDecide(command, objective);
  const reason = requireReason(command.reason);
  return [{ type: 'ObjectiveCauseRejected', data: { ...recorded, claimId: claim.claimId, reason } }];
}

// ── Evaluation ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * At the deadline in force (from the deadline day on) or at year close (from 31 December on, whatever the
 * deadline). Refused while an extension request, a revision or a cause claim awaits a decision: the evaluation
 * must not race a decision that would change it. The actual is the one in force at the cut-off (the deadline, or
 * year close when that is earlier), so work done after a missed deadline does not rescue it.
 */
function evaluate(command: EvaluateObjective, state: ObjectiveState, recorded: Recorded): ObjectiveEvent[] {
  const objective = open(state, command.objectiveId);
  const basis = requireOneOf(command.basis, EVALUATION_BASES, 'basis');
  if (objective.evaluations.some((evaluation) => evaluation.basis === basis)) {
    throw domainError('OBJECTIVE.ALREADY_EVALUATED', { objective: objective.objectiveId, basis });
  }
  const today = dateOf(command.now);
  const yearClose = yearCloseOf(objective.year);
  if (basis === 'deadline' && isBefore(today, objective.deadline)) {
    throw domainError('OBJECTIVE.EVALUATION_BEFORE_DEADLINE', { deadline: objective.deadline, today });
  }
  if (basis === 'year_close' && isBefore(today, yearClose)) {
    throw domainError('OBJECTIVE.EVALUATION_BEFORE_YEAR_CLOSE', { yearClose, today });
  }
  const extension = pendingExtension(objective);
  if (extension) throw domainError('OBJECTIVE.EXTENSION_PENDING', { request: extension.requestId });
  const revision = objective.revisions.find((entry) => entry.decision === 'pending');
  if (revision) throw domainError('OBJECTIVE.REVISION_PENDING', { revision: revision.revisionId });
  const claim = objective.causeClaims.find((entry) => entry.decision === 'pending');
  if (claim) throw domainError('OBJECTIVE.CAUSE_PENDING', { claim: claim.claimId });

  const cutOff = basis === 'year_close' && isBefore(yearClose, objective.deadline) ? yearClose : objective.deadline;
  const actual = actualAt(objective, cutOff);
  const confirmedCauseClaimIds = objective.causeClaims
    .filter((entry) => entry.kind === 'objective_cause' && entry.decision === 'confirmed')
    .map((entry) => entry.claimId);
  const figures = classifyOutcome({
    direction: objective.direction,
    target: objective.target,
    actual: actual?.value ?? null,
    tolerance: objective.tolerance,
    causeConfirmed: confirmedCauseClaimIds.length > 0,
  });
  return [
    {
      type: 'ObjectiveEvaluated',
      data: {
        ...recorded,
        unitId: objective.unitId,
        year: objective.year,
        basis,
        evaluatedOn: today,
        cutOff,
        deadline: objective.deadline,
        originalDeadline: objective.originalDeadline,
        metric: objective.metric,
        unitOfMeasure: objective.unitOfMeasure,
        direction: objective.direction,
        target: objective.target,
        originalTarget: objective.originalTarget,
        tolerance: objective.tolerance,
        weight: objective.weight,
        baseline: objective.baseline,
        actual: actual?.value ?? null,
        actualAsOf: actual?.asOf ?? null,
        actualSource: actual?.source ?? null,
        ratioToPlan: figures.ratioToPlan,
        ratioToSamePeriodLastYear: actual === null ? null : ratioToSamePeriodLastYear(actual.value, objective.baseline),
        attainment: figures.attainment,
        shortfall: figures.shortfall,
        figuresOutcome: figures.figuresOutcome,
        outcome: figures.outcome,
        approvedRevisionIds: objective.revisions.filter((entry) => entry.decision === 'approved').map((entry) => entry.revisionId),
        grantedExtensionIds: objective.extensionRequests
          .filter((entry) => entry.decision === 'granted')
          .map((entry) => entry.requestId),
        confirmedCauseClaimIds,
      },
    },
  ];
}

/**
 * The figure in force on `date`: of the reports standing at or before `date`, the one at the latest date; for the
 * same date, the last reported (a correction replaces what it corrects). Null when nothing stood by then.
 */
export function actualAt(objective: Pick<ObjectiveRecord, 'actuals'>, date: IsoDate): ActualEntry | null {
  let found: ActualEntry | null = null;
  for (const actual of objective.actuals) {
    if (actual.asOf <= date && (found === null || actual.asOf >= found.asOf)) found = actual;
  }
  return found;
}

function requireNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw domainError('OBJECTIVE.NUMBER_INVALID', { field, value: String(value) });
  }
  return value;
}

// ── Evolve ──────────────────────────────────────────────────────────────────────────────────────────────────────

function evolve(state: ObjectiveState, event: ObjectiveEvent): ObjectiveState {
  if (event.type === 'ObjectiveDefined') {
    const data = event.data;
    return {
      status: 'defined',
      objectiveId: data.objectiveId,
      unitId: data.unitId,
      year: data.year,
      metric: data.metric,
      unitOfMeasure: data.unitOfMeasure,
      direction: data.direction,
      target: data.target,
      originalTarget: data.target,
      baseline: data.baseline,
      weight: data.weight,
      deadline: data.deadline,
      originalDeadline: data.deadline,
      tolerance: data.tolerance,
      letterId: data.letterId,
      directiveId: data.directiveId,
      taskIds: data.taskIds,
      actuals: [],
      revisions: [],
      extensionRequests: [],
      causeClaims: [],
      evaluations: [],
    };
  }
  if (state.status === 'none') return state;
  const on = dateOf(event.data.at);
  switch (event.type) {
    case 'ActualReported': {
      const { period, asOf, value, samePeriodLastYear, source, by } = event.data;
      const entry: ActualEntry = { period, asOf, value, samePeriodLastYear, source, reportedOn: on, reportedBy: by.id };
      return { ...state, actuals: [...state.actuals, entry] };
    }
    case 'RevisionProposed': {
      const { revisionId, proposedTarget, by } = event.data;
      const entry: RevisionEntry = {
        revisionId,
        proposedBy: by.id,
        proposedOn: on,
        proposedTarget,
        decision: 'pending',
        signOffId: null,
      };
      return { ...state, revisions: [...state.revisions, entry] };
    }
    case 'RevisionApproved': {
      const { revisionId, newTarget, signOffId } = event.data;
      return {
        ...state,
        target: newTarget,
        revisions: state.revisions.map((entry) =>
          entry.revisionId === revisionId ? { ...entry, decision: 'approved', signOffId } : entry,
        ),
      };
    }
    case 'RevisionRejected':
      return {
        ...state,
        revisions: state.revisions.map((entry) =>
          entry.revisionId === event.data.revisionId ? { ...entry, decision: 'rejected' } : entry,
        ),
      };
    case 'ObjectiveExtensionRequested': {
      const { requestId, requestedDeadline, by } = event.data;
      const entry: ObjectiveExtensionEntry = {
        requestId,
        requestedBy: by.id,
        requestedOn: on,
        requestedDeadline,
        decision: 'pending',
      };
      return { ...state, extensionRequests: [...state.extensionRequests, entry] };
    }
    case 'ObjectiveExtensionGranted':
      return {
        ...state,
        deadline: event.data.newDeadline,
        extensionRequests: decideExtension(state.extensionRequests, event.data.requestId, 'granted'),
      };
    case 'ObjectiveExtensionDenied':
      return { ...state, extensionRequests: decideExtension(state.extensionRequests, event.data.requestId, 'denied') };
    case 'ObjectiveCauseClaimed': {
      const { claimId, kind, cause, by } = event.data;
      const entry: CauseClaimEntry = {
        claimId,
        kind,
        cause,
        claimedBy: by.id,
        claimedOn: on,
        decision: 'pending',
        decidedOn: null,
      };
      return { ...state, causeClaims: [...state.causeClaims, entry] };
    }
    case 'ObjectiveCauseConfirmed':
      return { ...state, causeClaims: decideClaim(state.causeClaims, event.data.claimId, 'confirmed', on) };
    case 'ObjectiveCauseRejected':
      return { ...state, causeClaims: decideClaim(state.causeClaims, event.data.claimId, 'rejected', on) };
    case 'ObjectiveEvaluated': {
      const { basis, evaluatedOn, outcome } = event.data;
      return {
        ...state,
        status: basis === 'year_close' ? 'closed' : state.status,
        evaluations: [...state.evaluations, { basis, evaluatedOn, outcome }],
      };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function decideExtension(
  requests: ObjectiveExtensionEntry[],
  requestId: string,
  decision: 'granted' | 'denied',
): ObjectiveExtensionEntry[] {
  return requests.map((request) => (request.requestId === requestId ? { ...request, decision } : request));
}

function decideClaim(
  claims: CauseClaimEntry[],
  claimId: string,
  decision: 'confirmed' | 'rejected',
  on: IsoDate,
): CauseClaimEntry[] {
  return claims.map((claim) => (claim.claimId === claimId ? { ...claim, decision, decidedOn: on } : claim));
}
