import { moderate, scoreUnit } from '../engine';
import { facts, lateTask, objective, task } from '../facts.fixtures';
import { VN_2020 } from './vn-2020';

const grade = (...args: Parameters<typeof facts>) => scoreUnit(VN_2020, facts({ year: 2024, ...args[0] }));

describe('vn-2020: grades by the share of targets (tasks and objectives) met', () => {
  it('has no score', () => {
    expect(grade({ tasks: [task()] }).score).toBeNull();
  });

  it('excellent: every target met and at least half exceeded', () => {
    const result = grade({ tasks: [task({ exceeded: true })], objectives: [objective('exceeded', 1.2), objective('met', 1)] });
    expect(result.breakdown.metrics).toMatchObject({ itemsMetShare: 1, itemsExceededShare: 2 / 3 });
    expect(result.proposedGrade).toBe('excellent');
  });

  it('good: every target met and ≥ 80% of tasks on time and of quality', () => {
    const tasks = [task(), task(), task(), task(), lateTask()];
    expect(grade({ tasks }).proposedGrade).toBe('good');
    expect(grade({ tasks: [task(), task(), task({ qualityFailures: 1 }), lateTask()] }).proposedGrade).toBe('complete');
    expect(grade({ objectives: [objective('met', 1)] }).proposedGrade).toBe('good'); // no task: nothing late
  });

  it('complete: at least 70% of targets met', () => {
    const overdue = () => task({ timeliness: 'not_done_overdue', delays: 1 });
    expect(grade({ tasks: [task(), task(), task(), task(), task(), task(), task(), overdue(), overdue(), overdue()] }).proposedGrade).toBe('complete');
    expect(grade({ tasks: [task(), task()], objectives: [objective('missed', 0.5)] }).proposedGrade).toBe('not_complete');
  });

  it('between 50% and 70% met, where the decree gives no grade: not complete, marked for the council', () => {
    const result = grade({ tasks: [task(), task(), task({ timeliness: 'not_done_overdue' })], objectives: [objective('met', 1), objective('missed', 0.4)] });
    expect(result.breakdown.metrics.itemsMetShare).toBe(0.6);
    expect(result.proposedGrade).toBe('not_complete');
    expect(result.reviewReasons).toEqual(['between_50_and_70_percent']);
    expect(grade({ tasks: [task()], objectives: [objective('missed', 0.4)] }).reviewReasons).toEqual(['between_50_and_70_percent']); // exactly 50%
  });

  it('not complete below 50%, with nothing to review', () => {
    const result = grade({ tasks: [task()], objectives: [objective('missed', 0.4), objective('missed', 0.1)] });
    expect(result.proposedGrade).toBe('not_complete');
    expect(result.reviewReasons).toEqual([]);
  });

  it('an excused objective and a delay with a confirmed cause count as met', () => {
    expect(grade({ tasks: [task({ timeliness: 'not_done_overdue', objectiveCauseConfirmed: true })], objectives: [objective('excused', 0.5)] }).breakdown.metrics.itemsMetShare).toBe(1);
  });

  it('a disqualifier makes it not complete', () => {
    const result = grade({ tasks: [task({ exceeded: true })], disqualifiers: [{ code: 'corruption_in_unit', description: 'Case 12', evidenceEventIds: [] }] });
    expect(result.breakdown.bandGrade).toBe('excellent');
    expect(result.proposedGrade).toBe('not_complete');
  });

  it('applies the 20% quota, ranked by the shares', () => {
    const peer = (unitId: string, exceeded: number) => ({ unitId, proposedGrade: 'excellent', score: null, metrics: { itemsExceededShare: exceeded, itemsMetShare: 1 } });
    const result = moderate(VN_2020, [peer('a', 0.5), peer('b', 0.9), peer('c', 0.6), peer('d', 0.7), peer('e', 0.8)]);
    expect(result.grades.filter((entry) => entry.grade === 'excellent').map((entry) => entry.unitId)).toEqual(['b']);
    expect(result.moves.map((move) => move.unitId)).toEqual(['e', 'd', 'c', 'a']);
  });
});
