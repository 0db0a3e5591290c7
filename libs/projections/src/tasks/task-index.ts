import { Map as IMap, Set as ISet } from 'immutable';
import { timeliness, timelinessOn, type IsoDate, type TaskEvent, type TaskRecord, type TaskStatus, type Timeliness } from '@ledger/domain';
import { countRange, denseOf, EMPTY_KEYS, insertKey, KeyCursor, removeKey, type DenseKeys, type SortedKeys } from './sorted-keys';
import type { TaskView } from './tasks.projection';

/**
 * Indexes of the tasks read model, kept by the projection as each event is folded, so a task list touches an index
 * walk and the page it serves instead of every task:
 *
 * - `partitions`: `*|<deadline>` (every task, by its deadline in force; `*|9999-99-99` without one), `l:<unit>` (tasks the unit leads now), `c:<unit>` (tasks it is a co-unit of); in each, one bucket per
 *   `<status> <timeliness class>`, holding the tasks' sort keys in list order (deadline in force, then task id).
 *   The timeliness class is what the task's timeliness is whatever the day (done on time, done late, cancelled,
 *   not assigned) or `open`: not done, so within its deadline up to the deadline day and overdue after — a range
 *   of the deadline order.
 * - `deadlines`: the deadlines that have a `*|` partition, in order (so a list of every task walks them in order and
 *   stops once its page is full).
 * - `byDirective`: the tasks of each directive.
 * - `lastDay`: the latest day (`at`) of any task event. On a day not before it, a task's timeliness is its current
 *   record's (no event is left out by `timelinessOn`), which is what lets the buckets answer a timeliness filter.
 *
 * Immutable.js collections, strings and arrays of strings only, and no partition holds more than a day of deadlines
 * or a unit's tasks: persisted by the read-model codec, each partition and each directive is a document of its own
 * (the codec splits top-level Maps), so a flush rewrites only the partitions that changed.
 */
export type TaskIndex = {
  readonly partitions: IMap<string, IMap<string, SortedKeys>>;
  readonly deadlines: SortedKeys;
  readonly byDirective: IMap<string, ISet<string>>;
  readonly lastDay: string;
};

export const EMPTY_TASK_INDEX: TaskIndex = { partitions: IMap(), deadlines: EMPTY_KEYS, byDirective: IMap(), lastDay: '' };

/** A task without a deadline (not yet assigned) sorts after every dated one, as the list always did. */
export const NO_DEADLINE = '9999-99-99';
const SEP = '\u0000';

/** The task's place in list order: its deadline in force (10 characters), then its id. */
export function taskSortKey(record: Pick<TaskRecord, 'deadline' | 'taskId'>): string {
  return `${record.deadline ?? NO_DEADLINE}${SEP}${record.taskId}`;
}

export function taskIdOfSortKey(key: string): string {
  return key.slice(NO_DEADLINE.length + 1);
}

/** A sort key as the task list reads it back from a cursor: a deadline (or the no-deadline mark), NUL, an id. */
export function isTaskSortKey(key: string): boolean {
  return /^(\d{4}-\d{2}-\d{2}|9999-99-99)\u0000[^\u0000]+$/.test(key);
}

type TimelinessClass = Timeliness | 'open';

/** What the task's timeliness is on any day (its record as it stands), or `open` when the day decides. */
export function timelinessClassOf(record: TaskRecord): TimelinessClass {
  const early = timeliness(record, '0000-01-01');
  return early === timeliness(record, '9999-12-31') ? early : 'open';
}

/** The latest day of the task's own events (their `at`); one that has no readable `at` makes it "never". */
export function lastDayOf(previous: string, at: unknown): string {
  const day = typeof at === 'string' ? at.slice(0, 10) : '\uffff';
  return day > previous ? day : previous;
}

/**
 * `timelinessOn` for a task view, without refolding its events when every one of them happened by `asOf` (then the
 * fold is the record itself).
 */
export function viewTimelinessOn(view: TaskView, asOf: IsoDate): Timeliness {
  if (view.lastDay <= asOf) return timeliness(view.record, asOf);
  return timelinessOn(view.timeline as unknown as TaskEvent[], asOf);
}

/** Where a task's sort key sits: one (partition, bucket) per place. */
type Slot = { readonly partition: string; readonly bucket: string; readonly key: string };

/**
 * A task's places in the index. The every-task partitions are bucketed by timeliness class only (`* <class>`), so
 * a change of status alone (acknowledged, progress, completion reported, returned) leaves them as they are; the
 * unit partitions by status and class.
 */
