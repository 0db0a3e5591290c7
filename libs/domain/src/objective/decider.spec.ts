import { AUTHORIZATION } from '../authorization/permissions';
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { ForbiddenError } from '../shared/domain-error';
import { DeciderSpecification } from '../testing/decider-spec';
import { commissioner, headOf, hengyang, inspector, mayor, staffOf, watcher } from '../testing/hengyang.fixtures';
import type { DefineObjective, EvaluateObjective, ObjectiveCommand } from './commands';
import { actualAt, OBJECTIVE_DECIDER_ROLES, objectiveDecider, type ObjectiveRecord } from './decider';
import type {
  ActualReported,
  ObjectiveCauseClaimed,
  ObjectiveCauseConfirmed,
  ObjectiveDefined,
  ObjectiveEvaluated,
  ObjectiveEvent,
  ObjectiveExtensionGranted,
  ObjectiveExtensionRequested,
  RevisionApproved,
  RevisionProposed,
} from './events';
import { objectiveProgress } from './queries';

// Zhuhui's T4 objective: 50 parcels by 2018-10-31, tolerance 5%, from letter l-2018-zh.
const OBJECTIVE = 'o-2018-zh-t4';
const HASH = 'a'.repeat(64);
const head = headOf('zh');
const staff = staffOf('zh');
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const recorded = (actor: Actor, day: string, time = '09:00:00') => ({ objectiveId: OBJECTIVE, at: hengyang(day, time), by: by(actor) });
const envelope = (actor: Actor, day: string, time = '09:00:00') => ({ objectiveId: OBJECTIVE, now: hengyang(day, time), actor });

const spec = DeciderSpecification.for(objectiveDecider);

const define: DefineObjective = {
  ...envelope(mayor, '2018-09-10'),
  type: 'DefineObjective',
  unitId: 'zh',
  year: 2018,
  metric: 'Problem parcels rectified',
  unitOfMeasure: 'parcels',
  direction: 'higher_is_better',
  target: 50,
  baseline: 30,
  weight: 1,
  deadline: '2018-10-31',
  tolerance: 0.05,
  letter: { id: 'l-2018-zh', year: 2018, lowerUnitId: 'zh', objectiveIds: [OBJECTIVE], status: 'draft' },
  directive: { id: 'd-2018-1', status: 'issued' },
  taskIds: ['t4-zh'],
};
const defined: ObjectiveDefined = {
  type: 'ObjectiveDefined',
  data: {
    ...recorded(mayor, '2018-09-10'),
    unitId: 'zh',
    year: 2018,
    metric: 'Problem parcels rectified',
    unitOfMeasure: 'parcels',
    direction: 'higher_is_better',
    target: 50,
    baseline: 30,
    weight: 1,
    deadline: '2018-10-31',
    tolerance: 0.05,
    letterId: 'l-2018-zh',
    directiveId: 'd-2018-1',
    taskIds: ['t4-zh'],
  },
};
const actual = (value: number, asOf: string, day: string, correctsValue: number | null = null): ActualReported => ({
  type: 'ActualReported',
  data: {
    ...recorded(staff, day),
    period: asOf.slice(0, 7),
    asOf,
    value,
    samePeriodLastYear: null,
    source: 'Parcel register',
    evidence: [HASH],
    correctsValue,
  },
});
const proposed: RevisionProposed = {
  type: 'RevisionProposed',
  data: { ...recorded(head, '2018-10-01'), revisionId: 'rev-1', currentTarget: 50, proposedTarget: 42, reason: 'Eight parcels left the list' },
};
const revisionApproved: RevisionApproved = {
  type: 'RevisionApproved',
  data: { ...recorded(mayor, '2018-10-03'), revisionId: 'rev-1', previousTarget: 50, newTarget: 42, signOffId: 'so-rev-1' },
};
const extensionRequested: ObjectiveExtensionRequested = {
  type: 'ObjectiveExtensionRequested',
  data: { ...recorded(head, '2018-10-25'), requestId: 'oext-1', currentDeadline: '2018-10-31', requestedDeadline: '2018-12-31', reason: 'Litigation' },
};
const extensionGranted: ObjectiveExtensionGranted = {
  type: 'ObjectiveExtensionGranted',
  data: { ...recorded(mayor, '2018-10-28'), requestId: 'oext-1', previousDeadline: '2018-10-31', newDeadline: '2018-12-31', comment: null },
};
const causeClaimed: ObjectiveCauseClaimed = {
  type: 'ObjectiveCauseClaimed',
  data: { ...recorded(head, '2018-11-10'), claimId: 'cause-1', kind: 'objective_cause', cause: 'Flood', description: 'Parcels under water', evidence: [HASH] },
};
const causeConfirmed: ObjectiveCauseConfirmed = {
  type: 'ObjectiveCauseConfirmed',
  data: { ...recorded(commissioner, '2018-12-20'), claimId: 'cause-1', comment: null },
};

