import { headGradeFor, moderate, scoreUnit } from '../engine';
import { facts, lateTask, objective, task } from '../facts.fixtures';
import { VN_2026 } from './vn-2026';

const score = (...args: Parameters<typeof facts>) => scoreUnit(VN_2026, facts(...args));

describe('vn-2026: 30 points general + 70 points results', () => {
  describe('points', () => {
    it('gives a unit with every task done fully and on time 30 + 70', () => {
      const result = score({ tasks: [task({ exceeded: true }), task(), task()] });
      expect(result.score).toBe(100);
      expect(result.breakdown.general).toEqual({ points: 30, maxPoints: 30 });
      expect(result.breakdown.results?.items.map((item) => item.allocatedPoints)).toEqual([23.33, 23.33, 23.33]);
    });

    it('shares the 70 points by weight and scores each task by the mean of quantity, quality and progress', () => {
      const result = score({
        generalCriteriaPoints: 0,
        tasks: [task({ weight: 3, quantityPercent: 90, qualityPercent: 60, progressPercent: 90 }), task({ weight: 1, quantityPercent: 250 })],
      });
      // 52.5 × 80% + 17.5 × 100% (quantity above 100% counts as 100%).
      expect(result.breakdown.results?.items.map((item) => [item.allocatedPoints, item.percent, item.points])).toEqual([
        [52.5, 80, 42],
        [17.5, 100, 17.5],
      ]);
      expect(result.score).toBe(59.5);
    });

    it('deducts 25% of a task’s points for each delay or quality failure, unless an objective cause was confirmed', () => {
      const result = score({
        generalCriteriaPoints: 0,
        tasks: [
          lateTask(),
          lateTask({ qualityFailures: 1 }),
          lateTask({ qualityFailures: 1, objectiveCauseConfirmed: true }),
          task({ timeliness: 'not_done_overdue', delays: 2, qualityFailures: 3, quantityPercent: 50, qualityPercent: 50, progressPercent: 50 }),
        ],
      });
      expect(result.breakdown.results?.items.map((item) => [item.failures, item.deduction, item.points])).toEqual([
        [1, 4.38, 13.13],
        [2, 8.75, 8.75],
        [0, 0, 17.5],
        [5, 8.75, 0], // never below zero
      ]);
    });

    it('counts objectives as result items: attainment as the percentage, a miss as a failure, an excuse as neither', () => {
      const result = score({
        generalCriteriaPoints: 0,
        objectives: [objective('exceeded', 1.025), objective('missed', 0.82), objective('excused', 0.57)],
      });
      expect(result.breakdown.results?.items.map((item) => [item.excluded, item.allocatedPoints, item.points])).toEqual([
        [false, 35, 35],
        [false, 35, 19.95], // 35 × 82% − 25% × 35
        [true, 0, 0],
      ]);
    });

    it('leaves cancelled and unassigned tasks out', () => {
      const result = score({ tasks: [task(), task({ timeliness: 'cancelled' }), task({ timeliness: 'not_assigned' })] });
      expect(result.breakdown.results?.items).toHaveLength(1);
    });

    it('flags for review a result missing the general criteria, or with no result item', () => {
      expect(score({ generalCriteriaPoints: null, tasks: [task()] }).reviewReasons).toEqual(['general_criteria_missing']);
      expect(score({ tasks: [] }).reviewReasons).toEqual(['no_results']);
      expect(score({ tasks: [] }).score).toBe(30);
    });

    it('records the rule set and the events the grade was computed from', () => {
      const one = task();
      const result = score({ tasks: [one, task({ evidenceEventIds: one.evidenceEventIds })], disqualifiers: [] });
      expect(result.ruleSetId).toBe('vn-2026');
      expect(result.evidenceEventIds).toEqual(one.evidenceEventIds);
    });
  });

  describe('bands', () => {
    // General points set the score to the hundredth; one perfect task exceeded, so the excellent gate holds.
    const scored = (general: number, tasks = [task({ exceeded: true })]) => score({ generalCriteriaPoints: general, tasks });
    const twoDelays = () => [lateTask({ exceeded: true, delays: 2, objectiveCauseConfirmed: false, timeliness: 'done_late' })];

    it('≥ 90 excellent; 70 to < 90 good; 50 to < 70 complete; < 50 not complete', () => {
      expect([scored(20), scored(19.99), scored(0)].map((result) => [result.score, result.proposedGrade])).toEqual([
        [90, 'excellent'],
        [89.99, 'good'],
        [70, 'good'],
      ]);
      const late = (general: number) => score({ generalCriteriaPoints: general, tasks: [lateTask({ exceeded: true })] });
      expect([late(17.5), late(17.49)].map((result) => [result.score, result.proposedGrade])).toEqual([
        [70, 'good'],
        [69.99, 'complete'],
      ]);
      const twice = (general: number) => score({ generalCriteriaPoints: general, tasks: twoDelays() });
      expect([twice(15), twice(14.99)].map((result) => [result.score, result.proposedGrade])).toEqual([
        [50, 'complete'],
        [49.99, 'not_complete'],
      ]);
    });
  });

  describe('the excellent gate: 100% of tasks on time and ≥ 30% exceeded', () => {
    it('drops a 90-point unit with a late task to good, saying why', () => {
      const result = score({ generalCriteriaPoints: 30, tasks: [task({ exceeded: true }), task({ timeliness: 'done_late', exceeded: true })] });
      expect(result.score).toBe(100);
      expect(result.breakdown.bandGrade).toBe('excellent');
      expect(result.proposedGrade).toBe('good');
      expect(result.breakdown.gatesFailed).toEqual([
        { grade: 'excellent', failed: [{ metric: 'tasksOnTimeShare', op: '>=', value: 1, ifUndefined: 'pass', actual: 0.5, holds: false }] },
      ]);
    });

    it('drops one with under 30% of tasks and targets exceeded to good', () => {
      const result = score({ tasks: [task({ exceeded: true }), task(), task(), task()] });
      expect(result.proposedGrade).toBe('good');
      expect(result.breakdown.gatesFailed[0].failed[0]).toMatchObject({ metric: 'itemsExceededShare', actual: 0.25 });
    });

    it('counts a delay with a confirmed objective cause as on time, a task within its deadline as on time, and exceeded objectives', () => {
      const result = score({
        tasks: [task({ timeliness: 'done_late', objectiveCauseConfirmed: true, delays: 1 }), task({ timeliness: 'not_done_within_deadline' })],
        objectives: [objective('exceeded', 1.1)],
      });
      expect(result.breakdown.metrics).toMatchObject({ tasksOnTimeShare: 1, itemsExceededShare: 1 / 3 });
      expect(result.proposedGrade).toBe('excellent');
    });
  });

  describe('disqualifiers: not complete whatever the score', () => {
    it.each(['disciplined_in_year', 'corruption_in_unit'])('%s', (code) => {
      const result = score({ tasks: [task({ exceeded: true })], disqualifiers: [{ code, description: 'x', evidenceEventIds: ['case-1#4'] }] });
      expect(result.score).toBe(100);
      expect(result.proposedGrade).toBe('not_complete');
      expect(result.breakdown.vetoesApplied).toEqual([{ code, maxGrade: 'not_complete' }]);
      expect(result.evidenceEventIds).toContain('case-1#4');
    });

    it('ignores, and shows, a code the rule set does not know', () => {
      const result = score({ tasks: [task({ exceeded: true })], disqualifiers: [{ code: 'parking_ticket', description: 'x', evidenceEventIds: [] }] });
      expect(result.proposedGrade).toBe('excellent');
      expect(result.breakdown.ignoredDisqualifiers).toEqual(['parking_ticket']);
    });
  });

  describe('quota: excellent ≤ 20% of those rated good or better in the peer group', () => {
    const peer = (unitId: string, proposedGrade: string, points: number) => ({ unitId, proposedGrade, score: points, metrics: {} });

    it('keeps the best-scored and moves the others to good, recording rank, limit and pool', () => {
      const result = moderate(VN_2026, [
        peer('zx', 'excellent', 96),
        peer('sg', 'excellent', 93),
        peer('zh', 'complete', 60),
        peer('hn', 'excellent', 98),
        peer('hd', 'good', 80),
        peer('a', 'good', 75),
      ]);
      expect(result.quota).toEqual({ grade: 'excellent', maxShare: 0.2, poolSize: 5, limit: 1 });
      expect(result.grades).toEqual([
        { unitId: 'zx', grade: 'good' },
        { unitId: 'sg', grade: 'good' },
        { unitId: 'zh', grade: 'complete' },
        { unitId: 'hn', grade: 'excellent' },
        { unitId: 'hd', grade: 'good' },
        { unitId: 'a', grade: 'good' },
      ]);
      expect(result.moves).toEqual([
        { unitId: 'zx', from: 'excellent', to: 'good', reason: 'quota', rank: 2, limit: 1, poolSize: 5, tie: false },
        { unitId: 'sg', from: 'excellent', to: 'good', reason: 'quota', rank: 3, limit: 1, poolSize: 5, tie: false },
      ]);
    });

    it('rounds down: four good-or-better units allow no excellent; ten allow two', () => {
      expect(moderate(VN_2026, ['a', 'b', 'c', 'd'].map((id) => peer(id, 'excellent', 95))).grades.every((entry) => entry.grade === 'good')).toBe(true);
      const ten = moderate(VN_2026, Array.from({ length: 10 }, (_, i) => peer(`u${i}`, 'excellent', 90 + i)));
      expect(ten.grades.filter((entry) => entry.grade === 'excellent').map((entry) => entry.unitId)).toEqual(['u8', 'u9']);
    });

    it('marks a tie with the last unit kept, broken by unit id so that replay gives the same result', () => {
      const result = moderate(VN_2026, ['b', 'a', 'c', 'd', 'e'].map((id) => peer(id, 'excellent', 95)));
      expect(result.grades.find((entry) => entry.grade === 'excellent')?.unitId).toBe('a');
      expect(result.moves.every((move) => move.reason === 'quota' && move.tie)).toBe(true);
    });

    it('moves nobody when the quota holds', () => {
      const result = moderate(VN_2026, [peer('a', 'excellent', 95), ...['b', 'c', 'd', 'e'].map((id) => peer(id, 'good', 80))]);
      expect(result.moves).toEqual([]);
    });
  });

  it('caps the head’s grade at the unit’s', () => {
    expect(headGradeFor(VN_2026, 'good', 'excellent')).toBe('good');
    expect(headGradeFor(VN_2026, 'good', 'complete')).toBe('complete');
    expect(headGradeFor(VN_2026, 'good')).toBe('good');
  });
});
