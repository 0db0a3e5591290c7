import { canRead, domainError, type Actor, type OrgUnits } from '@ledger/domain';
import type { DirectiveView, LedgerReadModels, TaskView } from '@ledger/projections';

/**
 * Who may read what (READ_SCOPE, `canRead`): a unit in the caller's subtree or jurisdiction; a task when its lead
 * unit, one of its co-units, a unit it was transferred from, or its directive's issuer is readable; a directive
 * when its issuer is readable or one of its tasks is (a district reads the municipal directive that assigned it
 * work). Auditors and administrators read everything.
 */
export class ReadScope {
  constructor(
    private readonly actor: Actor,
    private readonly models: LedgerReadModels,
    private readonly units: OrgUnits,
  ) {}

  unit(unitId: string): boolean {
    return canRead(this.actor, unitId, this.units);
  }

  task(view: TaskView): boolean {
    const { record } = view;
    const candidates = [
      ...(record.assignment ? [record.assignment.leadUnitId, ...record.assignment.coUnitIds] : []),
      ...record.previousLeads.map((lead) => lead.leadUnitId),
    ];
    const issuer = this.models.directives.directives.get(record.directiveId)?.record.issuer.unitId;
    if (issuer) candidates.push(issuer);
    return candidates.some((unitId) => this.unit(unitId));
  }

  directive(view: DirectiveView): boolean {
    if (this.unit(view.record.issuer.unitId)) return true;
    return view.record.taskIds.some((taskId) => {
      const task = this.models.tasks.tasks.get(taskId);
      return task !== undefined && this.task(task);
    });
  }

  /** 403 AUTH.OUT_OF_SCOPE unless `allowed`. */
  require(allowed: boolean, unitId: string): void {
    if (!allowed) throw domainError('AUTH.OUT_OF_SCOPE', { unit: unitId, actorUnit: this.actor.unit });
  }
}
