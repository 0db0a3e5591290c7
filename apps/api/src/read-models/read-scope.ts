import { domainError, jurisdictionRootOf, READ_SCOPE, type Actor, type OrgUnits, type ScopeRule } from '@ledger/domain';
import type { DirectiveView, LedgerReadModels, TaskView } from '@ledger/projections';

/**
 * What each caller reads, per organisation (the OrgUnits object is replaced whenever the organisation model changes)
 * and per READ_SCOPE rule and unit of the caller: `inScope`'s answer for every unit of the model, computed once.
 */
const readableByCaller = new WeakMap<OrgUnits, { readonly children: ReadonlyMap<string, readonly string[]>; readonly byCaller: Map<string, ReadonlySet<string>> }>();

const NOTHING: ReadonlySet<string> = new Set();

function readableUnits(rule: Exclude<ScopeRule, 'anywhere'>, actorUnit: string, units: OrgUnits): ReadonlySet<string> {
  let org = readableByCaller.get(units);
  if (!org) {
    const children = new Map<string, string[]>();
    for (const unitId of Object.keys(units)) {
      const parentId = units[unitId].parentId;
      if (parentId === null) continue;
      const siblings = children.get(parentId);
      if (siblings) siblings.push(unitId);
      else children.set(parentId, [unitId]);
    }
    readableByCaller.set(units, (org = { children, byCaller: new Map() }));
  }
  const key = `${rule}\u0000${actorUnit}`;
  let readable = org.byCaller.get(key);
  if (!readable) {
    const own = Object.hasOwn(units, actorUnit) ? units[actorUnit] : undefined;
    readable = own === undefined || own.dissolved ? NOTHING : subtreeBelow(rule === 'unit-subtree' ? actorUnit : jurisdictionRootOf(actorUnit, units), org.children);
    org.byCaller.set(key, readable);
  }
  return readable;
}

/**
 * The root and every unit whose parent chain reaches it: the units `isInSubtree` puts under a root of the model (a
 * walk down the parent links, each unit once, so a cycle in a corrupt model ends it as `ancestorsOf` is ended).
 */
function subtreeBelow(root: string, children: ReadonlyMap<string, readonly string[]>): ReadonlySet<string> {
  const found = new Set<string>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      stack.push(child);
    }
  }
  return found;
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
    // `inScope` for READ_SCOPE, resolved to a set once per organisation version, rule and caller's unit.
    const rule = READ_SCOPE[actor.role];
    this.units = rule === 'anywhere' ? null : readableUnits(rule, actor.unit, units);
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