function slotsOf(record: TaskRecord): Slot[] {
  const key = taskSortKey(record);
  const cls = timelinessClassOf(record);
  const bucket = `${record.status} ${cls}`;
  const slots: Slot[] = [{ partition: `*|${record.deadline ?? NO_DEADLINE}`, bucket: `* ${cls}`, key }];
  if (record.assignment) {
    slots.push({ partition: `l:${record.assignment.leadUnitId}`, bucket, key });
    for (const co of new Set(record.assignment.coUnitIds)) slots.push({ partition: `c:${co}`, bucket, key });
  }
  return slots;
}

/** A sort key to take out of a slot, or to put in one. */
type SlotChange = Slot & { readonly add: boolean };

const sameSlot = (a: Slot, b: Slot) => a.partition === b.partition && a.bucket === b.bucket && a.key === b.key;

/** Whether the index can see a difference between two records of a task (what `slotsOf` reads). */
function indexedChange(before: TaskRecord, after: TaskRecord): boolean {
  return (
    before.status !== after.status ||
    before.deadline !== after.deadline ||
    before.assignment !== after.assignment ||
    before.completion !== after.completion ||
    before.verification !== after.verification ||
    before.taskId !== after.taskId
  );
}

/** The index after `before` became `after` (same task). */
export function reindexTask(index: TaskIndex, before: TaskView | undefined, after: TaskView): TaskIndex {
  const draft = new TaskIndexDraft(index);
  draft.reindex(before?.record, after);
  return draft.done();
}

/**
 * The index under change within one batch of events: `reindex` does what `reindexTask` does, one task change after
 * another in the same order (so every sorted-keys chunk comes out as the one-by-one fold makes it), but on transient
 * copies of the Maps and Sets — each copied once per batch rather than once per change — made immutable by `done`.
 * Untouched partitions, buckets and directives keep their references.
 */
export class TaskIndexDraft {
  private partitions: IMap<string, IMap<string, SortedKeys>> | undefined;
  /** Bucket Maps made mutable in this batch, by partition (each already in `partitions`). */
  private ownedBuckets: Map<string, IMap<string, SortedKeys>> | undefined;
  private deadlines: SortedKeys;
  private byDirective: IMap<string, ISet<string>> | undefined;
  /** Task id Sets made mutable in this batch, by directive (each already in `byDirective`). */
  private ownedTasks: Map<string, ISet<string>> | undefined;
  private lastDay: string;

  constructor(private readonly base: TaskIndex) {
    this.deadlines = base.deadlines;
    this.lastDay = base.lastDay;
  }

  /** The task whose record was `before` (undefined: new) is now `after`. */
  reindex(before: TaskRecord | undefined, after: TaskView): void {
    if (after.lastDay > this.lastDay) this.lastDay = after.lastDay;
    if (before === undefined || indexedChange(before, after.record)) {
      const old = before === undefined ? [] : slotsOf(before);
      const next = slotsOf(after.record);
      // Removals first, then insertions, each in slot order.
      const changes: SlotChange[] = [];
      for (const slot of old) if (!next.some((n) => sameSlot(n, slot))) changes.push({ partition: slot.partition, bucket: slot.bucket, key: slot.key, add: false });
      for (const slot of next) if (!old.some((o) => sameSlot(o, slot))) changes.push({ partition: slot.partition, bucket: slot.bucket, key: slot.key, add: true });
      if (changes.length > 0) {
        this.withKeys(changes);
        for (const { partition } of changes) {
          if (!partition.startsWith('*|')) continue;
          const deadline = partition.slice(2);
          this.deadlines = this.partitions!.has(partition) ? insertKey(this.deadlines, deadline) : removeKey(this.deadlines, deadline);
        }
      }
    }
    const directiveId = after.record.directiveId;
    if (before?.directiveId !== directiveId) {
      if (before !== undefined) {
        const tasks = this.directiveTasks(before.directiveId);
        if (tasks !== undefined) tasks.delete(after.taskId);
        else this.byDirective!.set(before.directiveId, ISet<string>());
      }
      (this.directiveTasks(directiveId) ?? this.newDirective(directiveId)).add(after.taskId);
    }
  }

