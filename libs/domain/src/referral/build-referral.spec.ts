import { CN_2019, VN_2026 } from '../appraisal/rule-sets';
import type { ObjectiveCommand } from '../objective/commands';
import { objectiveDecider } from '../objective/decider';
import type { ObjectiveEvent } from '../objective/events';
import { fold } from '../shared/decider';
import type { TaskState } from '../task/decider';
import { taskDecider } from '../task/decider';
import { headOf, hengyang, mayor, staffOf, watcher } from '../testing/hengyang.fixtures';
import { unitDecider, type UnitState } from '../unit/decider';
import { buildOverdueTasksReferral, buildReferral, type LoggedEvent, type ObjectiveReferralInput } from './build-referral';
import { overdueTasksToFlag, shouldFlag } from './flagging';
import { hengyangYear, Stream } from './hengyang-2018.fixtures';

const year = hengyangYear();
const zhInput: ObjectiveReferralInput = {
  ruleSet: CN_2019,
  objective: year.objectives.zh,
  unit: year.units.zh,
  letter: year.letters.zh,
  directive: year.directive,
  tasks: [year.tasks.zh],
  inspections: year.inspections,
  interviews: year.interviews,
};
const HASH = '4b'.repeat(32);

/** An objective of zh with no task, evaluated at year close: 30 of 50. */
function objectiveWithoutTasks(extra: ObjectiveCommand[] = []): LoggedEvent<ObjectiveEvent>[] {
  const at = (date: string, time = '09:00:00') => ({ objectiveId: 'o-2018-zh-x', now: hengyang(date, time) });
  return new Stream(objectiveDecider, 'objective-o-2018-zh-x').run(
    {
      ...at('2018-09-10', '09:45:00'),
      type: 'DefineObjective',
      actor: mayor,
      unitId: 'zh',
      year: 2018,
      metric: 'Illegal buildings removed',
      unitOfMeasure: 'buildings',
      direction: 'higher_is_better',
      target: 50,
      weight: 1,
      deadline: '2018-11-30',
      tolerance: 0,
      letter: null,
      directive: { id: 'd-2018-1', status: 'issued' },
    },
    ...extra,
    { ...at('2018-12-01'), type: 'ReportObjectiveActual', actor: staffOf('zh'), period: '2018-11', asOf: '2018-11-30', value: 30, source: 'Urban management bureau', evidence: [HASH] },
    { ...at('2018-12-31', '23:00:00'), type: 'EvaluateObjective', actor: watcher, basis: 'year_close' },
  ).events;
}

