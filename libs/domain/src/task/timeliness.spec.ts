import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import {
  type DistrictOrCounty,
  hengyang,
  headOf,
  inspector,
  mayor,
  runTask,
  staffOf,
  t4Assignment,
  watcher,
} from '../testing/hengyang.fixtures';
import type { TaskCommand } from './commands';
import { taskDecider } from './decider';
import type { TaskEvent } from './events';
import { isCountedTimeliness, timeliness, timelinessOn, TIMELINESS_LABELS, TIMELINESS_VALUES } from './timeliness';

const HASH = 'b'.repeat(64);

/** Builds commands for T4 of one unit, dated in Hengyang time. */
function t4(unit: DistrictOrCounty) {
  const taskId = `t4-${unit}`;
  const at = (day: string) => ({ taskId, now: hengyang(day) });
  return {
    acknowledge: (day: string): TaskCommand => ({ ...at(day), type: 'AcknowledgeTask', actor: headOf(unit) }),
    progress: (day: string, percent: number): TaskCommand => ({
      ...at(day),
      type: 'ReportProgress',
      actor: staffOf(unit),
      percent,
      narrative: `${percent}% of problem parcels rectified`,
      evidence: [HASH],
    }),
    complete: (day: string): TaskCommand => ({
      ...at(day),
      type: 'ReportCompletion',
      actor: staffOf(unit),
      narrative: 'All problem parcels rectified',
      evidence: [HASH],
    }),
    verify: (day: string): TaskCommand => ({ ...at(day), type: 'VerifyCompletion', actor: inspector }),
    remind: (day: string): TaskCommand => ({
      ...at(day),
      type: 'IssueReminder',
      actor: inspector,
      message: 'Behind schedule',
      channel: 'official_document',
    }),
    requestExtension: (day: string, newDeadline: string): TaskCommand => ({
      ...at(day),
      type: 'RequestExtension',
      actor: headOf(unit),
      requestId: `ext-${unit}-1`,
      newDeadline,
      reason: 'Parcels under litigation',
    }),
    grant: (day: string, newDeadline: string): TaskCommand => ({
      ...at(day),
      type: 'GrantExtension',
      actor: mayor,
      requestId: `ext-${unit}-1`,
      newDeadline,
    }),
    markDeadlinePassed: (day: string): TaskCommand => ({ ...at(day), type: 'MarkDeadlinePassed', actor: watcher }),
    cancel: (day: string): TaskCommand => ({
      ...at(day),
      type: 'CancelTask',
      actor: mayor,
      reason: 'Merged into T3',
      signOffId: 'so-1',
    }),
  };
}

// The Hengyang T4 year, as the scenario tells it (deadline 2018-10-31 for all five).
const zx = t4('zx');
const sg = t4('sg');
const zh = t4('zh');
const hn = t4('hn');
const hd = t4('hd');

const history: { readonly [U in DistrictOrCounty]: TaskEvent[] } = {
  // Zhengxiang: ahead, praised; reported 10-28, verified 10-30.
  zx: runTask([...t4Assignment('zx'), zx.acknowledge('2018-09-07'), zx.progress('2018-09-30', 60), zx.complete('2018-10-28'), zx.verify('2018-10-30')]),
  // Shigu: reported on the deadline day, verified the day after.
  sg: runTask([...t4Assignment('sg'), sg.acknowledge('2018-09-07'), sg.progress('2018-10-15', 80), sg.complete('2018-10-31'), sg.verify('2018-11-01')]),
  // Zhuhui: reminded 10-10, deadline missed; reports in December, verified 12-15.
  zh: runTask([
    ...t4Assignment('zh'),
    zh.acknowledge('2018-09-08'),
    zh.progress('2018-09-20', 30),
    zh.remind('2018-10-10'),
    zh.progress('2018-10-20', 70),
    zh.markDeadlinePassed('2018-11-01'),
    zh.complete('2018-12-10'),
    zh.verify('2018-12-15'),
  ]),
  // Hengnan: extension requested 10-25, granted by the Mayor 10-28 to 12-31; done 12-28.
  hn: runTask([
    ...t4Assignment('hn'),
    hn.acknowledge('2018-09-07'),
    hn.progress('2018-10-20', 80),
    hn.requestExtension('2018-10-25', '2018-12-31'),
    hn.grant('2018-10-28', '2018-12-31'),
    hn.complete('2018-12-28'),
    hn.verify('2018-12-30'),
  ]),
  // Hengdong: deadline missed, marked 11-01; its extension request of 11-05 is refused (see below).
  hd: runTask([...t4Assignment('hd'), hd.acknowledge('2018-09-07'), hd.progress('2018-10-20', 57), hd.markDeadlinePassed('2018-11-01')]),
};

