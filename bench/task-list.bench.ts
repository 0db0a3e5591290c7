/**
 * CPU time per task list query (`queryTasks`, what GET /v1/tasks spends on the index) on a model built in process:
 * BENCH_TASKS tasks (default 50,000) over BENCH_UNITS units (default 1,000: the districts and wards `bench:api`
 * seeds), every task assigned and acknowledged, half of them with a progress report (in progress), a fifth with a
 * co-unit, deadlines 30 to 359 days out — the shape `bench:api` seeds — then the `list` mix of bench/api-workload.ts
 * with the resolved filters and read scopes the API passes:
 *
 * - lead (50 %): a ward's lead tasks in progress, page of 20, read by the ward's staff;
 * - district (30 %): a district's subtree, not done within deadline, page of 50, read by the district's leader;
 * - range (20 %): deadlines 30 to 45 days out, page of 50, read by the inspector (every dated task led in scope).
 *
 *   node --expose-gc -r @swc-node/register bench/task-list.bench.ts
 *
 * TASK_LIST_BASELINE=<path of another task-index.ts> also times that version's `queryTasks`, turn about with this one
 * on the same model, and checks that both answer alike on every query; e.g. HEAD's:
 *
 *   mkdir -p /tmp/base && ln -s $PWD/node_modules /tmp/base/node_modules
 *   for f in task-index sorted-keys; do git show HEAD:libs/projections/src/tasks/$f.ts > /tmp/base/$f.ts; done
 *   TASK_LIST_BASELINE=/tmp/base/task-index.ts node --expose-gc -r @swc-node/register bench/task-list.bench.ts
 *
 * BENCH_CHURN=<n> folds n changes of status (a random task put in progress, or returned for redo when it is: its lead
 * partition changes) before every query, as the commands of the mix do, so what is kept per version of a structure
 * is rebuilt as often as it would be. BENCH_MIRRORS=1 passes the tasks and partitions as plain Maps kept equal to the
 * model (as the API's PlainMapMirror does; moved on before each query, outside the time measured) instead of the
 * model's Immutable Maps. BENCH_ONLY=<variant> asks only that variant's queries. BENCH_QUERIES (default 20,000 per
 * round), BENCH_ROUNDS (default 5). Prints µs of process CPU (process.cpuUsage) per query, overall and per variant,
 * and the median over rounds.
 */
import { Map as IMap } from 'immutable';
import type { JsonObject, RecordedEvent } from '@ledger/event-store';
import { ABSENT, mapChanges } from '@ledger/read-store/map-diff';
import { project } from '../libs/projections/src/projection';
import * as current from '../libs/projections/src/tasks/task-index';
import { TasksProjection, type TasksModel, type TaskView } from '../libs/projections/src/tasks/tasks.projection';
import type { Partition, TaskListAnswer, TaskListSpec } from '../libs/projections/src/tasks/task-index';
import { seededRandom } from './seeded-random';

type Lookup<V> = { get(key: string): V | undefined; readonly size: number };
type QueryTasks = (tasks: Lookup<TaskView>, index: TasksModel, spec: TaskListSpec, partitions?: Lookup<Partition>) => TaskListAnswer;

const TASKS = Number(process.env.BENCH_TASKS ?? 50_000);
const UNITS = Number(process.env.BENCH_UNITS ?? 1_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHURN = Number(process.env.BENCH_CHURN ?? 0);
const MIRRORS = process.env.BENCH_MIRRORS === '1';
const ONLY = process.env.BENCH_ONLY as Variant | undefined;
const TODAY = '2026-11-24';

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);