describe('flagging', () => {
  it('flags a missed objective, not one met, exceeded or excused', () => {
    expect(shouldFlag({ outcome: 'missed' }, CN_2019.flagging)).toBe(true);
    for (const outcome of ['met', 'exceeded', 'excused'] as const) expect(shouldFlag({ outcome }, CN_2019.flagging)).toBe(false);
    expect(shouldFlag({ outcome: 'missed' }, { ...CN_2019.flagging, missedObjectives: false })).toBe(false);
  });

  it('flags a miss of a revised target: an approved revision changes the bar, it does not remove it', () => {
    const objective = objectiveWithoutTasks([
      { objectiveId: 'o-2018-zh-x', now: hengyang('2018-10-01'), type: 'ProposeObjectiveRevision', actor: headOf('zh'), revisionId: 'rev-1', newTarget: 40, reason: 'Ten buildings under appeal' },
      { objectiveId: 'o-2018-zh-x', now: hengyang('2018-10-03'), type: 'ApproveObjectiveRevision', actor: mayor, revisionId: 'rev-1', signOffId: 'so-rev-1' },
    ]);
    const referral = buildReferral({ ...zhInput, objective, tasks: [] });
    expect(referral.failure).toMatchObject({ target: 40, originalTarget: 50, actual: 30 });
    expect(referral.mitigations.approvedRevisions).toEqual([
      { revisionId: 'rev-1', previousTarget: 50, newTarget: 40, signOffId: 'so-rev-1', eventId: 'objective-o-2018-zh-x#3' },
    ]);
  });

  describe('tasks overdue beyond the threshold (vn-2026: more than 30 days, one task)', () => {
    const states = (asOf: string): TaskState[] =>
      Object.values(year.tasks).map((events) => fold(taskDecider, events.filter((event) => event.data.at <= `${asOf}T23:59:59+08:00`)));

    it('flags none 15 days after the deadline, Zhuhui’s and Hengdong’s T4 at year close, none under cn-2019', () => {
      expect(overdueTasksToFlag(states('2018-11-15'), '2018-11-15', VN_2026.flagging)).toEqual([]);
      expect(overdueTasksToFlag(states('2018-12-31'), '2018-12-31', VN_2026.flagging)).toEqual([
        { taskId: 't4-zh', deadline: '2018-10-31', daysOverdue: 61 },
        { taskId: 't4-hd', deadline: '2018-10-31', daysOverdue: 61 },
      ]);
      expect(overdueTasksToFlag(states('2018-12-31'), '2018-12-31', CN_2019.flagging)).toEqual([]);
      expect(overdueTasksToFlag(states('2018-12-31'), '2018-12-31', { missedObjectives: true, overdueTasks: { minDaysOverdue: 30, minCount: 3 } })).toEqual([]);
    });

    it('leaves out a task whose objective cause was confirmed: Hengdong is referred while its flood claim is pending, not once it is confirmed', () => {
      const hd = (asOf: string) =>
        buildOverdueTasksReferral({ ruleSet: VN_2026, unit: year.units.hd, asOf, year: 2018, directives: [year.directive], tasks: Object.values(year.tasks), objectives: Object.values(year.objectives) });
      const pending = hd('2018-12-15');
      expect(pending.failure).toMatchObject({ tasks: [{ taskId: 't4-hd', daysOverdue: 45 }] });
      expect(pending.subject.persons.map((person) => person.name)).toEqual(['County Head E']);
      expect(pending.mitigations.causes).toEqual([
        { claimId: 'cause-hd-flood', kind: 'objective_cause', cause: 'Flood', decision: 'pending', claimedOn: '2018-11-10', decidedOn: null, eventIds: ['objective-o-2018-hd-t4#3'] },
      ]);
      expect(pending.integrity.eventIds).toContain('objective-o-2018-hd-t4#3');
      expect(() => hd('2018-12-31')).toThrow(expect.objectContaining({ code: 'REFERRAL.TASKS_NOT_OVERDUE' }));
      const states = Object.values(year.tasks).map((events) => fold(taskDecider, events));
      expect(overdueTasksToFlag(states, '2018-12-31', VN_2026.flagging, new Set(['t4-hd'])).map((task) => task.taskId)).toEqual(['t4-zh']);
    });

    it('refers Zhuhui for its overdue T4, naming the head at the task’s deadline', () => {
      const referral = buildOverdueTasksReferral({
        ruleSet: VN_2026,
        unit: year.units.zh,
        asOf: '2018-12-31',
        directive: year.directive,
        tasks: Object.values(year.tasks),
        inspections: year.inspections,
        interviews: year.interviews,
      });
      expect(referral.reasons).toEqual(['tasks_overdue']);
      expect(referral.jurisdiction).toBe('vn');
      expect(referral.subject.persons.map((person) => [person.name, person.responsibility])).toEqual([['District Head C', 'main']]);
      expect(referral.failure).toMatchObject({
        kind: 'tasks_overdue',
        minDaysOverdue: 30,
        tasks: [{ taskId: 't4-zh', deadline: '2018-10-31', daysOverdue: 61, directiveId: 'd-2018-1' }],
        source: { directive: { documentNumber: 'DEMO-衡督〔2018〕1号' } },
      });
      expect(referral.chronology.map((entry) => entry.kind)).toEqual(['assignment', 'acknowledgement', 'reminder', 'inspection_notice', 'interview']);
      expect(() => buildOverdueTasksReferral({ ruleSet: VN_2026, unit: year.units.zh, asOf: '2018-11-15', tasks: Object.values(year.tasks) })).toThrow(
        expect.objectContaining({ code: 'REFERRAL.TASKS_NOT_OVERDUE' }),
      );
      expect(() => buildOverdueTasksReferral({ ruleSet: CN_2019, unit: year.units.zh, asOf: '2018-12-31', tasks: Object.values(year.tasks) })).toThrow(
        expect.objectContaining({ code: 'REFERRAL.TASKS_NOT_OVERDUE' }),
      );
    });
  });
});

