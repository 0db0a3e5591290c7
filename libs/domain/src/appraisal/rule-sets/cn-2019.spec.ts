import { headGradeFor, moderate, scoreUnit } from '../engine';
import { facts, objective, task } from '../facts.fixtures';
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
});
