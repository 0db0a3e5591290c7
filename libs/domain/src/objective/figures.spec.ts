import fc from 'fast-check';
import {
  attainment,
  classifyOutcome,
  OBJECTIVE_OUTCOME_LABELS,
  OBJECTIVE_OUTCOMES,
  pace,
  ratioToPlan,
  ratioToSamePeriodLastYear,
  shareOfYearElapsed,
} from './figures';

describe('objective figures', () => {
  describe('the two ratios, kept apart', () => {
    it('reads "62.19% of plan" and "166% of the same period last year" from the same actual', () => {
      expect(ratioToPlan(6219, 10000)).toBeCloseTo(0.6219, 10);
      expect(ratioToSamePeriodLastYear(6219, 3746)).toBeCloseTo(1.66, 2);
    });

    it('has no ratio to a zero or unknown base', () => {
      expect(ratioToPlan(5, 0)).toBeNull();
      expect(ratioToSamePeriodLastYear(5, 0)).toBeNull();
      expect(ratioToSamePeriodLastYear(5, null)).toBeNull();
    });
  });

  describe('pace: the ratio to plan against the share of the year elapsed', () => {
    it('counts days inclusively and leap years', () => {
      expect(shareOfYearElapsed('2018-12-31')).toBe(1);
      expect(shareOfYearElapsed('2018-01-01')).toBeCloseTo(1 / 365, 12);
      expect(shareOfYearElapsed('2016-12-31')).toBe(1);
      expect(shareOfYearElapsed('2018-07-02')).toBeCloseTo(183 / 365, 12);
    });

    it('is behind at 62.19% of plan at the end of October, on pace at half the plan at midyear, ahead above it', () => {
      expect(pace(0.6219, shareOfYearElapsed('2018-10-31')).status).toBe('behind');
      expect(pace(0.5, 0.5)).toEqual({ index: 1, gap: 0, status: 'on_pace' });
      expect(pace(0.6, 0.5).status).toBe('ahead');
      expect(pace(0.48, 0.5, 0.05).status).toBe('on_pace');
      expect(pace(0.47, 0.5, 0.05).status).toBe('behind');
      expect(pace(0.2, 0).index).toBeNull();
    });
  });

  describe('the outcome', () => {
    const higher = { direction: 'higher_is_better' as const, tolerance: 0.05, causeConfirmed: false };
    const lower = { direction: 'lower_is_better' as const, tolerance: 0.05, causeConfirmed: false };

    it('higher is better: exceeded above target, met down to target × (1 − tolerance) inclusive, missed below', () => {
      expect(classifyOutcome({ ...higher, target: 40, actual: 41 }).outcome).toBe('exceeded');
      expect(classifyOutcome({ ...higher, target: 40, actual: 40 }).outcome).toBe('met');
      expect(classifyOutcome({ ...higher, target: 60, actual: 57 }).outcome).toBe('met'); // exactly 95%
      expect(classifyOutcome({ ...higher, target: 20, actual: 19 }).outcome).toBe('met');
      expect(classifyOutcome({ ...higher, target: 50, actual: 41 })).toEqual({
        outcome: 'missed',
        figuresOutcome: 'missed',
        ratioToPlan: 0.82,
        attainment: 0.82,
        shortfall: 9,
      });
    });

    it('lower is better, the inverse: exceeded below target, met up to target × (1 + tolerance), missed above', () => {
      expect(classifyOutcome({ ...lower, target: 20, actual: 18 }).outcome).toBe('exceeded');
      expect(classifyOutcome({ ...lower, target: 20, actual: 21 }).outcome).toBe('met');
      expect(classifyOutcome({ ...lower, target: 20, actual: 22 })).toMatchObject({ outcome: 'missed', shortfall: 2, attainment: 20 / 22 });
      expect(classifyOutcome({ ...lower, target: 0, actual: 0 })).toMatchObject({ outcome: 'met', ratioToPlan: null, attainment: 1 });
      expect(classifyOutcome({ ...lower, target: 0, actual: 1 })).toMatchObject({ outcome: 'missed', attainment: 0 });
    });

    it('a confirmed cause excuses a miss, and changes nothing for an objective met', () => {
      expect(classifyOutcome({ ...higher, target: 35, actual: 20, causeConfirmed: true })).toMatchObject({ outcome: 'excused', figuresOutcome: 'missed' });
      expect(classifyOutcome({ ...higher, target: 35, actual: 35, causeConfirmed: true }).outcome).toBe('met');
    });

    it('nothing reported is a miss', () => {
      expect(classifyOutcome({ ...higher, target: 35, actual: null })).toMatchObject({ outcome: 'missed', ratioToPlan: null, shortfall: 35 });
      expect(classifyOutcome({ ...higher, target: 35, actual: null, causeConfirmed: true }).outcome).toBe('excused');
    });

    it('has labels in the three languages', () => {
      for (const outcome of OBJECTIVE_OUTCOMES) expect(Object.keys(OBJECTIVE_OUTCOME_LABELS[outcome]).sort()).toEqual(['en', 'vi', 'zh']);
    });
  });
});

