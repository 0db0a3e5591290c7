import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import { headOf, hengyang, watcher } from '../testing/hengyang.fixtures';
import { hengyangYear, objectiveId } from '../referral/hengyang-2018.fixtures';
import { objectiveDecider } from './decider';
import type { ObjectiveEvaluated, ObjectiveEvent } from './events';

const year = hengyangYear();
const evaluationOf = (events: readonly ObjectiveEvent[]) =>
  events.filter((event): event is ObjectiveEvaluated => event.type === 'ObjectiveEvaluated').at(-1)?.data;
const spec = DeciderSpecification.for(objectiveDecider);

describe('Hengyang 2018: the T4 objectives at year close', () => {
  it('Zhengxiang exceeded: 41 of 40, 102.5% of plan', () => {
    expect(evaluationOf(year.objectives.zx)).toMatchObject({ outcome: 'exceeded', target: 40, actual: 41, ratioToPlan: 1.025, shortfall: 0 });
  });

  it('Shigu met inside the 5% tolerance: 29 of 30, 96.7%', () => {
    const evaluation = evaluationOf(year.objectives.sg);
    expect(evaluation).toMatchObject({ outcome: 'met', figuresOutcome: 'met', target: 30, actual: 29, shortfall: 1 });
    expect(evaluation?.ratioToPlan).toBeCloseTo(0.967, 3);
  });

  it('Zhuhui missed: 41 of 50, 82% (below 95%), with no revision and no cause', () => {
    expect(evaluationOf(year.objectives.zh)).toMatchObject({
      outcome: 'missed',
      target: 50,
      actual: 41,
      ratioToPlan: 0.82,
      shortfall: 9,
      deadline: '2018-10-31',
      cutOff: '2018-10-31',
      approvedRevisionIds: [],
      confirmedCauseClaimIds: [],
    });
  });

  it('Hengnan met at the extended deadline 2018-12-31 (granted 2018-10-28): 58 of 60, not the 48 of October', () => {
    const evaluation = evaluationOf(year.objectives.hn);
    expect(evaluation).toMatchObject({
      outcome: 'met',
      deadline: '2018-12-31',
      originalDeadline: '2018-10-31',
      cutOff: '2018-12-31',
      actual: 58,
      actualAsOf: '2018-12-31',
      grantedExtensionIds: ['oext-hn-1'],
    });
    expect(evaluation?.ratioToPlan).toBeCloseTo(0.967, 3);
  });

  it('Hengdong excused: the flood was confirmed by the commission on 2018-12-20; its figures alone miss (20 of 35)', () => {
    expect(evaluationOf(year.objectives.hd)).toMatchObject({
      outcome: 'excused',
      figuresOutcome: 'missed',
      actual: 20,
      deadline: '2018-10-31',
      confirmedCauseClaimIds: ['cause-hd-flood'],
    });
  });

  it('refuses Hengdong’s extension request of 2018-11-05, made after the deadline, and the deadline stays', () => {
    const beforeRequest = year.objectives.hd.filter((event) => event.data.at < hengyang('2018-11-05'));
    spec
      .given(beforeRequest)
      .when({
        type: 'RequestObjectiveExtension',
        objectiveId: objectiveId('hd'),
        now: hengyang('2018-11-05'),
        actor: headOf('hd'),
        requestId: 'oext-hd-1',
        newDeadline: '2018-12-31',
        reason: 'Flood',
      })
      .thenThrows('OBJECTIVE.EXTENSION_AFTER_DEADLINE');
    const state = fold(objectiveDecider, year.objectives.hd);
    expect(state).toMatchObject({ deadline: '2018-10-31', extensionRequests: [] });
  });

  it('evaluated at its own deadline instead, Zhengxiang is exceeded on 2018-11-01 too, and Hengnan may not be evaluated before 2018-12-31', () => {
    const zxBeforeYearClose = year.objectives.zx.filter((event) => event.type !== 'ObjectiveEvaluated');
    spec
      .given(zxBeforeYearClose)
      .when({ type: 'EvaluateObjective', objectiveId: objectiveId('zx'), now: hengyang('2018-11-01', '12:00:00'), actor: watcher, basis: 'deadline' })
      .then([
        {
          type: 'ObjectiveEvaluated',
          data: { ...(evaluationOf(year.objectives.zx) as ObjectiveEvaluated['data']), at: hengyang('2018-11-01', '12:00:00'), basis: 'deadline', evaluatedOn: '2018-11-01' },
        },
      ]);
    const hnInNovember = year.objectives.hn.filter((event) => event.data.at < hengyang('2018-11-02'));
    spec
      .given(hnInNovember)
      .when({ type: 'EvaluateObjective', objectiveId: objectiveId('hn'), now: hengyang('2018-11-01'), actor: watcher, basis: 'deadline' })
      .thenThrows('OBJECTIVE.EVALUATION_BEFORE_DEADLINE');
  });
});
