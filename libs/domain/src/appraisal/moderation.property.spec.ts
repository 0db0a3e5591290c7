import fc from 'fast-check';
import { type ModerationInput, moderate, quotaFor, quotaRespected } from './engine';
import { isAtOrAbove, type RuleSet } from './rule-set';
import { CN_2019, VN_2020, VN_2026 } from './rule-sets';

/**
 * The quota invariant over random peer groups, for every shipped rule set and for one whose demotion leaves the
 * pool (so the limit shrinks as units are moved): never more results at the quota grade than the quota allows,
 * a recorded move for every change and no move without one, only demotions of units proposed at the quota grade,
 * nobody moved who could have stayed, the best-ranked kept, and moderation of a moderated group changes nothing.
 */
const SHRINKING: RuleSet = {
  ...VN_2026,
  id: 'vn-2099',
  quota: { ...(VN_2026.quota as NonNullable<RuleSet['quota']>), poolGrade: 'good', demoteTo: 'complete' },
};
const RULE_SETS = [VN_2026, VN_2020, CN_2019, SHRINKING];

const peerGroup = (ruleSet: RuleSet) =>
  fc.uniqueArray(
    fc.record({
      unitId: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
      proposedGrade: fc.constantFrom(...ruleSet.scales.unit.map((grade) => grade.id)),
      // A few distinct values, so that ties happen.
      score: fc.option(fc.constantFrom(50, 70, 85, 90, 95, 99.5), { nil: null }),
      itemsExceededShare: fc.option(fc.constantFrom(0, 0.3, 0.5, 1), { nil: null }),
    }),
    { selector: (entry) => entry.unitId, maxLength: 40 },
  );

describe('moderation: properties of the quota', () => {
  it.each(RULE_SETS.map((ruleSet) => [ruleSet.id, ruleSet] as const))('%s', (_, ruleSet) => {
    const quota = ruleSet.quota as NonNullable<RuleSet['quota']>;
    fc.assert(
      fc.property(peerGroup(ruleSet), (group) => {
        const inputs: ModerationInput[] = group.map(({ unitId, proposedGrade, score, itemsExceededShare }) => ({
          unitId,
          proposedGrade,
          score,
          metrics: { itemsExceededShare, itemsMetShare: 1, tasksOnTimeAndQualityShare: 1 },
        }));
        const result = moderate(ruleSet, inputs);
        const final = new Map(result.grades.map((entry) => [entry.unitId, entry.grade]));
        const grades = [...final.values()];

        // Never more at the quota grade than the quota allows, over the final grades.
        expect(quotaRespected(ruleSet, grades)).toBe(true);
        const outcome = quotaFor(ruleSet, grades);
        expect(result.quota).toEqual(outcome);
        const holders = grades.filter((grade) => grade === quota.grade).length;
        expect(holders).toBeLessThanOrEqual(outcome?.limit ?? 0);

        // A move for every change, and none without one; each from the proposal to the final grade, by the quota.
        expect(result.grades.map((entry) => entry.unitId)).toEqual(inputs.map((input) => input.unitId));
        const changed = inputs.filter((input) => final.get(input.unitId) !== input.proposedGrade);
        expect(result.moves.map((move) => move.unitId).sort()).toEqual(changed.map((input) => input.unitId).sort());
        for (const move of result.moves) {
          const input = inputs.find((entry) => entry.unitId === move.unitId) as ModerationInput;
          expect(move).toMatchObject({ from: input.proposedGrade, to: final.get(move.unitId), reason: 'quota' });
          expect(move.from).toBe(quota.grade);
          expect(move.to).toBe(quota.demoteTo);
        }

        // Nobody moved who could have stayed: the quota grade is filled up to the limit.
        const proposedHolders = inputs.filter((input) => input.proposedGrade === quota.grade).length;
        expect(holders).toBe(Math.min(proposedHolders, outcome?.limit ?? 0));

        // The best-ranked are kept: no demoted unit ranks strictly above a kept one on the first key.
        const key = (input: ModerationInput) => (quota.rankBy[0] === 'score' ? input.score : (input.metrics[quota.rankBy[0]] ?? null)) ?? -Infinity;
        const kept = inputs.filter((input) => input.proposedGrade === quota.grade && final.get(input.unitId) === quota.grade);
        const moved = inputs.filter((input) => input.proposedGrade === quota.grade && final.get(input.unitId) !== quota.grade);
        if (kept.length > 0) for (const unit of moved) expect(key(unit)).toBeLessThanOrEqual(Math.min(...kept.map(key)));

        // Stable: moderating the moderated grades moves nobody.
        const again = moderate(ruleSet, inputs.map((input) => ({ ...input, proposedGrade: final.get(input.unitId) as string })));
        expect(again.moves).toEqual([]);

        // The pool counts the results at or above the pool grade.
        expect(outcome?.poolSize).toBe(grades.filter((grade) => isAtOrAbove(ruleSet, grade, quota.poolGrade)).length);
      }),
      { numRuns: 300 },
    );
  });
});