describe('objective figures: properties', () => {
  const amount = fc.double({ min: 0.001, max: 1e9, noNaN: true });
  const tolerance = fc.double({ min: 0, max: 0.5, noNaN: true });
  const share = fc.double({ min: 0.001, max: 1, noNaN: true });

  it('ratio to plan × target gives the actual back, and grows with the actual', () => {
    fc.assert(
      fc.property(amount, amount, amount, (target, a, b) => {
        expect((ratioToPlan(a, target) as number) * target).toBeCloseTo(a, 3);
        if (a < b) expect(ratioToPlan(a, target) as number).toBeLessThanOrEqual(ratioToPlan(b, target) as number);
      }),
    );
  });

  it('pace: on or ahead exactly when the ratio reaches the share of the year (tolerance 0); index = ratio / share', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 3, noNaN: true }), share, (ratio, elapsed) => {
        const reading = pace(ratio, elapsed);
        expect(reading.index as number).toBeCloseTo(ratio / elapsed, 9);
        expect(reading.gap).toBeCloseTo(ratio - elapsed, 12);
        if (ratio < elapsed * (1 - 1e-6)) expect(reading.status).toBe('behind');
        if (ratio > elapsed * (1 + 1e-6)) expect(reading.status).toBe('ahead');
        expect(pace(elapsed, elapsed).status).toBe('on_pace');
      }),
    );
  });

  it('pace agrees with the outcome on the last day of the year', () => {
    fc.assert(
      fc.property(amount, amount, tolerance, (target, actual, tol) => {
        const { outcome } = classifyOutcome({ direction: 'higher_is_better', target, actual, tolerance: tol, causeConfirmed: false });
        const status = pace(actual / target, 1, tol).status;
        expect({ exceeded: 'ahead', met: 'on_pace', missed: 'behind', excused: 'behind' }[outcome]).toBe(status);
      }),
    );
  });

  it('the outcome is monotonic in the actual: a better figure never gives a worse outcome', () => {
    const rank = { missed: 0, met: 1, exceeded: 2, excused: -1 };
    fc.assert(
      fc.property(amount, amount, amount, tolerance, fc.boolean(), (target, a, b, tol, higherIsBetter) => {
        const direction = higherIsBetter ? 'higher_is_better' : 'lower_is_better';
        const [worse, better] = higherIsBetter ? [Math.min(a, b), Math.max(a, b)] : [Math.max(a, b), Math.min(a, b)];
        const of = (actual: number) => classifyOutcome({ direction, target, actual, tolerance: tol, causeConfirmed: false }).outcome;
        expect(rank[of(better)]).toBeGreaterThanOrEqual(rank[of(worse)]);
      }),
    );
  });

  it('missed exactly when beyond the tolerance, for both directions; excused only with a cause and a miss', () => {
    fc.assert(
      fc.property(amount, amount, tolerance, fc.boolean(), (target, actual, tol, cause) => {
        const up = classifyOutcome({ direction: 'higher_is_better', target, actual, tolerance: tol, causeConfirmed: cause });
        const down = classifyOutcome({ direction: 'lower_is_better', target, actual, tolerance: tol, causeConfirmed: cause });
        const margin = 1e-6 * target;
        if (actual < target * (1 - tol) - margin) expect(up.figuresOutcome).toBe('missed');
        if (actual > target * (1 - tol) + margin) expect(up.figuresOutcome).not.toBe('missed');
        if (actual > target * (1 + tol) + margin) expect(down.figuresOutcome).toBe('missed');
        if (actual < target * (1 + tol) - margin) expect(down.figuresOutcome).not.toBe('missed');
        for (const result of [up, down]) {
          expect(result.outcome === 'excused').toBe(cause && result.figuresOutcome === 'missed');
          expect(result.shortfall).toBeGreaterThanOrEqual(0);
        }
        expect(attainment('higher_is_better', actual, target)).toBeCloseTo(actual / target, 9);
      }),
    );
  });
});
