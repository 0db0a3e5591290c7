import { appraisalDecider } from '../decider';
import { headGradeFor, moderate, scoreUnit } from '../engine';
import { facts, objective, task } from '../facts.fixtures';
import { governsYear } from '../rule-set';
import { DomainError } from '../../shared/domain-error';
import { CN_2019 } from './cn-2019';

const grade = (...args: Parameters<typeof facts>) => scoreUnit(CN_2019, facts({ year: 2019, generalCriteriaPoints: 40, ...args[0] }));

describe('cn-2019: teams 优秀 / 良好 / 一般 / 较差, cadres 优秀 / 称职 / 基本称职 / 不称职', () => {
  it('scores 40 general + 60 results into bands: ≥ 90 优秀, ≥ 80 良好, ≥ 60 一般, below 较差', () => {
    const at = (general: number) => grade({ generalCriteriaPoints: general, tasks: [task()] });
    expect([at(40), at(30), at(29.99), at(20), at(19.99), at(0), at(-5)].map((result) => [result.score, result.proposedGrade])).toEqual([
      [100, 'excellent'],
      [90, 'excellent'],
      [89.99, 'good'],
      [80, 'good'],
      [79.99, 'fair'],
      [60, 'fair'],
      [60, 'fair'], // general points are clamped to 0..40
    ]);
    expect(grade({ generalCriteriaPoints: 0, tasks: [task({ quantityPercent: 90, qualityPercent: 90, progressPercent: 90 })] }).proposedGrade).toBe('poor');
  });

  it('deducts 20% of an item’s points per failure', () => {
    const result = grade({ generalCriteriaPoints: 0, tasks: [task({ timeliness: 'done_late', delays: 1 })] });
    expect(result.score).toBe(48);
  });

  it('优秀 also needs no missed objective and no serious criticism', () => {
    const missed = grade({ tasks: [task(), task(), task(), task(), task(), task(), task(), task(), task()], objectives: [objective('missed', 0.94)] });
    expect(missed.score).toBeGreaterThanOrEqual(90);
    expect(missed.proposedGrade).toBe('good');
    const criticised = grade({ tasks: [task()], findings: [{ findingId: 'f-1', verdict: 'criticism', severity: 'high', evidenceEventIds: [] }] });
    expect(criticised.proposedGrade).toBe('good');
    expect(criticised.breakdown.gatesFailed[0].failed.map((check) => check.metric)).toEqual(['seriousCriticismFindings']);
    const mild = grade({ tasks: [task()], findings: [{ findingId: 'f-2', verdict: 'criticism', severity: 'low', evidenceEventIds: [] }] });
    expect(mild.proposedGrade).toBe('excellent');
  });

  describe('single-item vetoes (一票否决) as configuration', () => {
    it.each([
      ['major_safety_accident', 'fair'],
      ['mass_incident', 'fair'],
      ['ecological_damage', 'fair'],
      ['corruption_in_team', 'poor'],
    ])('%s caps the team at %s', (code, cap) => {
      const result = grade({ tasks: [task()], disqualifiers: [{ code, description: 'x', evidenceEventIds: [] }] });
      expect(result.proposedGrade).toBe(cap);
      expect(result.breakdown.vetoesApplied).toEqual([{ code, maxGrade: cap }]);
    });

    it('never raises a grade already below the cap, and the worst cap wins', () => {
      const poor = grade({ generalCriteriaPoints: 0, tasks: [task({ quantityPercent: 10 })], disqualifiers: [{ code: 'mass_incident', description: 'x', evidenceEventIds: [] }] });
      expect(poor.proposedGrade).toBe('poor');
      const both = grade({
        tasks: [task()],
        disqualifiers: [
          { code: 'mass_incident', description: 'x', evidenceEventIds: [] },
          { code: 'corruption_in_team', description: 'y', evidenceEventIds: [] },
        ],
      });
      expect(both.proposedGrade).toBe('poor');
    });
  });

  it('limits 优秀 to 30% of the teams appraised', () => {
    const teams = Array.from({ length: 10 }, (_, i) => ({ unitId: `t${i}`, proposedGrade: i < 5 ? 'excellent' : 'fair', score: 90 + i, metrics: {} }));
    const result = moderate(CN_2019, teams);
    expect(result.quota).toMatchObject({ poolSize: 10, limit: 3 });
    expect(result.grades.filter((entry) => entry.grade === 'excellent').map((entry) => entry.unitId)).toEqual(['t2', 't3', 't4']);
    expect(result.moves.map((move) => [move.unitId, move.to])).toEqual([
      ['t1', 'good'],
      ['t0', 'good'],
    ]);
  });

  it('the head follows the team: 一般 caps the head at 称职, 较差 at 基本称职', () => {
    expect(headGradeFor(CN_2019, 'excellent', 'excellent')).toBe('excellent');
    expect(headGradeFor(CN_2019, 'good', 'excellent')).toBe('excellent');
    expect(headGradeFor(CN_2019, 'fair', 'excellent')).toBe('competent');
    expect(headGradeFor(CN_2019, 'poor', 'competent')).toBe('basically_competent');
    expect(headGradeFor(CN_2019, 'poor', 'incompetent')).toBe('incompetent');
    expect(headGradeFor(CN_2019, 'fair')).toBe('competent');
  });

  it('follows exactly, or not at all, where a rule set says so', () => {
    const follows = { ...CN_2019, headGrade: { ...CN_2019.headGrade, mode: 'follows_unit' as const } };
    const independent = { ...CN_2019, headGrade: { ...CN_2019.headGrade, mode: 'independent' as const } };
    expect(headGradeFor(follows, 'fair', 'excellent')).toBe('competent');
    expect(headGradeFor(independent, 'poor', 'excellent')).toBe('excellent');
    expect(headGradeFor(independent, 'poor')).toBeNull();
  });

  describe('quota: 优秀 ≤ 30% of every team in the peer group (the pool is the whole group)', () => {
    const team = (unitId: string, proposedGrade: string, score: number, itemsExceededShare: number | null = null) => ({ unitId, proposedGrade, score, metrics: { itemsExceededShare } });

    it('counts teams of every grade in the pool and rounds down: 3 teams allow none, 4 allow one', () => {
      const three = moderate(CN_2019, [team('a', 'excellent', 95), team('b', 'poor', 40), team('c', 'fair', 65)]);
      expect(three.quota).toEqual({ grade: 'excellent', maxShare: 0.3, poolSize: 3, limit: 0 });
      expect(three.grades).toEqual([
        { unitId: 'a', grade: 'good' },
        { unitId: 'b', grade: 'poor' },
        { unitId: 'c', grade: 'fair' },
      ]);
      const four = moderate(CN_2019, [team('a', 'excellent', 95), team('b', 'excellent', 97), team('c', 'poor', 10), team('d', 'poor', 20)]);
      expect(four.quota).toMatchObject({ poolSize: 4, limit: 1 });
      expect(four.grades.filter((entry) => entry.grade === 'excellent').map((entry) => entry.unitId)).toEqual(['b']);
      expect(four.moves).toEqual([{ unitId: 'a', from: 'excellent', to: 'good', reason: 'quota', rank: 2, limit: 1, poolSize: 4, tie: false }]);
    });

    it('breaks a tie on score by the share of items exceeded, then by unit id, and marks a tie that remains', () => {
      const byShare = moderate(CN_2019, [team('a', 'excellent', 92, 0.2), team('b', 'excellent', 92, 0.6), team('c', 'good', 85), team('d', 'fair', 70)]);
      expect(byShare.grades.find((entry) => entry.grade === 'excellent')?.unitId).toBe('b');
      expect(byShare.moves).toMatchObject([{ unitId: 'a', tie: false }]);
      const tied = moderate(CN_2019, [team('b', 'excellent', 92, 0.5), team('a', 'excellent', 92, 0.5), team('c', 'good', 85), team('d', 'fair', 70)]);
      expect(tied.grades.find((entry) => entry.grade === 'excellent')?.unitId).toBe('a');
      expect(tied.moves).toMatchObject([{ unitId: 'b', tie: true }]);
    });

    it('moves nobody when the quota holds, and never moves a grade other than 优秀', () => {
      const result = moderate(CN_2019, [team('a', 'excellent', 95), team('b', 'good', 85), team('c', 'good', 82), team('d', 'fair', 70)]);
      expect(result.moves).toEqual([]);
      expect(result.grades.map((entry) => entry.grade)).toEqual(['excellent', 'good', 'good', 'fair']);
    });
  });

  it('a veto applies after the gate: a 100-point team with a mass incident and a missed objective is 一般', () => {
    const result = grade({ tasks: [task(), task(), task(), task(), task(), task(), task(), task(), task()], objectives: [objective('missed', 0.94)], disqualifiers: [{ code: 'mass_incident', description: 'x', evidenceEventIds: [] }] });
    expect(result.proposedGrade).toBe('fair');
    expect(result.breakdown.vetoesApplied).toEqual([{ code: 'mass_incident', maxGrade: 'fair' }]);
  });

  it('refers missed objectives, not overdue tasks', () => {
    expect(CN_2019.flagging).toEqual({ missedObjectives: true, overdueTasks: null });
  });

  describe('its period: appraisal years from 2019 (the 2019 regulation), never 2018', () => {
    it('governs 2019 onwards and not 2018', () => {
      expect([2018, 2019, 2020, 2030].map((year) => governsYear(CN_2019, year))).toEqual([false, true, true, true]);
    });

    it('refuses to open a 2018 cycle, naming the rule set and its period', () => {
      const actor = { id: 'p-org-appraiser', role: 'appraiser' as const, unit: 'city' };
      const open = (year: number) =>
        appraisalDecider.decide(
          { type: 'OpenAppraisalCycle', cycleId: `${year}-districts`, now: `${year + 1}-01-05T09:00:00+08:00`, actor, year, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'cn-2019', unitIds: ['zh'] },
          appraisalDecider.initialState(),
        );
      expect(open(2019).map((event) => event.type)).toEqual(['AppraisalCycleOpened']);
      let refused: unknown;
      try {
        open(2018);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ code: 'APPRAISAL.RULE_SET_NOT_EFFECTIVE', params: { ruleSet: 'cn-2019', year: 2018, from: '2019-01-01' } });
    });
  });
});
