import { ancestorsOf, domainError, jurisdictionRootOf, READ_SCOPE, type Actor, type OrgUnits } from '@ledger/domain';
import type { DirectiveView, LedgerReadModels, TaskView } from '@ledger/projections';

/**
 * The units a scope root reads, per organisation (the OrgUnits object is replaced whenever the organisation model
 * changes): every unit of the model whose ancestor chain reaches the root — `isInSubtree`'s answer for each unit,
 * computed once instead of walking ancestors for every unit asked about.
 */
const readableByRoot = new WeakMap<OrgUnits, Map<string, ReadonlySet<string>>>();

const NOTHING: ReadonlySet<string> = new Set();

function unitsUnder(root: string, units: OrgUnits): ReadonlySet<string> {
  let byRoot = readableByRoot.get(units);
  if (!byRoot) readableByRoot.set(units, (byRoot = new Map()));
  let readable = byRoot.get(root);
  if (!readable) {
    const found = new Set<string>();
    for (const unitId of Object.keys(units)) if (ancestorsOf(unitId, units).includes(root)) found.add(unitId);
    byRoot.set(root, (readable = found));
  }
  return readable;
}

/**
 * Who may read what (READ_SCOPE, `canRead`): a unit in the caller's subtree or jurisdiction; a task when its lead
 * unit, one of its co-units, a unit it was transferred from, or its directive's issuer is readable; a directive
 * when its issuer is readable or one of its tasks is (a district reads the municipal directive that assigned it
 * work). Auditors and administrators read everything.
 */
export class ReadScope {
  /** The units the caller reads (`canRead` true), or null when it reads every unit, known to the model or not. */
  readonly units: ReadonlySet<string> | null;

  constructor(
    private readonly actor: Actor,
    private readonly models: LedgerReadModels,
    units: OrgUnits,
  ) {
    // `inScope` for READ_SCOPE, resolved to a set once per organisation version and scope root.
    const rule = READ_SCOPE[actor.role];
    if (rule === 'anywhere') this.units = null;
    else {
      const own = Object.hasOwn(units, actor.unit) ? units[actor.unit] : undefined;
      this.units = own === undefined || own.dissolved ? NOTHING : unitsUnder(rule === 'unit-subtree' ? actor.unit : jurisdictionRootOf(actor.unit, units), units);
    }
  }

  unit(unitId: string): boolean {
    return this.units === null || this.units.has(unitId);
  }

  task(view: TaskView): boolean {
    if (this.units === null) return true;
    const { record } = view;
    if (record.assignment && (this.units.has(record.assignment.leadUnitId) || record.assignment.coUnitIds.some((unitId) => this.units!.has(unitId)))) return true;
    return this.taskOtherwise(view);
  }

  /**
   * Whether the task is readable other than through its lead unit or a co-unit: a unit it was transferred from, or
   * its directive's issuer (what the task list's indexes cannot tell).
   */
  taskOtherwise(view: TaskView): boolean {
    if (this.units === null) return true;
    const { record } = view;
    if (record.previousLeads.some((lead) => this.units!.has(lead.leadUnitId))) return true;
    const issuer = this.models.directives.directives.get(record.directiveId)?.record.issuer.unitId;
    return issuer !== undefined && issuer !== '' && this.units.has(issuer);
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