describe('timeliness: the Hengyang T4 table', () => {
  it.each([
    ['zx', 'done_on_time'],
    ['sg', 'done_on_time'],
    ['zh', 'not_done_overdue'],
    ['hn', 'not_done_within_deadline'],
    ['hd', 'not_done_overdue'],
  ] as const)('on 2018-11-01, T4 for %s is %s', (unit, expected) => {
    expect(timelinessOn(history[unit], '2018-11-01')).toBe(expected);
  });

  it('refuses Hengdong’s extension request made after the deadline, which leaves its deadline where it was', () => {
    DeciderSpecification.for(taskDecider)
      .given(history.hd)
      .when(hd.requestExtension('2018-11-05', '2018-12-31'))
      .thenThrows('TASK.EXTENSION_AFTER_DEADLINE');
    const state = fold(taskDecider, history.hd);
    expect(state.status !== 'none' && state.deadline).toBe('2018-10-31');
    expect(timeliness(state, '2018-11-05')).toBe('not_done_overdue');
  });

  it('measures Hengnan against the extended deadline', () => {
    const state = fold(taskDecider, history.hn);
    expect(state.status !== 'none' && [state.assignment?.originalDeadline, state.deadline]).toEqual(['2018-10-31', '2018-12-31']);
    expect(timelinessOn(history.hn, '2018-12-31')).toBe('done_on_time');
  });

  it('at year close: Zhuhui done late, the others done on time, Hengdong still overdue', () => {
    const yearClose = Object.fromEntries(
      Object.entries(history).map(([unit, events]) => [unit, timelinessOn(events, '2018-12-31')]),
    );
    expect(yearClose).toEqual({
      zx: 'done_on_time',
      sg: 'done_on_time',
      zh: 'done_late',
      hn: 'done_on_time',
      hd: 'not_done_overdue',
    });
  });
});

describe('timeliness rules', () => {
  it('counts a task as done only once its completion is verified', () => {
    // Shigu reported on 10-31 (the deadline day) but was verified on 11-01.
    expect(timelinessOn(history.sg, '2018-10-31')).toBe('not_done_within_deadline');
    expect(timelinessOn(history.sg.slice(0, -1), '2018-11-01')).toBe('not_done_overdue');
    expect(timelinessOn(history.sg, '2018-11-01')).toBe('done_on_time');
  });

  it('treats the deadline day as within the deadline', () => {
    expect(timelinessOn(history.zh, '2018-10-31')).toBe('not_done_within_deadline');
    expect(timelinessOn(history.zh, '2018-11-01')).toBe('not_done_overdue');
  });

  it('judges the state it is given: a later verification counts unless the events are cut at the date', () => {
    const state = fold(taskDecider, history.zh);
    expect(timeliness(state, '2018-11-01')).toBe('done_late');
    expect(timelinessOn(history.zh, '2018-11-01')).toBe('not_done_overdue');
  });

  it('leaves a cancelled task out of the four counted classes', () => {
    const events = runTask([zh.cancel('2018-10-05')], history.zh.slice(0, 6));
    expect(timelinessOn(events, '2018-11-01')).toBe('cancelled');
    expect(isCountedTimeliness('cancelled')).toBe(false);
  });

  it('leaves a registered task without assignment out too: it has no deadline', () => {
    const events = runTask(t4Assignment('zh').slice(0, 1));
    expect(timelinessOn(events, '2018-11-01')).toBe('not_assigned');
    expect(timeliness(taskDecider.initialState(), '2018-11-01')).toBe('not_assigned');
    expect(isCountedTimeliness('not_assigned')).toBe(false);
  });

  it('labels every value in the three working languages', () => {
    for (const value of TIMELINESS_VALUES) {
      expect(Object.values(TIMELINESS_LABELS[value]).every((label) => label.length > 0)).toBe(true);
    }
    expect(TIMELINESS_LABELS.not_done_overdue).toEqual({ en: 'Not done, overdue', vi: 'Chưa hoàn thành, đã quá hạn', zh: '逾期未办结' });
  });
});