describe('buildReferral', () => {
  it('for an objective with no task, takes its definition as the assignment and the lower party’s signature as the acknowledgement', () => {
    const referral = buildReferral({ ...zhInput, objective: objectiveWithoutTasks(), tasks: [year.tasks.zh] });
    expect(referral.chronology.map(({ on, kind }) => [on, kind])).toEqual([
      ['2018-09-10', 'assignment'],
      ['2018-09-10', 'acknowledgement'],
      ['2018-10-15', 'inspection_notice'],
      ['2018-10-20', 'interview'],
      ['2018-12-31', 'evaluation'],
    ]);
    expect(referral.subject.resolvedOn).toBe('2018-11-30');
    // On 2018-11-30 Zhuhui's head is C2 (appointed 2018-11-15): the head at the deadline.
    expect(referral.subject.persons.map((person) => person.name)).toEqual(['District Head C2']);
    expect(referral.integrity.evidenceHashes).toContain(HASH);
  });

  it('names the deputies in charge with important leadership responsibility, and a vacancy when nobody was head', () => {
    const admin = { id: 'admin-1', role: 'administrator' as const, unit: 'city' };
    const unit = new Stream(unitDecider, 'unit-zh').run(
      { unitId: 'zh', now: hengyang('2018-01-02'), actor: admin, type: 'RegisterUnit', names: { en: 'Zhuhui' }, kind: 'district', parentId: 'city', parentChain: ['city'] },
      { unitId: 'zh', now: hengyang('2018-01-02'), actor: admin, type: 'AppointDeputy', personId: 'p-zh-deputy', name: 'Deputy District Head', postTitle: 'Deputy District Head', portfolio: 'Land', from: '2018-01-01' },
    ).state();
    const referral = buildReferral({ ...zhInput, unit, deputiesInCharge: ['p-zh-deputy'] });
    expect(referral.subject).toMatchObject({
      headVacant: true,
      persons: [{ personId: 'p-zh-deputy', responsibility: 'important', basis: 'deputy_in_charge', tenure: { from: '2018-01-01', to: null } }],
    });
  });

  it('leaves out what happened after the evaluation, and notices that do not name the unit', () => {
    const lateReminder = { ...year.tasks.zh[3], id: 'task-t4-zh#99', data: { ...year.tasks.zh[3].data, at: hengyang('2019-01-03') } } as (typeof year.tasks.zh)[number];
    const referral = buildReferral({ ...zhInput, tasks: [[...year.tasks.zh, lateReminder]] });
    expect(referral.chronology.map((entry) => entry.eventId)).not.toContain('task-t4-zh#99');
    expect(referral.chronology.filter((entry) => entry.kind === 'inspection_notice')).toHaveLength(1);
  });

  it('lists mitigations: cause claims and extensions with the events they rest on', () => {
    const hdObjective = year.objectives.hd.filter((event) => event.type !== 'ObjectiveEvaluated');
    const evaluatedAsMissed = objectiveDecider.decide(
      { objectiveId: 'o-2018-hd-t4', now: hengyang('2018-11-01'), actor: watcher, type: 'EvaluateObjective', basis: 'deadline' },
      fold(objectiveDecider, hdObjective.filter((event) => event.data.at < hengyang('2018-11-02'))),
    )[0];
    const asMissed = [...hdObjective.filter((event) => event.data.at < hengyang('2018-11-02')), { ...evaluatedAsMissed, id: 'objective-o-2018-hd-t4#50', streamId: 'objective-o-2018-hd-t4' }];
    const withClaim = [...asMissed.slice(0, -1), ...hdObjective.filter((event) => event.type === 'ObjectiveCauseClaimed'), asMissed.at(-1)!];
    const referral = buildReferral({ ...zhInput, objective: withClaim, unit: year.units.hd, letter: year.letters.hd, tasks: [year.tasks.hd] });
    expect(referral.subject.persons.map((person) => person.name)).toEqual(['County Head E']);
    expect(referral.mitigations.causes).toEqual([
      { claimId: 'cause-hd-flood', kind: 'objective_cause', cause: 'Flood', decision: 'pending', claimedOn: '2018-11-10', decidedOn: null, eventIds: ['objective-o-2018-hd-t4#3'] },
    ]);
    const hn = buildReferral({
      ...zhInput,
      ruleSet: { ...CN_2019, flagging: { missedObjectives: true, overdueTasks: null } },
      objective: [...year.objectives.hn.slice(0, -1), { ...year.objectives.hn.at(-1)!, data: { ...(year.objectives.hn.at(-1)!.data as object), outcome: 'missed' } } as LoggedEvent<ObjectiveEvent>],
      unit: year.units.hn,
      letter: year.letters.hn,
      tasks: [year.tasks.hn],
    });
    expect(hn.mitigations.extensions.map((extension) => [extension.streamId, extension.requestId, extension.decision])).toEqual([
      ['objective-o-2018-hn-t4', 'oext-hn-1', 'granted'],
      ['task-t4-hn', 'ext-hn-1', 'granted'],
    ]);
    expect(hn.chronology.map((entry) => entry.kind)).toEqual([
      'assignment',
      'acknowledgement',
      'extension_request',
      'extension_request',
      'extension_granted',
      'extension_granted',
      'inspection_notice',
      'completion_report',
      'evaluation',
    ]);
  });

  it('refuses an objective not evaluated, the wrong unit’s history, and no objective at all', () => {
    const notEvaluated = year.objectives.zh.filter((event) => event.type !== 'ObjectiveEvaluated');
    expect(() => buildReferral({ ...zhInput, objective: notEvaluated })).toThrow(expect.objectContaining({ code: 'REFERRAL.NOT_EVALUATED' }));
    expect(() => buildReferral({ ...zhInput, unit: year.units.zx })).toThrow(expect.objectContaining({ code: 'REFERRAL.UNIT_MISMATCH' }));
    expect(() => buildReferral({ ...zhInput, unit: { status: 'unregistered' } as UnitState })).toThrow(expect.objectContaining({ code: 'REFERRAL.UNIT_MISMATCH' }));
    expect(() => buildReferral({ ...zhInput, objective: [] })).toThrow(expect.objectContaining({ code: 'REFERRAL.OBJECTIVE_MISSING' }));
  });

  it('is plain JSON, and the same on every build', () => {
    const referral = buildReferral(zhInput);
    expect(JSON.parse(JSON.stringify(referral))).toEqual(referral);
    expect(buildReferral(zhInput)).toEqual(referral);
  });
});
