import { CN_2019 } from '../appraisal/rule-sets';
import type { ObjectiveEvaluated, ObjectiveEvent } from '../objective/events';
import { DISTRICTS_AND_COUNTIES } from '../testing/hengyang.fixtures';
import { timelinessOn } from '../task/timeliness';
import { buildReferral, type ObjectiveReferralInput } from './build-referral';
import { shouldFlag } from './flagging';
import { hengyangYear, letterId, MINUTES_HASH, objectiveId } from './hengyang-2018.fixtures';

const year = hengyangYear();
const finalEvaluation = (events: readonly ObjectiveEvent[]) =>
  (events.filter((event) => event.type === 'ObjectiveEvaluated').at(-1) as ObjectiveEvaluated).data;

const inputFor = (unit: (typeof DISTRICTS_AND_COUNTIES)[number]): ObjectiveReferralInput => ({
  ruleSet: CN_2019,
  objective: year.objectives[unit],
  unit: year.units[unit],
  letter: year.letters[unit],
  directive: year.directive,
  // Every T4 stream is passed: the builder keeps the objective's own.
  tasks: DISTRICTS_AND_COUNTIES.map((other) => year.tasks[other]),
  inspections: year.inspections,
  interviews: year.interviews,
});

describe('Hengyang 2018, expected outcome at year close (the acceptance test of issue 4)', () => {
  it('flags exactly one unit for the discipline commission: Zhuhui, for the T4 objective', () => {
    const flagged = DISTRICTS_AND_COUNTIES.filter((unit) => shouldFlag(finalEvaluation(year.objectives[unit]), CN_2019.flagging));
    expect(flagged).toEqual(['zh']);
  });

  it('does not flag Hengnan (met at its extended deadline) nor Hengdong (excused): building their referral is refused', () => {
    expect(() => buildReferral(inputFor('hn'))).toThrow(expect.objectContaining({ code: 'REFERRAL.NOT_FLAGGED' }));
    expect(() => buildReferral(inputFor('hd'))).toThrow(expect.objectContaining({ code: 'REFERRAL.NOT_FLAGGED' }));
    expect(() => buildReferral(inputFor('zx'))).toThrow(expect.objectContaining({ code: 'REFERRAL.NOT_FLAGGED' }));
  });

  describe('the Zhuhui referral', () => {
    const referral = buildReferral(inputFor('zh'));

    it('names District Head C, head at the deadline, with main leadership responsibility — not C2, appointed later', () => {
      expect(referral.subject).toEqual({
        unitId: 'zh',
        resolvedOn: '2018-10-31',
        headVacant: false,
        persons: [
          {
            personId: 'p-zh-head',
            name: 'District Head C',
            postTitle: 'District Head',
            unitId: 'zh',
            responsibility: 'main',
            basis: 'head_at_deadline',
            tenure: { from: '2018-01-01', to: '2018-11-15' },
          },
        ],
      });
    });

    it('lists, in order: the assignment, the acknowledgement, the reminder, the October notice, the interview, the evaluation', () => {
      expect(referral.chronology.map(({ on, kind, eventId }) => ({ on, kind, eventId }))).toEqual([
        { on: '2018-09-06', kind: 'assignment', eventId: 'task-t4-zh#2' },
        { on: '2018-09-08', kind: 'acknowledgement', eventId: 'task-t4-zh#3' },
        { on: '2018-10-10', kind: 'reminder', eventId: 'task-t4-zh#4' },
        { on: '2018-10-15', kind: 'inspection_notice', eventId: 'inspection-insp-2018-10#4' },
        { on: '2018-10-20', kind: 'interview', eventId: 'interview-iv-2018-zh-1#1' },
        { on: '2018-12-31', kind: 'evaluation', eventId: `objective-${objectiveId('zh')}#3` },
      ]);
      expect(referral.chronology.map((entry) => entry.beforeDeadline)).toEqual([true, true, true, true, true, false]);
      expect(referral.chronology[3].summary).toContain('DEMO-衡督通〔2018〕10号');
      expect(referral.chronology[3].summary).toContain('criticism');
    });

    it('states the failure: the letter and directive with their numbers, target 50, actual 41, 82%, deadline 2018-10-31', () => {
      expect(referral.reasons).toEqual(['objective_missed']);
      expect(referral.jurisdiction).toBe('cn');
      expect(referral.failure).toMatchObject({
        kind: 'objective_missed',
        objectiveId: objectiveId('zh'),
        target: 50,
        actual: 41,
        ratioToPlan: 0.82,
        shortfall: 9,
        deadline: '2018-10-31',
        evaluatedOn: '2018-12-31',
        outcome: 'missed',
        source: {
          letter: { letterId: letterId('zh'), documentNumber: 'DEMO-衡责〔2018〕3号', inForceFrom: '2018-09-10' },
          directive: { directiveId: 'd-2018-1', documentNumber: 'DEMO-衡督〔2018〕1号', issuedOn: '2018-09-06' },
        },
        tasks: [{ taskId: 't4-zh', deadline: '2018-10-31', timeliness: 'not_done_overdue' }],
      });
    });

    it('has no mitigation to offer, and carries the proof: event ids, evidence hashes, the rule set', () => {
      expect(referral.mitigations).toEqual({ causes: [], extensions: [], approvedRevisions: [], priorGrades: [], priorDecisions: [] });
      for (const entry of referral.chronology) expect(referral.integrity.eventIds).toContain(entry.eventId);
      expect(referral.integrity.eventIds).toEqual(
        expect.arrayContaining([
          'objective-o-2018-zh-t4#1',
          'objective-o-2018-zh-t4#2',
          'letter-l-2018-zh#1',
          'letter-l-2018-zh#3',
          'directive-d-2018-1#1',
          'inspection-insp-2018-10#2',
        ]),
      );
      expect(new Set(referral.integrity.eventIds).size).toBe(referral.integrity.eventIds.length);
      expect(referral.integrity.evidenceHashes).toContain(MINUTES_HASH);
      expect(referral.integrity.ruleSetId).toBe('cn-2019');
    });
  });

  it('classifies T4 on 2018-11-01 as the scenario says', () => {
    const table = Object.fromEntries(DISTRICTS_AND_COUNTIES.map((unit) => [unit, timelinessOn(year.tasks[unit], '2018-11-01')]));
    expect(table).toEqual({
      zx: 'done_on_time',
      sg: 'done_on_time',
      zh: 'not_done_overdue',
      hn: 'not_done_within_deadline',
      hd: 'not_done_overdue',
    });
  });
});