  /** The index as it stands: `base` itself when nothing changed. */
  done(): TaskIndex {
    for (const buckets of this.ownedBuckets?.values() ?? []) buckets.asImmutable();
    for (const [directiveId, tasks] of this.ownedTasks ?? []) {
      // An emptied Set becomes the empty Set (asImmutable gives the shared empty one), as `delete` would.
      if (tasks.size === 0) this.byDirective!.set(directiveId, tasks.asImmutable());
      else tasks.asImmutable();
    }
    const partitions = this.partitions?.asImmutable() ?? this.base.partitions;
    const byDirective = this.byDirective?.asImmutable() ?? this.base.byDirective;
    const { deadlines, lastDay } = this;
    if (partitions === this.base.partitions && byDirective === this.base.byDirective && lastDay === this.base.lastDay) return this.base;
    return { partitions, deadlines, byDirective, lastDay };
  }

  /** Removals and insertions of sort keys, in order; a partition or bucket left empty is removed. */
  private withKeys(changes: readonly SlotChange[]): void {
    const all = (this.partitions ??= this.base.partitions.asMutable());
    // Grouped by partition in first-seen order, as the one-by-one fold always applied them.
    const byPartition = new Map<string, SlotChange[]>();
    for (const change of changes) {
      const list = byPartition.get(change.partition);
      if (list) list.push(change);
      else byPartition.set(change.partition, [change]);
    }
    for (const [partition, list] of byPartition) {
      let owned = this.ownedBuckets?.get(partition);
      for (const { bucket, key, add } of list) {
        const keys = (owned ?? all.get(partition))?.get(bucket) ?? EMPTY_KEYS;
        const next = add ? insertKey(keys, key) : removeKey(keys, key);
        if (next === keys) continue;
        if (owned === undefined) {
          owned = (all.get(partition) ?? IMap<string, SortedKeys>()).asMutable();
          (this.ownedBuckets ??= new Map()).set(partition, owned);
          all.set(partition, owned);
        }
        if (next.size === 0) owned.delete(bucket);
        else owned.set(bucket, next);
      }
      if (owned !== undefined && owned.size === 0) {
        all.delete(partition);
        this.ownedBuckets!.delete(partition);
      }
    }
  }

  /** The mutable Set of a directive's tasks, if the directive has one. */
  private directiveTasks(directiveId: string): ISet<string> | undefined {
    const owned = this.ownedTasks?.get(directiveId);
    if (owned !== undefined) return owned;
    const all = (this.byDirective ??= this.base.byDirective.asMutable());
    const current = all.get(directiveId);
    if (current === undefined) return undefined;
    const tasks = current.asMutable();
    (this.ownedTasks ??= new Map()).set(directiveId, tasks);
    all.set(directiveId, tasks);
    return tasks;
  }

  private newDirective(directiveId: string): ISet<string> {
    const tasks = ISet<string>().asMutable();
    (this.ownedTasks ??= new Map()).set(directiveId, tasks);
    this.byDirective!.set(directiveId, tasks);
    return tasks;
  }
}

/** A task list request, as the index answers it (the API's `GET /v1/tasks` filters, resolved). */
export interface TaskListSpec {
  /** Tasks where one of these units is the lead unit or a co-unit (see `unitRole`); null: every task. */
  readonly units: ReadonlySet<string> | null;
  readonly unitRole: 'lead' | 'co' | 'any';
  readonly status?: TaskStatus;
  readonly timeliness?: Timeliness;
  /** The day timeliness is judged on. */
  readonly asOf: IsoDate;
  readonly deadlineFrom?: IsoDate;
  readonly deadlineTo?: IsoDate;
  /** Only tasks of these directives (the directive id and document number filters); absent: any directive. */
  readonly directiveIds?: ReadonlySet<string>;
  /** A check no index answers, per candidate; absent when every candidate passes. */
  readonly accept?: (view: TaskView) => boolean;
  /** The caller's read scope; absent when every task is readable. */
  readonly readable?: TaskReadScope;
  /** Only tasks after this sort key (a cursor: the last one of the previous page). */
  readonly after?: string;
  /** Tasks to skip (after `after`), then at most `limit`. */
  readonly offset: number;
  readonly limit: number;
}

/**
 * Which tasks a caller may read (the API's READ_SCOPE rule, resolved): a task whose lead unit or one of whose
 * co-units is in `units` — what the indexes know — and any other that `otherwise` accepts (read through a unit it
 * was transferred from or through its directive's issuer, which no index holds).
 */
export interface TaskReadScope {
  readonly units: ReadonlySet<string>;
  readonly otherwise: (view: TaskView) => boolean;
  /** `everyDatedTaskLedBy(units)` for this index, when the caller keeps it; absent, the index is counted. */
  readonly everyDatedTaskLed?: boolean;
}