const evaluate = (day: string, basis: 'deadline' | 'year_close', time = '23:00:00'): EvaluateObjective => ({
  ...envelope(watcher, day, time),
  type: 'EvaluateObjective',
  basis,
});
/** The evaluation the decider must produce, from the expected figures. */
const evaluated = (day: string, basis: 'deadline' | 'year_close', figures: Partial<ObjectiveEvaluated['data']>, time = '23:00:00'): ObjectiveEvaluated => ({
  type: 'ObjectiveEvaluated',
  data: {
    ...recorded(watcher, day, time),
    unitId: 'zh',
    year: 2018,
    basis,
    evaluatedOn: day,
    cutOff: '2018-10-31',
    deadline: '2018-10-31',
    originalDeadline: '2018-10-31',
    metric: 'Problem parcels rectified',
    unitOfMeasure: 'parcels',
    direction: 'higher_is_better',
    target: 50,
    originalTarget: 50,
    tolerance: 0.05,
    weight: 1,
    baseline: 30,
    actual: 41,
    actualAsOf: '2018-10-31',
    actualSource: 'Parcel register',
    ratioToPlan: 0.82,
    ratioToSamePeriodLastYear: 41 / 30,
    attainment: 0.82,
    shortfall: 9,
    figuresOutcome: 'missed',
    outcome: 'missed',
    approvedRevisionIds: [],
    grantedExtensionIds: [],
    confirmedCauseClaimIds: [],
    ...figures,
  },
});