/** Districts and wards as test/pressure/support/seed.ts names them (one district per 50 units). */
function organisation(units: number): { districts: string[]; wards: string[]; parentOf: Map<string, string> } {
  const count = Math.max(1, Math.min(99, units - 2, Math.round(units / 50)));
  const districts = Array.from({ length: count }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
  const parentOf = new Map<string, string>();
  const wards = Array.from({ length: Math.max(0, units - 2 - count) }, (_, i) => {
    const parent = districts[i % count];
    const id = `${parent}-w${String(Math.floor(i / count) + 1).padStart(3, '0')}`;
    parentOf.set(id, parent);
    return id;
  });
  return { districts, wards, parentOf };
}

let position = 0;
const by = { id: 'p-mayor', role: 'leader', unit: 'city' };
function recorded(type: string, taskId: string, version: number, data: JsonObject): RecordedEvent {
  position++;
  return {
    id: `e-${position}`,
    streamId: `task-${taskId}`,
    streamVersion: version,
    position,
    type,
    schemaVersion: 1,
    data,
    metadata: { actorId: 'p-mayor', actorRole: 'leader', actorUnit: 'city', commandId: `c-${position}`, correlationId: `c-${position}`, causationId: null, occurredAt: `${TODAY}T01:00:00.000Z`, recordedAt: `${TODAY}T01:00:00.000Z` },
  };
}

const AT = `${TODAY}T09:00:00+08:00`;

function buildModel(leadUnits: readonly string[]): { model: TasksModel; versions: Map<string, number> } {
  const events: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  for (let i = 0; i < TASKS; i++) {
    const taskId = `t-${i}`;
    const lead = leadUnits[i % leadUnits.length];
    const co = leadUnits[(i * 7 + 3) % leadUnits.length];
    const coUnitIds = i % 5 === 0 && co !== lead ? [co] : [];
    const base = { taskId, at: AT, by };
    events.push(recorded('TaskRegistered', taskId, 1, { ...base, directiveId: `dir-${Math.floor(i / 500)}`, directiveIssuedOn: TODAY, title: `Task ${taskId}` }));
    events.push(
      recorded('TaskAssigned', taskId, 2, {
        ...base,
        leadUnitId: lead,
        coUnitIds,
        responsible: { unitId: lead, personId: `h-${lead}`, name: 'Head', postTitle: 'Head' },
        work: 'Rectify every finding',
        expectedResult: 'All findings rectified',
        deadline: addDays(TODAY, 30 + ((i * 13) % 330)),
      }),
    );
    events.push(recorded('TaskAcknowledged', taskId, 3, base));
    if (i % 2 === 0) {
      events.push(recorded('ProgressReported', taskId, 4, { ...base, percent: 10 }));
      versions.set(taskId, 4);
    } else versions.set(taskId, 3);
  }
  let model = TasksProjection.initialState();
  for (let i = 0; i < events.length; i += 1000) model = project(TasksProjection, model, events.slice(i, i + 1000));
  return { model, versions };
}

type Variant = 'lead' | 'district' | 'range';

/** A plain Map kept equal to the latest version of an Immutable Map it is shown (what the API's PlainMapMirror does). */
class Mirror<V> {
  private version: IMap<string, V> | undefined;
  readonly map = new Map<string, V>();

  sync(version: IMap<string, V>): Map<string, V> {
    if (this.version === undefined) version.forEach((value, key) => void this.map.set(key, value));
    else {
      for (const [key, , after] of mapChanges(this.version, version)) {
        if (after === ABSENT) this.map.delete(key);
        else this.map.set(key, after);
      }
    }
    this.version = version;
    return this.map;
  }
}

function main(): void {
  const { districts, wards, parentOf } = organisation(UNITS);
  const leadUnits = [...districts, ...wards];
  const t0 = performance.now();
  let { model, versions } = buildModel(leadUnits);
  console.log(`model: ${model.tasks.size} tasks, ${model.partitions.size} partitions, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const subtree = new Map<string, ReadonlySet<string>>(districts.map((d) => [d, new Set([d, ...wards.filter((w) => parentOf.get(w) === d)])]));
  const everyUnit: ReadonlySet<string> = new Set(['city', 'insp', ...leadUnits]);
  const wardScope = new Map<string, ReadonlySet<string>>();
  const otherwise = () => false;

  // The queries, drawn once: every version answers the same ones in the same order.
  const pick = seededRandom(7);
  const specs: Array<{ variant: Variant; spec: TaskListSpec }> = [];
  for (let i = 0; i < QUERIES; i++) {
    const lead = leadUnits[Math.floor(pick() * TASKS) % leadUnits.length];
    const v = pick();
    if (v < 0.5) {
      let scope = wardScope.get(lead);
      if (!scope) wardScope.set(lead, (scope = subtree.get(lead) ?? new Set([lead])));
      specs.push({ variant: 'lead', spec: { units: new Set([lead]), unitRole: 'lead', status: 'in_progress', asOf: TODAY, readable: { units: scope, otherwise }, offset: 0, limit: 20 } });
    } else if (v < 0.8) {
      const units = subtree.get(lead.split('-')[0])!;
      specs.push({ variant: 'district', spec: { units, unitRole: 'any', timeliness: 'not_done_within_deadline', asOf: TODAY, readable: { units, otherwise }, offset: 0, limit: 50 } });
    } else {
      specs.push({
        variant: 'range',
        spec: { units: null, unitRole: 'any', asOf: TODAY, deadlineFrom: addDays(TODAY, 30), deadlineTo: addDays(TODAY, 45), readable: { units: everyUnit, otherwise, everyDatedTaskLed: true }, offset: 0, limit: 50 },
      });
    }
  }

  if (ONLY !== undefined) for (let i = specs.length - 1; i >= 0; i--) if (specs[i].variant !== ONLY) specs.splice(i, 1);

  const versionsUnderTest: Array<{ name: string; query: QueryTasks }> = [{ name: 'this tree', query: current.queryTasks }];
  if (process.env.TASK_LIST_BASELINE) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const baseline = require(process.env.TASK_LIST_BASELINE) as { queryTasks: QueryTasks };
    versionsUnderTest.unshift({ name: 'baseline', query: baseline.queryTasks });
    // Same answers on every query.
    for (const { spec } of specs) {
      const a = baseline.queryTasks(model.tasks, model, spec);
      const b = current.queryTasks(model.tasks, model, spec);
      if (a.total !== b.total || a.next !== b.next || a.views.length !== b.views.length || a.views.some((view, i) => view !== b.views[i])) throw new Error(`answers differ: ${JSON.stringify(spec)}`);
    }
    console.log(`both versions answer ${specs.length} queries alike`);
  }

  /** A change of status of a random task (in progress ⇄ returned for redo): its lead partition, and co-units', change. */
  const churnRandom = seededRandom(11);
  const churn = () => {
    const taskId = `t-${Math.floor(churnRandom() * TASKS)}`;
    const version = versions.get(taskId)! + 1;
    versions.set(taskId, version);
    const type = model.tasks.get(taskId)!.record.status === 'in_progress' ? 'TaskReturnedForRedo' : 'ProgressReported';
    model = TasksProjection.evolve(model, recorded(type, taskId, version, { taskId, at: AT, by, percent: 10 }));
  };

  const results = new Map<string, Array<Record<Variant | 'all', number>>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, query } of versionsUnderTest) {
      // Each version's round starts from a collected heap (run with --expose-gc), not with the other's garbage.
      (globalThis as { gc?: () => void }).gc?.();
      const spent: Record<Variant | 'all', number> = { lead: 0, district: 0, range: 0, all: 0 };
      const counts: Record<Variant, number> = { lead: 0, district: 0, range: 0 };
      let sink = 0;
      const tasksMirror = new Mirror<TaskView>();
      const partitionsMirror = new Mirror<Partition>();
      for (const { variant, spec } of specs) {
        for (let c = 0; c < CHURN; c++) churn();
        const tasks = MIRRORS ? tasksMirror.sync(model.tasks) : model.tasks;
        const partitions = MIRRORS ? partitionsMirror.sync(model.partitions) : model.partitions;
        const start = process.cpuUsage();
        const answer = query(tasks, model, spec, partitions);
        const used = process.cpuUsage(start);
        sink += answer.total;
        const us = used.user + used.system;
        spent[variant] += us;
        spent.all += us;
        counts[variant]++;
      }
      const perQuery = { all: spent.all / specs.length, lead: spent.lead / (counts.lead || 1), district: spent.district / (counts.district || 1), range: spent.range / (counts.range || 1) };
      (results.get(name) ?? results.set(name, []).get(name)!).push(perQuery);
      console.log(`round ${round + 1} ${name}: ${fmt(perQuery)} (sink ${sink})`);
    }
  }
  for (const [name, rounds] of results) {
    const median = (k: Variant | 'all') => rounds.map((r) => r[k]).sort((a, b) => a - b)[rounds.length >> 1];
    console.log(`median ${name}: ${fmt({ all: median('all'), lead: median('lead'), district: median('district'), range: median('range') })}`);
  }
}

const fmt = (r: Record<Variant | 'all', number>) => `${r.all.toFixed(1)} µs CPU/query (lead ${r.lead.toFixed(1)}, district ${r.district.toFixed(1)}, range ${r.range.toFixed(1)})`;

main();