export function readableIn(view: TaskView, scope: TaskReadScope): boolean {
  const assignment = view.record.assignment;
  if (assignment && (scope.units.has(assignment.leadUnitId) || assignment.coUnitIds.some((unitId) => scope.units.has(unitId)))) return true;
  return scope.otherwise(view);
}

export interface TaskListAnswer {
  readonly views: TaskView[];
  /** Every task matching the filters (whatever `after`, `offset` and `limit`). */
  readonly total: number;
  /** The sort key of the last view served when more follow (the next page's cursor), else null. */
  readonly next: string | null;
}

/** Whether one task matches the list's filters: the definition the index must agree with. */
export function matchesTaskSpec(view: TaskView, spec: TaskListSpec, timelinessOf: (view: TaskView, asOf: IsoDate) => Timeliness): boolean {
  const { record } = view;
  if (spec.units !== null) {
    const assignment = record.assignment;
    if (!assignment) return false;
    const lead = spec.units.has(assignment.leadUnitId);
    const co = assignment.coUnitIds.some((id) => spec.units!.has(id));
    if (!(spec.unitRole === 'lead' ? lead : spec.unitRole === 'co' ? co : lead || co)) return false;
  }
  return (
    (spec.status === undefined || record.status === spec.status) &&
    (spec.directiveIds === undefined || spec.directiveIds.has(record.directiveId)) &&
    (spec.deadlineFrom === undefined || (record.deadline !== null && record.deadline >= spec.deadlineFrom)) &&
    (spec.deadlineTo === undefined || (record.deadline !== null && record.deadline <= spec.deadlineTo)) &&
    (spec.accept === undefined || spec.accept(view)) &&
    (spec.readable === undefined || readableIn(view, spec.readable)) &&
    (spec.timeliness === undefined || timelinessOf(view, spec.asOf) === spec.timeliness)
  );
}

/** The answer by looking at every task (what the list did before the index; the tests' reference). */
export function scanTasks(tasks: IMap<string, TaskView>, spec: TaskListSpec): TaskListAnswer {
  const matching = [...tasks.values()].filter((view) => matchesTaskSpec(view, spec, (v, asOf) => timelinessOn(v.timeline as unknown as TaskEvent[], asOf)));
  const keyed = matching.map((view) => [taskSortKey(view.record), view] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pageOf(keyed, matching.length, spec);
}

function pageOf(keyed: ReadonlyArray<readonly [string, TaskView]>, total: number, spec: TaskListSpec): TaskListAnswer {
  const rest = spec.after === undefined ? keyed : keyed.filter(([key]) => key > spec.after!);
  const page = rest.slice(spec.offset, spec.offset + spec.limit);
  const more = rest.length > spec.offset + spec.limit;
  return { views: page.map(([, view]) => view), total, next: more && page.length > 0 ? page[page.length - 1][0] : null };
}

/** A bucket's keys in a range; `co`: a co-unit partition's. */
type Sequence = { readonly keys: DenseKeys; readonly lo: string | undefined; readonly hi: string | undefined; readonly co: boolean };

const maxOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
const minOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);

/**
 * Whether every task that has a deadline is led by one of `units` (so readable by a caller who reads them): the
 * dated tasks of the lead partitions of `units` counted against all dated tasks. Each lead partition's count is kept
 * per version of its buckets; a caller asking again after changes can keep the sum itself and add what changed
 * (`datedCountOf` each side of a changed lead partition), as the API does.
 */
const datedCounts = new WeakMap<IMap<string, SortedKeys>, number>();

/** How many tasks with a deadline a partition's buckets hold (0 for none). */
export function datedCountOf(buckets: IMap<string, SortedKeys> | undefined): number {
  if (buckets === undefined) return 0;
  let n = datedCounts.get(buckets);
  if (n === undefined) {
    n = 0;
    for (const keys of buckets.values()) n += countRange(keys, undefined, NO_DEADLINE);
    datedCounts.set(buckets, n);
  }
  return n;
}

/** How many tasks have no deadline. */
export function undatedCount(index: TaskIndex): number {
  let n = 0;
  for (const keys of index.partitions.get(`*|${NO_DEADLINE}`)?.values() ?? []) n += countRange(keys, undefined, undefined);
  return n;
}

/** The unit of a lead partition's name (`l:<unit>`), else undefined. */
export const unitOfLeadPartition = (name: string): string | undefined => (name.startsWith('l:') ? name.slice(2) : undefined);

