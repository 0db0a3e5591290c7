import { Map as IMap, Set as ISet } from 'immutable';
import { timeliness, timelinessOn, type IsoDate, type TaskRecord, type TaskStatus, type Timeliness } from '@ledger/domain';
import { KeyUnion } from './key-union';
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
 * fold is the record itself); otherwise folded from the view's timeliness events, which give the same answer as the
 * task's every event (TIMELINESS_EVENT_TYPES).
 */
export function viewTimelinessOn(view: TaskView, asOf: IsoDate): Timeliness {
  if (view.lastDay <= asOf) return timeliness(view.record, asOf);
  return timelinessOn(view.timelinessEvents, asOf);
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
  const matching = [...tasks.values()].filter((view) => matchesTaskSpec(view, spec, (v, asOf) => timelinessOn(v.timelinessEvents, asOf)));
  const keyed = matching.map((view) => [taskSortKey(view.record), view] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pageOf(keyed, matching.length, spec);
}

function pageOf(keyed: ReadonlyArray<readonly [string, TaskView]>, total: number, spec: TaskListSpec): TaskListAnswer {
  const rest = spec.after === undefined ? keyed : keyed.filter(([key]) => key > spec.after!);
  const page = rest.slice(spec.offset, spec.offset + spec.limit);
  const more = rest.length > spec.offset + spec.limit;
  return { views: page.map(([, view]) => view), total, next: more && page.length > 0 ? page[page.length - 1][0] : null };
}

/** A bucket's keys in a range. */
type Sequence = { readonly keys: DenseKeys; readonly lo: string | undefined; readonly hi: string | undefined };

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
function addSequences(out: Sequence[], partition: Partition | undefined, plan: ListPlan): void {
  if (partition === undefined) return;
  for (const bucket of bucketsOf(partition)) {
    const sequence = sequenceOf(bucket, plan);
    if (sequence !== undefined) out.push(sequence);
  }
}

/** The keys of a bucket the filters leave (a range of them), or undefined when they leave none by its name or range. */
function sequenceOf({ status, cls, keys }: Bucket, plan: ListPlan): Sequence | undefined {
  const { spec } = plan;
  if (spec.status !== undefined && status !== '*' && status !== spec.status) return undefined;
  let sLo = plan.lo;
  let sHi = plan.hi;
  if (plan.bucketTimeliness && cls !== spec.timeliness) {
    if (cls !== 'open') return undefined;
    if (spec.timeliness === 'not_done_within_deadline') sLo = maxOf(sLo, spec.asOf);
    else if (spec.timeliness === 'not_done_overdue') sHi = minOf(sHi, spec.asOf);
    else return undefined;
  }
  if (sLo !== undefined && sHi !== undefined && sHi <= sLo) return undefined;
  return { keys, lo: sLo, hi: sHi };
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

  // The units' tasks with no filter looked at task by task, from more than one partition (where a task may sit in
  // several): counted and paged from what is kept per Set of units. One partition holds each task once, so its
  // buckets are counted and walked as they are (cheaper than keeping a list for a Set made per request).
  const unchecked = !perCandidate && scopeChecked === 'none';
  if (spec.units !== null && unchecked && (spec.units.size > 1 || spec.unitRole === 'any')) return unitsList(tasks, partitions, spec.units, plan);

  // Groups of sequences, disjoint and in list order: one per deadline walked (every task), or one for the units.
  const groups: Group[] = [];
  if (spec.units === null) {
    // Every task: one group per deadline in range, in order (a deadline's sort keys all start with it).
    for (const cursor = new KeyCursor(index.deadlines, plan.lo, plan.hi); cursor.current !== undefined; cursor.advance()) {
      const sequences: Sequence[] = [];
      addSequences(sequences, partitions.get(`*|${cursor.current}`), plan);
      const checked = perCandidate || scopeChecked === 'all' || (scopeChecked === 'undated' && cursor.current === NO_DEADLINE);
      if (sequences.length > 0) groups.push({ sequences, checked });
    }
  } else {
    // Candidates looked at one by one, or the one partition of one unit.
    const sequences: Sequence[] = [];
    for (const unit of spec.units) {
      if (spec.unitRole !== 'co') addSequences(sequences, partitions.get(`l:${unit}`), plan);
      if (spec.unitRole !== 'lead') addSequences(sequences, partitions.get(`c:${unit}`), plan);
    }
    groups.push({ sequences, checked: !unchecked });
  }

  // Every candidate looked at: one walk counts them all and keeps the page.
  if (groups.every((group) => group.checked)) return pageFrom(tasks, groups, plan, undefined, true);

  // Otherwise unchecked groups (every-task partitions, or one unit's partition: each task once, in one bucket) are
  // counted from the index, checked ones by looking at each candidate; then the page is walked from the cursor.
  let total = 0;
  for (const group of groups) {
    if (group.checked) {
      const merge = new Merge(group.sequences, undefined);
      for (let key = merge.next(); key !== undefined; key = merge.next()) if (passes(viewOf(tasks, key), plan)) total++;
    } else for (const s of group.sequences) total += countRange(s.keys, s.lo, s.hi);
  }
  const { views, next } = pageFrom(tasks, groups, plan, spec.after, false);
  return { views, total, next };
}

/**
 * A list of a set of units' tasks that the buckets answer whole (no filter looked at per task): the union of the keys
 * that the units' partitions (lead, co-unit or both, by role) hold in the buckets the filters take — each task once,
 * though it sits in several partitions when one unit leads it and others are its co-units — is the list itself: its
 * size the total, the page a slice of it.
 *
 * That union (`KeyUnion`, whose sources are the buckets) is kept per Set of units, role and filters, as of the
 * versions of the partitions it was made from, and moved on by the buckets that changed since. A partition's Map, and
 * a bucket's keys, are replaced whenever they change and never changed once the index holds them, so comparing
 * references finds what changed: a subtree's list after a few commands looks at the buckets those commands changed,
 * and a task that only moved between two buckets the filters take (as most changes of status do) comes out once and
 * goes back in, leaving the union as it was.
 */
function unitsList(tasks: KeyedLookup<TaskView>, partitions: KeyedLookup<Partition>, units: ReadonlySet<string>, plan: ListPlan): TaskListAnswer {
  const { spec } = plan;
  let memo = unitsLists.get(units);
  if (memo === undefined || !sameMembers(memo.units, units)) unitsLists.set(units, (memo = { units: [...units], byFilters: new Map() }));
  const filters = filtersOf(plan);
  let list = memo.byFilters.get(filters);
  if (list === undefined) {
    const names: string[] = [];
    for (const unit of memo.units) {
      if (spec.unitRole !== 'co') names.push(`l:${unit}`);
      if (spec.unitRole !== 'lead') names.push(`c:${unit}`);
    }
    const versions = names.map((name) => partitions.get(name));
    const sources: Array<readonly string[]> = [];
    for (const partition of versions) if (partition !== undefined) for (const bucket of bucketsOf(partition)) sources.push(keysOf(sequenceOf(bucket, plan)));
    list = { names, versions, union: new KeyUnion(sources) };
    if (memo.byFilters.size >= MEMO_FILTERS) memo.byFilters.clear();
    memo.byFilters.set(filters, list);
  } else {
    const { names, versions } = list;
    let changes: BucketChange[] | undefined;
    for (let i = 0; i < names.length; i++) {
      const partition = partitions.get(names[i]);
      if (partition === versions[i]) continue;
      bucketChanges(versions[i], partition, plan, (changes ??= []));
      versions[i] = partition;
    }
    if (changes !== undefined && changes.length > 0) list.union.replace(changes);
  }

  const keys = list.union.sorted;
  const from = (spec.after === undefined ? 0 : list.union.indexAfter(spec.after)) + spec.offset;
  const end = Math.min(from + spec.limit, keys.length);
  const views: TaskView[] = [];
  for (let i = from; i < end; i++) views.push(viewOf(tasks, keys[i]));
  // As `pageOf`: a cursor when more follow the page and the page is not empty.
  const next = keys.length > from + spec.limit && end > from ? keys[end - 1] : null;
  return { views, total: keys.length, next };
}

/** A bucket's keys that the filters take, before and after a change of its partition. */
type BucketChange = readonly [readonly string[], readonly string[]];

const NO_KEYS: readonly string[] = [];
const NO_BUCKETS: readonly Bucket[] = [];

/** The keys of a sequence, in order. */
function keysOf(sequence: Sequence | undefined): readonly string[] {
  if (sequence === undefined) return NO_KEYS;
  const keys: string[] = [];
  for (const cursor = new KeyCursor(sequence.keys, sequence.lo, sequence.hi); cursor.current !== undefined; cursor.advance()) keys.push(cursor.current);
  return keys;
}

/**
 * The buckets the filters take whose keys differ between two versions of a partition, appended to `out`. Buckets are
 * matched by name (status and timeliness class), which also decides whether and over which range the filters take
 * them; an unchanged bucket keeps its keys (the same `DenseKeys`, made once per version of them).
 */
function bucketChanges(before: Partition | undefined, after: Partition | undefined, plan: ListPlan, out: BucketChange[]): void {
  const old = before === undefined ? NO_BUCKETS : bucketsOf(before);
  const now = after === undefined ? NO_BUCKETS : bucketsOf(after);
  for (const bucket of now) {
    const sequence = sequenceOf(bucket, plan);
    if (sequence === undefined) continue;
    const previous = old.find((b) => b.status === bucket.status && b.cls === bucket.cls);
    if (previous?.keys === bucket.keys) continue;
    out.push([previous === undefined ? NO_KEYS : keysOf(sequenceOf(previous, plan)), keysOf(sequence)]);
  }
  for (const bucket of old) {
    if (now.some((b) => b.status === bucket.status && b.cls === bucket.cls)) continue;
    const sequence = sequenceOf(bucket, plan);
    if (sequence !== undefined) out.push([keysOf(sequence), NO_KEYS]);
  }
}

/** A set of units' list for one role and combination of filters: the partitions it was made from, and the union of their keys. */
interface UnitsList {
  /** The partitions' names (`l:<unit>`, `c:<unit>`), and the version of each the union is as of. */
  readonly names: readonly string[];
  readonly versions: Array<Partition | undefined>;
  readonly union: KeyUnion;
}

/** What lists over one Set of units keep: the units as last seen (a caller's Set is not expected to change), and lists by role and filters. */
interface UnitsLists {
  readonly units: readonly string[];
  readonly byFilters: Map<string, UnitsList>;
}

/**
 * Per Set of units, weakly: the API keeps one Set per subtree and version of the organisation, so a subtree asked
 * about again finds its lists; a Set made per request takes them with it.
 */
const unitsLists = new WeakMap<ReadonlySet<string>, UnitsLists>();

/** Lists (roles and filter combinations) a Set of units keeps at once (the API asks a few: today's, per filter); more start over. */
const MEMO_FILTERS = 8;

/** Whether a Set holds the units listed, in the order listed (a Set iterates in insertion order). */
function sameMembers(listed: readonly string[], units: ReadonlySet<string>): boolean {
  if (listed.length !== units.size) return false;
  let i = 0;
  for (const unit of units) if (listed[i++] !== unit) return false;
  return true;
}

/**
 * What decides which keys of the units' partitions a list takes (`sequenceOf`): the role, and the filters the buckets
 * answer. The day matters only when timeliness is read from the buckets (it splits the open class).
 */
function filtersOf(plan: ListPlan): string {
  const { spec } = plan;
  return `${spec.unitRole}\u0001${spec.status ?? ''}\u0001${plan.bucketTimeliness ? `${spec.timeliness}\u0001${spec.asOf}` : '\u0001'}\u0001${plan.lo ?? ''}\u0001${plan.hi ?? ''}`;
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