describe('objective decider', () => {
  describe('DefineObjective', () => {
    it('defines the objective from its letter and directive', () => {
      spec.given([]).when(define).then([defined]);
    });

    it('accepts a directive alone as the source, and no baseline', () => {
      spec
        .given([])
        .when({ ...define, letter: null, baseline: undefined, taskIds: undefined })
        .then([{ type: 'ObjectiveDefined', data: { ...defined.data, letterId: null, baseline: null, taskIds: [] } }]);
    });

    it('refuses an objective without a source', () => {
      spec.given([]).when({ ...define, letter: null, directive: null }).thenThrows('OBJECTIVE.SOURCE_MISSING');
    });

    it('refuses a letter that is withdrawn, commits another unit or year, or does not list the objective', () => {
      spec.given([]).when({ ...define, letter: { ...define.letter!, status: 'withdrawn' } }).thenThrows('OBJECTIVE.LETTER_WITHDRAWN');
      spec.given([]).when({ ...define, letter: { ...define.letter!, lowerUnitId: 'zx' } }).thenThrows('OBJECTIVE.LETTER_MISMATCH');
      spec.given([]).when({ ...define, letter: { ...define.letter!, year: 2019 } }).thenThrows('OBJECTIVE.LETTER_MISMATCH');
      spec.given([]).when({ ...define, letter: { ...define.letter!, objectiveIds: ['o-other'] } }).thenThrows('OBJECTIVE.NOT_IN_LETTER');
      spec.given([]).when({ ...define, directive: { id: 'd-2018-1', status: 'withdrawn' } }).thenThrows('OBJECTIVE.DIRECTIVE_WITHDRAWN');
    });

    it('refuses malformed figures', () => {
      spec.given([]).when({ ...define, target: 0 }).thenThrows('OBJECTIVE.TARGET_INVALID', { field: 'target' });
      spec.given([]).when({ ...define, direction: 'lower_is_better', target: -1 }).thenThrows('OBJECTIVE.TARGET_INVALID');
      spec.given([]).when({ ...define, target: Number.NaN }).thenThrows('OBJECTIVE.NUMBER_INVALID', { field: 'target' });
      spec.given([]).when({ ...define, weight: 0 }).thenThrows('OBJECTIVE.WEIGHT_INVALID');
      spec.given([]).when({ ...define, tolerance: 1 }).thenThrows('OBJECTIVE.TOLERANCE_INVALID');
      spec.given([]).when({ ...define, tolerance: -0.01 }).thenThrows('OBJECTIVE.TOLERANCE_INVALID');
      spec.given([]).when({ ...define, year: 18 }).thenThrows('OBJECTIVE.YEAR_INVALID');
      spec.given([]).when({ ...define, direction: 'sideways' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'direction' });
      spec.given([]).when({ ...define, metric: ' ' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'metric' });
      spec.given([]).when({ ...define, taskIds: ['t4-zh', 't4-zh'] }).thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('refuses a deadline outside the objective year or already past', () => {
      spec.given([]).when({ ...define, deadline: '2019-01-31' }).thenThrows('OBJECTIVE.DEADLINE_OUTSIDE_YEAR');
      spec.given([]).when({ ...define, deadline: '2018-09-09' }).thenThrows('OBJECTIVE.DEADLINE_BEFORE_DEFINITION');
    });

    it('refuses to define it twice', () => {
      spec.given([defined]).when(define).thenThrows('OBJECTIVE.ALREADY_DEFINED');
    });
  });

  describe('ReportObjectiveActual', () => {
    const report: ObjectiveCommand = {
      ...envelope(staff, '2018-10-01'),
      type: 'ReportObjectiveActual',
      period: '2018-09',
      asOf: '2018-09-30',
      value: 21,
      source: 'Parcel register',
      evidence: [HASH],
    };

    it('records a figure as of the end of a period, and a correction of it', () => {
      spec.given([defined]).when(report).then([actual(21, '2018-09-30', '2018-10-01')]);
      spec.given([defined, actual(21, '2018-09-30', '2018-10-01')]).when({ ...report, value: 23 }).then([actual(23, '2018-09-30', '2018-10-01', 21)]);
    });

    it('keeps the same period last year beside it', () => {
      const events = spec.given([defined]).when({ ...report, samePeriodLastYear: 14 }).then([
        { type: 'ActualReported', data: { ...actual(21, '2018-09-30', '2018-10-01').data, samePeriodLastYear: 14 } },
      ]);
      const state = fold(objectiveDecider, [defined, ...events]) as ObjectiveRecord;
      expect(objectiveProgress(state, '2018-09-30')).toMatchObject({
        target: 50,
        actual: 21,
        ratioToPlan: 0.42,
        ratioToSamePeriodLastYear: 1.5,
        daysToDeadline: 31,
        pace: { status: 'behind' },
      });
    });

    it('refuses a figure dated in the future or before the objective year, and malformed input', () => {
      spec.given([defined]).when({ ...report, asOf: '2018-10-02' }).thenThrows('OBJECTIVE.ACTUAL_IN_FUTURE');
      spec.given([defined]).when({ ...report, asOf: '2017-12-31' }).thenThrows('OBJECTIVE.ACTUAL_BEFORE_YEAR');
      spec.given([defined]).when({ ...report, value: Number.POSITIVE_INFINITY }).thenThrows('OBJECTIVE.NUMBER_INVALID', { field: 'value' });
      spec.given([defined]).when({ ...report, source: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'source' });
      spec.given([defined]).when({ ...report, evidence: ['nope'] }).thenThrows('COMMON.HASH_INVALID');
    });

    it('refuses a figure for an objective not defined', () => {
      spec.given([]).when(report).thenThrows('OBJECTIVE.NOT_FOUND');
    });
  });

  describe('revisions (the target changes only with an approving sign-off by someone else)', () => {
    const propose: ObjectiveCommand = { ...envelope(head, '2018-10-01'), type: 'ProposeObjectiveRevision', revisionId: 'rev-1', newTarget: 42, reason: 'Eight parcels left the list' };
    const approve: ObjectiveCommand = { ...envelope(mayor, '2018-10-03'), type: 'ApproveObjectiveRevision', revisionId: 'rev-1', signOffId: 'so-rev-1' };
    const reject: ObjectiveCommand = { ...envelope(mayor, '2018-10-03'), type: 'RejectObjectiveRevision', revisionId: 'rev-1', reason: 'The list stands' };

    it('records a proposal, then its approval with the sign-off, which changes the target', () => {
      spec.given([defined]).when(propose).then([proposed]);
      spec.given([defined, proposed]).when(approve).then([revisionApproved]);
      expect(fold(objectiveDecider, [defined, proposed, revisionApproved])).toMatchObject({ target: 42, originalTarget: 50 });
    });

    it('records a rejection, which leaves the target', () => {
      const events = spec.given([defined, proposed]).when(reject).then([
        { type: 'RevisionRejected', data: { ...recorded(mayor, '2018-10-03'), revisionId: 'rev-1', reason: 'The list stands' } },
      ]);
      expect(fold(objectiveDecider, [defined, proposed, ...events])).toMatchObject({ target: 50 });
    });

    it('refuses self-approval, and approval by a role other than a leader', () => {
      const selfProposed: RevisionProposed = { type: 'RevisionProposed', data: { ...proposed.data, by: by(mayor) } };
      const error = spec.given([defined, selfProposed]).when(approve).thenThrows('OBJECTIVE.SELF_REVISION_APPROVAL');
      expect(error).toBeInstanceOf(ForbiddenError);
      spec.given([defined, proposed]).when({ ...approve, actor: inspector }).thenThrows('OBJECTIVE.REVISION_DECIDER_ROLE');
    });

    it('refuses a proposal after the deadline, a second pending one, an unchanged or invalid target', () => {
      spec.given([defined]).when({ ...propose, now: hengyang('2018-11-01') }).thenThrows('OBJECTIVE.REVISION_AFTER_DEADLINE');
      spec.given([defined, proposed]).when({ ...propose, revisionId: 'rev-2' }).thenThrows('OBJECTIVE.REVISION_PENDING');
      spec.given([defined, proposed]).when(propose).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given([defined]).when({ ...propose, newTarget: 50 }).thenThrows('OBJECTIVE.REVISION_UNCHANGED');
      spec.given([defined]).when({ ...propose, newTarget: 0 }).thenThrows('OBJECTIVE.TARGET_INVALID');
      spec.given([defined]).when({ ...propose, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });

    it('decides a proposal made in time even after the deadline, but none that is not pending', () => {
      spec.given([defined, proposed]).when({ ...approve, now: hengyang('2018-11-02') }).then([{ type: 'RevisionApproved', data: { ...revisionApproved.data, at: hengyang('2018-11-02') } }]);
      spec.given([defined, proposed, revisionApproved]).when(reject).thenThrows('OBJECTIVE.NO_PENDING_REVISION');
      spec.given([defined]).when(approve).thenThrows('OBJECTIVE.NO_PENDING_REVISION');
      spec.given([defined, proposed]).when({ ...approve, signOffId: 'SO 1' }).thenThrows('COMMON.ID_INVALID', { field: 'signOffId' });
    });

    it('evaluates against the revised target', () => {
      spec
        .given([defined, proposed, revisionApproved, actual(41, '2018-10-31', '2018-11-01')])
        .when(evaluate('2018-11-01', 'deadline'))
        .then([
          evaluated('2018-11-01', 'deadline', {
            target: 42,
            ratioToPlan: 41 / 42,
            attainment: 41 / 42,
            shortfall: 1,
            figuresOutcome: 'met',
            outcome: 'met',
            approvedRevisionIds: ['rev-1'],
          }),
        ]);
    });
  });

  describe('deadline extensions (only a granted extension moves the deadline)', () => {
    const request: ObjectiveCommand = { ...envelope(head, '2018-10-25'), type: 'RequestObjectiveExtension', requestId: 'oext-1', newDeadline: '2018-12-31', reason: 'Litigation' };
    const grant: ObjectiveCommand = { ...envelope(mayor, '2018-10-28'), type: 'GrantObjectiveExtension', requestId: 'oext-1', newDeadline: '2018-12-31' };
    const deny: ObjectiveCommand = { ...envelope(mayor, '2018-10-28'), type: 'DenyObjectiveExtension', requestId: 'oext-1', reason: 'The deadline is the Mayor’s' };

    it('records a request in time, and its grant, which moves the deadline', () => {
      spec.given([defined]).when(request).then([extensionRequested]);
      spec.given([defined, extensionRequested]).when(grant).then([extensionGranted]);
      expect(fold(objectiveDecider, [defined, extensionRequested, extensionGranted])).toMatchObject({ deadline: '2018-12-31', originalDeadline: '2018-10-31' });
    });

    it('records a denial, which leaves the deadline', () => {
      const events = spec.given([defined, extensionRequested]).when(deny).then([
        { type: 'ObjectiveExtensionDenied', data: { ...recorded(mayor, '2018-10-28'), requestId: 'oext-1', reason: 'The deadline is the Mayor’s' } },
      ]);
      expect(fold(objectiveDecider, [defined, extensionRequested, ...events])).toMatchObject({ deadline: '2018-10-31' });
    });

    it('accepts a request on the deadline day, refuses one the day after', () => {
      spec.given([defined]).when({ ...request, now: hengyang('2018-10-31', '23:59:00') }).then([
        { type: 'ObjectiveExtensionRequested', data: { ...extensionRequested.data, at: hengyang('2018-10-31', '23:59:00') } },
      ]);
      spec.given([defined]).when({ ...request, now: hengyang('2018-11-01', '00:01:00') }).thenThrows('OBJECTIVE.EXTENSION_AFTER_DEADLINE');
    });

    it('refuses a new deadline that is not later, a second pending request, a reused request id', () => {
      spec.given([defined]).when({ ...request, newDeadline: '2018-10-31' }).thenThrows('OBJECTIVE.EXTENSION_NOT_LATER');
      spec.given([defined, extensionRequested]).when({ ...request, requestId: 'oext-2' }).thenThrows('OBJECTIVE.EXTENSION_PENDING');
      spec.given([defined, extensionRequested, extensionGranted]).when(request).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given([defined, extensionRequested]).when({ ...grant, newDeadline: '2018-10-30' }).thenThrows('OBJECTIVE.EXTENSION_NOT_LATER');
    });

    it('refuses a decision by someone other than a leader, on one’s own request, or on no pending request', () => {
      spec.given([defined, extensionRequested]).when({ ...grant, actor: inspector }).thenThrows('OBJECTIVE.EXTENSION_DECIDER_ROLE');
      const ownRequest: ObjectiveExtensionRequested = { type: 'ObjectiveExtensionRequested', data: { ...extensionRequested.data, by: by(mayor) } };
      spec.given([defined, ownRequest]).when(grant).thenThrows('OBJECTIVE.SELF_EXTENSION_DECISION');
      spec.given([defined, extensionRequested, extensionGranted]).when(deny).thenThrows('OBJECTIVE.NO_PENDING_EXTENSION');
      spec.given([defined, extensionRequested]).when({ ...deny, requestId: 'oext-9' }).thenThrows('OBJECTIVE.NO_PENDING_EXTENSION');
    });
  });

  describe('objective causes (confirmed or rejected by the discipline commission)', () => {
    const claim: ObjectiveCommand = {
      ...envelope(head, '2018-11-10'),
      type: 'ClaimObjectiveCause',
      claimId: 'cause-1',
      kind: 'objective_cause',
      cause: 'Flood',
      description: 'Parcels under water',
      evidence: [HASH],
    };
    const confirm: ObjectiveCommand = { ...envelope(commissioner, '2018-12-20'), type: 'ConfirmObjectiveCause', claimId: 'cause-1' };
    const rejectCause: ObjectiveCommand = { ...envelope(commissioner, '2018-12-20'), type: 'RejectObjectiveCause', claimId: 'cause-1', reason: 'The parcels were dry' };

    it('records a claim after the deadline, and its confirmation or rejection', () => {
      spec.given([defined]).when(claim).then([causeClaimed]);
      spec.given([defined, causeClaimed]).when(confirm).then([causeConfirmed]);
      spec.given([defined, causeClaimed]).when(rejectCause).then([
        { type: 'ObjectiveCauseRejected', data: { ...recorded(commissioner, '2018-12-20'), claimId: 'cause-1', reason: 'The parcels were dry' } },
      ]);
    });

    it('refuses a decision by anyone but the commission, on one’s own claim, or on a claim not pending', () => {
      spec.given([defined, causeClaimed]).when({ ...confirm, actor: mayor }).thenThrows('OBJECTIVE.CAUSE_DECIDER_ROLE');
      const ownClaim: ObjectiveCauseClaimed = { type: 'ObjectiveCauseClaimed', data: { ...causeClaimed.data, by: by(commissioner) } };
      spec.given([defined, ownClaim]).when(confirm).thenThrows('OBJECTIVE.SELF_CAUSE_DECISION');
      spec.given([defined, causeClaimed, causeConfirmed]).when(rejectCause).thenThrows('OBJECTIVE.NO_PENDING_CAUSE');
      spec.given([defined]).when(confirm).thenThrows('OBJECTIVE.NO_PENDING_CAUSE');
    });

    it('refuses a malformed claim or a reused claim id', () => {
      spec.given([defined]).when({ ...claim, kind: 'bad_luck' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'kind' });
      spec.given([defined]).when({ ...claim, description: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'description' });
      spec.given([defined, causeClaimed]).when(claim).thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('excuses a miss once confirmed; an error-tolerance claim never does', () => {
      const history = [defined, actual(20, '2018-10-31', '2018-11-01'), causeClaimed, causeConfirmed];
      spec.given(history).when(evaluate('2018-12-31', 'year_close')).then([
        evaluated('2018-12-31', 'year_close', {
          actual: 20,
          ratioToPlan: 0.4,
          attainment: 0.4,
          shortfall: 30,
          ratioToSamePeriodLastYear: 20 / 30,
          outcome: 'excused',
          confirmedCauseClaimIds: ['cause-1'],
        }),
      ]);
      const tolerance: ObjectiveCauseClaimed = { type: 'ObjectiveCauseClaimed', data: { ...causeClaimed.data, kind: 'error_tolerance' } };
      const produced = spec.given([defined, actual(20, '2018-10-31', '2018-11-01'), tolerance, causeConfirmed]).when(evaluate('2018-12-31', 'year_close')).then([
        evaluated('2018-12-31', 'year_close', { actual: 20, ratioToPlan: 0.4, attainment: 0.4, shortfall: 30, ratioToSamePeriodLastYear: 20 / 30 }),
      ]);
      expect((produced[0] as ObjectiveEvaluated).data.outcome).toBe('missed');
    });
  });

  describe('EvaluateObjective', () => {
    const reported = [defined, actual(41, '2018-10-31', '2018-11-01')];

    it('evaluates at the deadline in force from the deadline day on, with the figure in force at it', () => {
      spec.given(reported).when(evaluate('2018-10-31', 'deadline')).then([evaluated('2018-10-31', 'deadline', {})]);
    });

    it('ignores figures dated after the cut-off: late work does not rescue a missed deadline', () => {
      spec.given([...reported, actual(50, '2018-11-30', '2018-12-01')]).when(evaluate('2018-12-31', 'year_close')).then([evaluated('2018-12-31', 'year_close', {})]);
    });

    it('uses the last correction of the figure at the cut-off', () => {
      const corrected = actual(47, '2018-10-31', '2018-11-03', 41);
      spec.given([...reported, corrected]).when(evaluate('2018-12-31', 'year_close')).then([
        evaluated('2018-12-31', 'year_close', {
          actual: 47,
          ratioToPlan: 0.94,
          attainment: 0.94,
          shortfall: 3,
          ratioToSamePeriodLastYear: 47 / 30,
        }),
      ]);
      expect(actualAt({ actuals: [] }, '2018-10-31')).toBeNull();
    });

    it('evaluates a missing figure as missed', () => {
      spec.given([defined]).when(evaluate('2018-12-31', 'year_close')).then([
        evaluated('2018-12-31', 'year_close', {
          actual: null,
          actualAsOf: null,
          actualSource: null,
          ratioToPlan: null,
          ratioToSamePeriodLastYear: null,
          attainment: null,
          shortfall: 50,
        }),
      ]);
    });

    it('at year close, evaluates an objective whose extended deadline lies beyond the year as of 31 December', () => {
      const toMarch: ObjectiveExtensionGranted = { type: 'ObjectiveExtensionGranted', data: { ...extensionGranted.data, newDeadline: '2019-03-31' } };
      const produced = spec
        .given([defined, extensionRequested, toMarch, actual(45, '2018-12-31', '2018-12-31')])
        .when(evaluate('2018-12-31', 'year_close'))
        .then([
          evaluated('2018-12-31', 'year_close', {
            cutOff: '2018-12-31',
            deadline: '2019-03-31',
            actual: 45,
            actualAsOf: '2018-12-31',
            ratioToPlan: 0.9,
            attainment: 0.9,
            shortfall: 5,
            ratioToSamePeriodLastYear: 1.5,
            grantedExtensionIds: ['oext-1'],
          }),
        ]);
      expect(produced).toHaveLength(1);
    });

    it('refuses an evaluation before the deadline, or before year close', () => {
      spec.given(reported).when(evaluate('2018-10-30', 'deadline')).thenThrows('OBJECTIVE.EVALUATION_BEFORE_DEADLINE');
      spec.given(reported).when(evaluate('2018-12-30', 'year_close')).thenThrows('OBJECTIVE.EVALUATION_BEFORE_YEAR_CLOSE');
      spec.given([defined, extensionRequested, extensionGranted]).when(evaluate('2018-11-01', 'deadline')).thenThrows('OBJECTIVE.EVALUATION_BEFORE_DEADLINE');
    });

    it('refuses while a request, a revision or a claim awaits a decision', () => {
      spec.given([...reported, extensionRequested]).when(evaluate('2018-10-31', 'deadline')).thenThrows('OBJECTIVE.EXTENSION_PENDING');
      spec.given([...reported, proposed]).when(evaluate('2018-10-31', 'deadline')).thenThrows('OBJECTIVE.REVISION_PENDING');
      spec.given([...reported, causeClaimed]).when(evaluate('2018-12-31', 'year_close')).thenThrows('OBJECTIVE.CAUSE_PENDING');
    });

    it('evaluates once per basis; after the year-close evaluation nothing more is recorded', () => {
      const atDeadline = evaluated('2018-11-01', 'deadline', {});
      spec.given([...reported, atDeadline]).when(evaluate('2018-11-02', 'deadline')).thenThrows('OBJECTIVE.ALREADY_EVALUATED');
      spec.given([...reported, atDeadline]).when(evaluate('2018-12-31', 'year_close')).then([evaluated('2018-12-31', 'year_close', {})]);
      const closed = [...reported, evaluated('2018-12-31', 'year_close', {})];
      spec.given(closed).when(evaluate('2019-01-01', 'deadline')).thenThrows('OBJECTIVE.CLOSED');
      spec.given(closed).when({ ...envelope(staff, '2019-01-02'), type: 'ReportObjectiveActual', period: '2018-12', asOf: '2018-12-31', value: 50, source: 'x', evidence: [] }).thenThrows('OBJECTIVE.CLOSED');
      expect(fold(objectiveDecider, closed)).toMatchObject({ status: 'closed', evaluations: [{ basis: 'year_close', outcome: 'missed' }] });
    });

    it('refuses an unknown basis', () => {
      spec.given(reported).when({ ...evaluate('2018-12-31', 'year_close'), basis: 'whenever' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
    });
  });

  it('checks every command’s envelope and id', () => {
    spec.given([]).when({ ...define, objectiveId: 'O 1' }).thenThrows('COMMON.ID_INVALID', { field: 'objectiveId' });
    spec.given([]).when({ ...define, now: '2018-09-10' }).thenThrows('COMMON.INSTANT_INVALID', { field: 'now' });
  });

  it('ignores events before the definition when folding (a decider’s evolve is total)', () => {
    const events: ObjectiveEvent[] = [actual(1, '2018-09-30', '2018-10-01')];
    expect(fold(objectiveDecider, events)).toEqual({ status: 'none' });
  });

  it('the authorization table never allows a role the decider refuses', () => {
    for (const [command, roles] of Object.entries(OBJECTIVE_DECIDER_ROLES)) {
      for (const role of Object.keys(AUTHORIZATION[command as keyof typeof OBJECTIVE_DECIDER_ROLES].allow)) {
        expect({ command, role, allowed: (roles as readonly string[]).includes(role) }).toEqual({ command, role, allowed: true });
      }
    }
  });
});