/** How many dated tasks the units lead: the sum over their lead partitions. */
export function datedTasksLedBy(index: TaskIndex, units: ReadonlySet<string>): number {
  let led = 0;
  index.partitions.forEach((buckets, name) => {
    const unitId = unitOfLeadPartition(name);
    if (unitId !== undefined && units.has(unitId)) led += datedCountOf(buckets);
  });
  return led;
}

export function everyDatedTaskLedBy(index: TaskIndex, taskCount: number, units: ReadonlySet<string>): boolean {
  return datedTasksLedBy(index, units) === taskCount - undatedCount(index);
}

/** A partition: its buckets by name (`<status> <timeliness class>`). */
export type Partition = IMap<string, SortedKeys>;

/** A bucket of a partition: its status (`*` in the every-task partitions), timeliness class and keys. */
type Bucket = { readonly status: string; readonly cls: string; readonly keys: DenseKeys };

/**
 * Each partition's buckets as a plain array, parsed once per version of its buckets Map (a partition's Map is
 * replaced whenever one of its buckets changes, and never changed once the index holds it), so a list neither
 * iterates an Immutable Map nor slices bucket names per request. Weak: a replaced version goes with its entry.
 */
const parsedBuckets = new WeakMap<Partition, readonly Bucket[]>();

function bucketsOf(buckets: Partition): readonly Bucket[] {
  let parsed = parsedBuckets.get(buckets);
  if (parsed === undefined) {
    const list: Bucket[] = [];
    buckets.forEach((keys, name) => {
      const space = name.indexOf(' ');
      list.push({ status: name.slice(0, space), cls: name.slice(space + 1), keys: denseOf(keys) });
    });
    parsedBuckets.set(buckets, (parsed = list));
  }
  return parsed;
}

/** A list request's filters as the walk applies them, resolved once. */
interface ListPlan {
  readonly spec: TaskListSpec;
  /** Deadline bounds as sort-key bounds (lo inclusive, hi exclusive). */
  readonly lo: string | undefined;
  readonly hi: string | undefined;
  /** Timeliness from the buckets (no task has an event after asOf); otherwise judged per candidate. */
  readonly bucketTimeliness: boolean;
  /** The every-task partitions do not split by status: a status filter without units is checked per candidate. */
  readonly statusPerCandidate: boolean;
  readonly scopeChecked: 'none' | 'undated' | 'all';
}

/** Sequences, and whether each candidate of them must be looked at (filters or read scope no index answers). */
type Group = { readonly sequences: Sequence[]; readonly checked: boolean };

/** The sequences of a partition's buckets that the filters leave, appended to `out`. */
function addSequences(out: Sequence[], partition: Partition | undefined, plan: ListPlan, co: boolean): void {
  if (partition === undefined) return;
  const { spec } = plan;
  for (const { status, cls, keys } of bucketsOf(partition)) {
    if (spec.status !== undefined && status !== '*' && status !== spec.status) continue;
    let sLo = plan.lo;
    let sHi = plan.hi;
    if (plan.bucketTimeliness && cls !== spec.timeliness) {
      if (cls !== 'open') continue;
      if (spec.timeliness === 'not_done_within_deadline') sLo = maxOf(sLo, spec.asOf);
      else if (spec.timeliness === 'not_done_overdue') sHi = minOf(sHi, spec.asOf);
      else continue;
    }
    if (sLo !== undefined && sHi !== undefined && sHi <= sLo) continue;
    out.push({ keys, lo: sLo, hi: sHi, co });
  }
}

/** Whether a candidate of a checked group passes what the index did not answer. */
function passes(view: TaskView, plan: ListPlan): boolean {
  const { spec } = plan;
  return (
    (!plan.statusPerCandidate || view.record.status === spec.status) &&
    (spec.accept === undefined || spec.accept(view)) &&
    (plan.scopeChecked === 'none' || readableIn(view, spec.readable!)) &&
    (spec.timeliness === undefined || plan.bucketTimeliness || viewTimelinessOn(view, spec.asOf) === spec.timeliness)
  );
}

/**
 * What a list reads tasks and partitions through: the model's Immutable Maps, or plain Maps a caller keeps equal to
 * them (the API mirrors them across versions: a plain Map lookup costs a fraction of a walk of the hash trie, and a
 * list looks up every task it serves and every partition of the units it covers).
 */
export interface KeyedLookup<V> {
  get(key: string): V | undefined;
  readonly size: number;
}

const viewOf = (tasks: KeyedLookup<TaskView>, key: string): TaskView => tasks.get(taskIdOfSortKey(key))!;

