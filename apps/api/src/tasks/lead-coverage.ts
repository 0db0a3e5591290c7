import { datedCountOf, datedTasksLedBy, undatedCount, unitOfLeadPartition, type TasksModel } from '@ledger/projections';
import { mapChanges, ABSENT } from '@ledger/read-store/map-diff';

type Partitions = TasksModel['partitions'];

/**
 * Whether every dated task is led by one of a caller's readable units (`everyDatedTaskLedBy`), kept per set of units
 * across versions of the tasks index: the dated tasks those units lead are summed once, then moved on by the lead
 * partitions that changed between the version last asked about and this one (found by walking the two hash tries,
 * skipping what they share), so the answer after a few commands costs what they changed, not a walk over every
 * partition of a large index.
 */
export class LeadCoverage {
  private readonly led = new WeakMap<ReadonlySet<string>, { partitions: Partitions; count: number }>();

  everyDatedTaskLed(model: TasksModel, units: ReadonlySet<string>): boolean {
    return this.datedTasksLed(model, units) === model.tasks.size - undatedCount(model);
  }

  private datedTasksLed(model: TasksModel, units: ReadonlySet<string>): number {
    const known = this.led.get(units);
    if (known === undefined) {
      const count = datedTasksLedBy(model, units);
      this.led.set(units, { partitions: model.partitions, count });
      return count;
    }
    if (known.partitions !== model.partitions) {
      for (const [name, before, after] of mapChanges(known.partitions, model.partitions)) {
        const unitId = unitOfLeadPartition(name);
        if (unitId === undefined || !units.has(unitId)) continue;
        known.count += datedCountOf(after === ABSENT ? undefined : after) - datedCountOf(before === ABSENT ? undefined : before);
      }
      known.partitions = model.partitions;
    }
    return known.count;
  }
}