/** The task list from the indexes: same answer as `scanTasks`. */
export function queryTasks(tasks: KeyedLookup<TaskView>, index: TaskIndex, spec: TaskListSpec, partitions: KeyedLookup<Partition> = index.partitions): TaskListAnswer {
  // A directive's tasks are few: filter and sort them.
  if (spec.directiveIds !== undefined) {
    const ids = new Set<string>();
    for (const directiveId of spec.directiveIds) for (const id of index.byDirective.get(directiveId) ?? []) ids.add(id);
    const matching = [...ids].map((id) => tasks.get(id)!).filter((view) => view !== undefined && matchesTaskSpec(view, spec, viewTimelinessOn));
    const keyed = matching.map((view) => [taskSortKey(view.record), view] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return pageOf(keyed, matching.length, spec);
  }

  // A deadline filter leaves undated tasks out.
  const dated = spec.deadlineFrom !== undefined || spec.deadlineTo !== undefined;
  const bucketTimeliness = spec.timeliness !== undefined && spec.asOf >= index.lastDay;
  const statusPerCandidate = spec.units === null && spec.status !== undefined;
  const perCandidate = spec.accept !== undefined || (spec.timeliness !== undefined && !bucketTimeliness) || statusPerCandidate;
  // Read scope: tasks of the units filtered on are readable when those units are; without a unit filter, every dated
  // task is when each is led from inside the scope (then only undated tasks are looked at one by one).
  const readable = spec.readable;
  let scopeChecked: ListPlan['scopeChecked'] = 'none';
  if (readable !== undefined) {
    if (spec.units !== null) {
      for (const unitId of spec.units) {
        if (readable.units.has(unitId)) continue;
        scopeChecked = 'all';
        break;
      }
    } else scopeChecked = (readable.everyDatedTaskLed ?? everyDatedTaskLedBy(index, tasks.size, readable.units)) ? 'undated' : 'all';
  }
  const plan: ListPlan = {
    spec,
    lo: spec.deadlineFrom,
    hi: dated ? minOf(spec.deadlineTo === undefined ? undefined : `${spec.deadlineTo}\u0001`, NO_DEADLINE) : undefined,
    bucketTimeliness,
    statusPerCandidate,
    scopeChecked,
  };

  // Groups of sequences, disjoint and in list order: one per deadline walked (every task), or one for the units.
  const groups: Group[] = [];
  /** With role any, each unit's lead and co-unit partitions. */
  let leads: Map<string, Partition | undefined> | undefined;
  let cos: Map<string, Partition | undefined> | undefined;
  if (spec.units === null) {
    // Every task: one group per deadline in range, in order (a deadline's sort keys all start with it).
    for (const cursor = new KeyCursor(index.deadlines, plan.lo, plan.hi); cursor.current !== undefined; cursor.advance()) {
      const sequences: Sequence[] = [];
      addSequences(sequences, partitions.get(`*|${cursor.current}`), plan, false);
      const checked = perCandidate || scopeChecked === 'all' || (scopeChecked === 'undated' && cursor.current === NO_DEADLINE);
      if (sequences.length > 0) groups.push({ sequences, checked });
    }
  } else {
    const sequences: Sequence[] = [];
    if (spec.unitRole === 'any') {
      leads = new Map();
      cos = new Map();
    }
    for (const unit of spec.units) {
      if (spec.unitRole !== 'co') {
        const lead = partitions.get(`l:${unit}`);
        leads?.set(unit, lead);
        addSequences(sequences, lead, plan, false);
      }
      if (spec.unitRole !== 'lead') {
        const co = partitions.get(`c:${unit}`);
        cos?.set(unit, co);
        addSequences(sequences, co, plan, true);
      }
    }
    groups.push({ sequences, checked: perCandidate || scopeChecked === 'all' });
  }

  // Every candidate looked at: one walk counts them all and keeps the page.
  if (groups.every((group) => group.checked)) return pageFrom(tasks, groups, plan, undefined, true);

  // Otherwise unchecked groups are counted from the index (lead and `*` buckets hold each task once; co-unit buckets
  // are walked to count each task once: a task with two co-units in the set, or led from inside the set too),
  // checked ones by looking at each candidate; then the page is walked from the cursor.
  let total = 0;
  for (const group of groups) {
    if (group.checked) {
      const merge = new Merge(group.sequences, undefined);
      for (let key = merge.next(); key !== undefined; key = merge.next()) if (passes(viewOf(tasks, key), plan)) total++;
    } else {
      for (const s of group.sequences) if (!s.co) total += countRange(s.keys, s.lo, s.hi);
      if (group.sequences.some((s) => s.co)) total += leads === undefined ? distinctKeys(group.sequences, undefined) : coOnlyCount(spec.units!, leads, cos!, group.sequences, plan);
    }
  }
  const { views, next } = pageFrom(tasks, groups, plan, spec.after, false);
  return { views, total, next };
}

/** The distinct keys of the co-unit sequences, less those `led` holds. */
function distinctKeys(sequences: readonly Sequence[], led: ReadonlySet<string> | undefined): number {
  const keys = new Set<string>();
  for (const s of sequences) {
    if (!s.co) continue;
    for (const cursor = new KeyCursor(s.keys, s.lo, s.hi); cursor.current !== undefined; cursor.advance()) {
      if (led === undefined || !led.has(cursor.current)) keys.add(cursor.current);
    }
  }
  return keys.size;
}

/**
 * With role any, the tasks of the co-unit sequences that the lead sequences do not count: those not led from inside
 * the units. A task led from inside sits in that unit's lead partition, in the same bucket under the same key as in
 * its co-units' (both places come from the one record), so whatever the bucket and range, a co-unit key that any of
 * the units' lead partitions holds is counted there.
 *
 * Walking every co-unit key against every led key is most of a subtree list's cost, so the count is kept per set of
 * units (`UnitsMemo`): it depends only on the co-unit partitions, the set of keys the lead partitions hold (not on
 * their buckets: a task changing status moves within its lead partition and leaves it alone) and the filters.
 */
function coOnlyCount(units: ReadonlySet<string>, leads: ReadonlyMap<string, Partition | undefined>, cos: ReadonlyMap<string, Partition | undefined>, sequences: readonly Sequence[], plan: ListPlan): number {
  let memo = unitsMemos.get(units);
  if (memo === undefined) unitsMemos.set(units, (memo = new UnitsMemo()));
  memo.sync(leads, cos);
  const { spec } = plan;
  const filters = `${spec.status ?? ''}\u0001${plan.bucketTimeliness ? spec.timeliness : ''}\u0001${spec.asOf}\u0001${plan.lo ?? ''}\u0001${plan.hi ?? ''}`;
  let count = memo.coCounts.get(filters);
  if (count === undefined) {
    count = distinctKeys(sequences, memo.ledKeys);
    if (memo.coCounts.size >= MEMO_FILTERS) memo.coCounts.clear();
    memo.coCounts.set(filters, count);
  }
  return count;
}

/** Filter combinations whose co-unit counts a set of units keeps at once (the API asks a few: today's, per filter). */
const MEMO_FILTERS = 16;

/**
 * What lists over one set of units keep between requests: every key the units' lead partitions hold, as of the
 * versions of those partitions it was gathered from, and co-unit counts by filters, as of the co-unit partitions and
 * that set of keys. Moved on by the lead partitions that changed since (the keys each lost taken out, the keys each
 * gained put in: in one version of the index each task sits in one lead partition, under one key), so a subtree's
 * list after a few commands looks only at what they changed. Per Set of units, weakly (the API keeps one Set per
 * subtree and version of the organisation; a Set made per request takes its memo with it).
 */
class UnitsMemo {
  /** The lead partitions (by unit) `ledKeys` is gathered from. */
  private leads = new Map<string, Partition | undefined>();
  readonly ledKeys = new Set<string>();
  /** Moves on whenever what `ledKeys` holds changes. */
  private generation = 0;
  /** The co-unit partitions (by unit) and the generation of `ledKeys` that `coCounts` were counted from. */
  private cos: ReadonlyMap<string, Partition | undefined> | undefined;
  private coGeneration = -1;
  readonly coCounts = new Map<string, number>();

  sync(leads: ReadonlyMap<string, Partition | undefined>, cos: ReadonlyMap<string, Partition | undefined>): void {
    if (!sameUnits(this.leads, leads)) {
      // Another set of units than last time (a caller's Set is not expected to change): gathered anew.
      this.leads = new Map(leads);
      this.ledKeys.clear();
      for (const partition of leads.values()) for (const key of allKeysOf(partition)) this.ledKeys.add(key);
      this.generation++;
    } else {
      // Keys that left a changed partition, keys that came in: none when a task only changed status (it moved between
      // buckets), the commonest change. A key moved between two of the units' partitions is taken out by one and put
      // in by the other, so every change is taken out before any is put in.
      const removed: string[] = [];
      const added: string[] = [];
      let changed = false;
      for (const [unit, partition] of leads) {
        const before = this.leads.get(unit);
        if (before === partition) continue;
        changed = true;
        const out = allKeysOf(before);
        const into = allKeysOf(partition);
        let i = 0;
        let j = 0;
        while (i < out.length || j < into.length) {
          if (j >= into.length || (i < out.length && out[i] < into[j])) removed.push(out[i++]);
          else if (i >= out.length || into[j] < out[i]) added.push(into[j++]);
          else {
            i++;
            j++;
          }
        }
      }
      if (removed.length > 0 || added.length > 0) {
        for (const key of removed) this.ledKeys.delete(key);
        for (const key of added) this.ledKeys.add(key);
        this.generation++;
      }
      if (changed) for (const [unit, partition] of leads) this.leads.set(unit, partition);
    }
    if (this.coGeneration !== this.generation || this.cos === undefined || !samePartitions(this.cos, cos)) {
      this.cos = cos;
      this.coGeneration = this.generation;
      this.coCounts.clear();
    }
  }
}

const unitsMemos = new WeakMap<ReadonlySet<string>, UnitsMemo>();

function sameUnits(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const unit of b.keys()) if (!a.has(unit)) return false;
  return true;
}

function samePartitions(a: ReadonlyMap<string, Partition | undefined>, b: ReadonlyMap<string, Partition | undefined>): boolean {
  if (!sameUnits(a, b)) return false;
  for (const [unit, partition] of b) if (a.get(unit) !== partition) return false;
  return true;
}

/**
 * Every key of a partition, whatever the bucket, in order: kept per version of the partition (what a set of units'
 * led keys are moved on by).
 */
const partitionKeys = new WeakMap<Partition, readonly string[]>();

const NO_KEYS: readonly string[] = [];

function allKeysOf(partition: Partition | undefined): readonly string[] {
  if (partition === undefined) return NO_KEYS;
  let keys = partitionKeys.get(partition);
  if (keys === undefined) {
    const all: string[] = [];
    for (const bucket of bucketsOf(partition)) for (const chunk of bucket.keys.chunks) for (const key of chunk) all.push(key);
    // The default sort orders strings by UTF-16 code units, as `<` does.
    all.sort();
    partitionKeys.set(partition, (keys = all));
  }
  return keys;
}

/** The page (from `after`, skipping `offset`), walking candidates in list order and looking at those of checked groups. */
function pageFrom(tasks: KeyedLookup<TaskView>, groups: readonly Group[], plan: ListPlan, after: string | undefined, counting: boolean): TaskListAnswer {
  const { spec } = plan;
  let total = 0;
  let skipped = 0;
  const views: TaskView[] = [];
  let next: string | null = null;
  let lastKept: string | null = null;
  for (const group of groups) {
    const merge = new Merge(group.sequences, after);
    for (let key = merge.next(); key !== undefined; key = merge.next()) {
      let view: TaskView | undefined;
      if (group.checked) {
        view = viewOf(tasks, key);
        if (!passes(view, plan)) continue;
      }
      total++;
      if (spec.after !== undefined && key <= spec.after) continue;
      if (skipped < spec.offset) skipped++;
      else if (views.length < spec.limit) {
        views.push(view ?? viewOf(tasks, key));
        lastKept = key;
      } else if (next === null) {
        next = lastKept;
        if (!counting) return { views, next, total };
      }
    }
  }
  return { views, next, total };
}

/** The keys of every sequence in order, each once, after `after` (exclusive) when given: a heap of cursors. */
class Merge {
  private readonly heap: KeyCursor[] = [];
  private previous: string | undefined;

  constructor(sequences: readonly Sequence[], after: string | undefined) {
    const start = after === undefined ? undefined : `${after}\u0000`;
    for (const s of sequences) {
      const cursor = new KeyCursor(s.keys, maxOf(s.lo, start), s.hi);
      if (cursor.current !== undefined) this.push(cursor);
    }
  }

  next(): string | undefined {
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0];
      const key = top.current!;
      top.advance();
      if (top.current === undefined) this.pop();
      else if (heap.length > 1) this.siftDown(0);
      if (key === this.previous) continue;
      this.previous = key;
      return key;
    }
    return undefined;
  }

  private push(cursor: KeyCursor): void {
    const heap = this.heap;
    heap.push(cursor);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].current! <= heap[i].current!) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l].current! < heap[m].current!) m = l;
      if (r < heap.length && heap[r].current! < heap[m].current!) m = r;
      if (m === i) return;
      const t = heap[m];
      heap[m] = heap[i];
      heap[i] = t;
      i = m;
    }
  }
}
