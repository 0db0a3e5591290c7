/**
 * What the API's in-memory read models retain per appended event, in total and per model, and what an event object
 * itself costs. Folds the seeded log (default /tmp/seed50k/data/ledger.db, made by `bench/api-profile.ts seed`),
 * then folds N events shaped like the bench:api mix's commands (progress reports 15, reminders 10, sign-offs 5 out
 * of 30) and reports the growth of `heapUsed` after full collections, divided by N.
 *
 *   node --expose-gc -r @swc-node/register bench/read-model-memory.ts [--db path] [--events N] [--batch B] [--repeat R]
 *     [--decoded] [--only name] [--marginal] [--detail] [--tasks T --snapshot [--top K]]
 *
 * `--marginal` also folds all models but one (each that keeps something per event): all minus that is what the
 * model alone adds, beside what the others keep anyway (an event's data two models share). `--detail` splits the task
 * views. `--snapshot` writes heap snapshots before and after the all-models fold and prints the objects it left, by
 * kind (plain objects by their members, strings by their look, arrays by size and slots used); with `--tasks 1000`
 * (only the seeded log's first 1000 tasks) the snapshots stay small. A step of about 160 B/event now and then is
 * the heap's noise at N = 20000 (3 MB); `nothing kept` shows the harness's own.
 *
 * The events are made as the API makes its own appends: `prepareAppend` (canonical data JSON) then
 * `recordedEventsOf`, one append per command. With `--decoded` they go through `encodeRecordParts` and
 * `decodeRecord` instead (what another process reading the log gets). Folded `--batch` events at a time (the
 * subscription hands over what the writer committed together), with `foldReadModels` for the total and with the
 * model's projection alone for each model: the models share nothing but the events and the interned actors, so
 * the per-model figures add up to about the total once what they share is counted once (the audit queries keep no
 * model: they read the log).
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { writeHeapSnapshot } from 'node:v8';
import { randomUUID } from 'node:crypto';
import {
  decodeRecord,
  encodeMetadata,
  encodeRecordParts,
  prepareAppend,
  recordedEventsOf,
  type AppendRequest,
  type JsonObject,
  type RecordedEvent,
} from '@ledger/event-store';
import {
  emptyReadModels,
  evolveTaskView,
  foldReadModels,
  project,
  projectOwn,
  PROJECTIONS,
  TasksProjection,
  type LedgerReadModels,
  type Projection,
} from '@ledger/projections';
import { seededRandom } from './seeded-random';

declare const gc: () => void;

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const DB = option('db', '/tmp/seed50k/data/ledger.db');
const N = Number(option('events', '20000'));
const BATCH = Number(option('batch', '4'));
const REPEAT = Number(option('repeat', '1'));
const DECODED = args.includes('--decoded');
const ONLY = option('only', '');
const DETAIL = args.includes('--detail');
/** Only the first this many tasks of the seeded log (a smaller heap, for `--snapshot`). */
const TASKS_KEPT = Number(option('tasks', 'Infinity'));
/** Writes heap snapshots before and after the all-models fold and prints what the new objects are, by kind. */
const SNAPSHOT = args.includes('--snapshot');
const TOP = Number(option('top', '40'));
/** Also measures all models but one, for each model that keeps something per event. */
const MARGINAL = args.includes('--marginal');

if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function foldSeededLog(): LedgerReadModels {
  const db = new DatabaseSync(DB, { readOnly: true });
  const page = db.prepare('SELECT record FROM ledger_events WHERE position >= ? ORDER BY position LIMIT 1000');
  let models = emptyReadModels();
  let from = 1;
  for (;;) {
    const rows = page.all(from) as unknown as Array<{ record: string }>;
    if (rows.length === 0) break;
    const events = rows.map((r) => decodeRecord(r.record));
    from = events[events.length - 1].position + 1;
    const kept = TASKS_KEPT === Infinity ? events : events.filter((e) => !/^task-t-\d+$/.test(e.streamId) || Number(e.streamId.slice(7)) < TASKS_KEPT);
    if (kept.length > 0) models = foldReadModels(models, kept);
  }
  db.close();
  return models;
}

type Task = { taskId: string; leadUnitId: string; version: number; percent: number };

/**
 * The mix's commands as appends, in the API's shapes (the same data members, the same metadata members), on tasks
 * picked at random; positions and versions continue the log's.
 */
class CommandEvents {
  private readonly random: () => number;
  private position: number;
  private seq = 0;
  private readonly tasks: Task[];

  constructor(models: LedgerReadModels, seed: number) {
    // Every measurement draws from this one generator: positions, versions and percentages go on from one to the next.
    this.random = seededRandom(seed);
    this.position = models.position;
    this.tasks = [...models.tasks.tasks.values()]
      .filter((view) => view.record.assignment !== null && view.record.assignment !== undefined)
      .map((view) => ({ taskId: view.taskId, leadUnitId: view.record.assignment!.leadUnitId, version: view.version, percent: 0 }));
  }

  /** The events of the next command, made the way `mode` says. */
  next(): RecordedEvent[] {
    const t = this.tasks[Math.floor(this.random() * this.tasks.length)];
    const kind = this.random() * 30;
    // About a command a millisecond, as bench:api's ~945 commands/s: the clocks' texts repeat as they do there.
    const now = new Date(Date.UTC(2026, 10, 24, 6, 0, 0) + this.seq);
    const occurredAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const at = new Date(now.getTime() + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
    const recordedAt = new Date(now.getTime() + 137).toISOString();
    this.seq++;
    let request: AppendRequest;
    let version: number;
    if (kind < 25) {
      const staff = { id: `s-${t.leadUnitId}`, role: 'unit_staff', unit: t.leadUnitId };
      const data: JsonObject =
        kind < 15
          ? { taskId: t.taskId, at, by: staff, percent: (t.percent = Math.min(99, t.percent + 1)), narrative: `Progress report ${this.seq}: ${t.percent} % of the findings rectified; list updated.`, evidence: [] }
          : { taskId: t.taskId, at, by: INSPECTOR, message: `Reminder ${this.seq}: report the rectification list before the deadline.`, channel: 'phone' };
      const actor = kind < 15 ? staff : INSPECTOR;
      version = ++t.version;
      request = {
        streamId: `task-${t.taskId}`,
        expectedVersion: version - 1,
        events: [{ type: kind < 15 ? 'ProgressReported' : 'ReminderIssued', data }],
        metadata: metadataOf(actor, occurredAt),
      };
    } else {
      const signOffId = `so-${randomUUID()}`;
      version = 1;
      request = {
        streamId: `signoff-${signOffId}`,
        expectedVersion: 'no-stream',
        events: [
          {
            type: 'SignOffRecorded',
            data: {
              signOffId,
              record: { type: 'stream-version', streamId: `task-${t.taskId}`, version: t.version },
              recordHash: randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', ''),
              recordAuthorId: `s-${t.leadUnitId}`,
              decision: 'approve',
              comment: `Checked on the monthly review (${this.seq})`,
              signature: null,
              at,
              by: SIGNER,
            },
          },
        ],
        metadata: metadataOf(SIGNER, occurredAt),
      };
    }
    const prepared = prepareAppend(request, POLICY);
    const n = prepared.events.length;
    const result = { streamId: request.streamId, streamVersion: version, firstPosition: this.position + 1, lastPosition: this.position + n, eventIds: prepared.events.map((e) => e.id), duplicate: false };
    this.position += n;
    const events = recordedEventsOf({ prepared, result, recordedAt })!;
    if (!DECODED) return events;
    const metadataJson = encodeMetadata(events[0].metadata);
    return prepared.events.map((e, i) =>
      decodeRecord(encodeRecordParts(e.dataJson, e.id, metadataJson, events[i].position, e.schemaVersion, request.streamId, events[i].streamVersion, e.type)),
    );
  }
}

const INSPECTOR = { id: 'p-inspector', role: 'inspector', unit: 'insp' };
const SIGNER = { id: 'p-vice-mayor', role: 'leader', unit: 'city' };
const POLICY = { streamKinds: new Set(['task', 'signoff']) };

function metadataOf(actor: { id: string; role: string; unit: string }, occurredAt: string): AppendRequest['metadata'] {
  const commandId = randomUUID();
  return { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId, correlationId: randomUUID(), causationId: null, occurredAt };
}

/**
 * `fold` applied to N command events, B at a time, to the state `take` hands over; the bytes retained per event
 * (heap after minus before, over N). `take` moves the state out of wherever it is kept (nothing else holds it while
 * it grows, as in the API, where a model replaced by a newer one is garbage) and `put` keeps the grown state.
 */
function retainedPerEvent<S>(take: () => S, fold: (state: S, events: RecordedEvent[]) => S, put: (state: S) => void, snapshot = false): number {
  let state = take();
  const before = heap();
  const first = snapshot ? writeHeapSnapshot('/tmp/read-model-memory-before.heapsnapshot') : undefined;
  let batch: RecordedEvent[] = [];
  for (let i = 0; i < N; ) {
    const made = commands.next();
    batch.push(...made);
    i += made.length;
    if (batch.length >= BATCH) {
      state = fold(state, batch);
      batch = [];
    }
  }
  if (batch.length > 0) state = fold(state, batch);
  batch = [];
  const after = heap();
  if (first !== undefined) printNewObjects(first, writeHeapSnapshot('/tmp/read-model-memory-after.heapsnapshot'));
  put(state);
  return (after - before) / N;
}

/**
 * What changed between heap snapshots `before` and `after` of one process (V8 keeps an object's id across its
 * snapshots), by kind: plain objects by their property names, strings by what they look like; the objects only in
 * `after` (new) and the net change (new minus those only in `before`, the freed).
 */
function printNewObjects(beforeFile: string, afterFile: string): void {
  const before = objectsOf(beforeFile);
  const after = objectsOf(afterFile);
  const kinds = new Map<string, { count: number; bytes: number; net: number }>();
  const add = (kind: string, bytes: number, isNew: boolean) => {
    const k = kinds.get(kind) ?? { count: 0, bytes: 0, net: 0 };
    if (isNew) {
      k.count++;
      k.bytes += bytes;
      k.net += bytes;
    } else k.net -= bytes;
    kinds.set(kind, k);
  };
  for (const [id, [kind, size]] of after) if (!before.has(id)) add(kind, size, true);
  for (const [id, [kind, size]] of before) if (!after.has(id)) add(kind, size, false);
  const sum = (f: (k: { bytes: number; net: number }) => number) => [...kinds.values()].reduce((total, k) => total + f(k), 0) / N;
  console.log(`new objects ${sum((k) => k.bytes).toFixed(0)} B/event, net ${sum((k) => k.net).toFixed(0)} B/event (self sizes), by kind (new, net, count of new):`);
  for (const [kind, { count, bytes, net }] of [...kinds].sort((x, y) => y[1].net - x[1].net).slice(0, TOP)) {
    console.log(`  ${(bytes / N).toFixed(1).padStart(7)} ${(net / N).toFixed(1).padStart(7)} B/event ${(count / N).toFixed(2).padStart(6)}/event  ${kind.slice(0, 140)}`);
  }
}

/** Every object of a heap snapshot by id: its kind (as `printNewObjects` groups them) and its self size. */
function objectsOf(file: string): Map<number, [string, number]> {
  const { snapshot: { meta }, nodes, edges, strings } = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const width = meta.node_fields.length;
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const nodeTypes = meta.node_types[0] as string[];
  const edgeWidth = meta.edge_fields.length;
  const edgeTypes = meta.edge_types[0] as string[];
  const out = new Map<number, [string, number]>();
  let edge = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const edgeCount = nodes[i + edgeCountAt];
    const type = nodeTypes[nodes[i + typeAt]];
    let kind = `${type} ${type === 'object' || type === 'closure' || type === 'hidden' || type === 'code' ? strings[nodes[i + nameAt]] : ''}`;
    if (type === 'object') {
      const names: string[] = [];
      for (let e = edge; e < edge + edgeCount * edgeWidth; e += edgeWidth) if (edgeTypes[edges[e]] === 'property') names.push(strings[edges[e + 1]]);
      kind += ` {${names.slice(0, 8).join(',')}${names.length > 8 ? ',…' : ''}}`;
    }
    // Strings by what they look like: digits and hex runs as #.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') kind += strings[nodes[i + nameAt]].slice(0, 40).replace(/[0-9a-f]{2,}|[0-9]/g, '#');
    // Arrays by size and how many of their slots are used (elements and properties of an object are edges).
    if (type === 'array') kind += `${nodes[i + sizeAt]} bytes, ${edgeCount} used`;
    out.set(nodes[i + idAt], [kind, nodes[i + sizeAt]]);
    edge += edgeCount * edgeWidth;
  }
  return out;
}

type HeapSnapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[]; edge_fields: string[]; edge_types: unknown[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
};

type Field = Exclude<keyof LedgerReadModels, 'position'>;
const FIELDS = Object.keys(emptyReadModels()).filter((k) => k !== 'position') as Field[];

/** The models as they grow, each held only here (a field is empty while its model is being measured). */
let models: Record<string, unknown> = {};
let commands: CommandEvents;
type Measure = (name: string, f: () => number) => void;
const nothing = (): void => undefined;

/** Moves `models[field]` out, or (`part` given) one member of it, leaving the rest where it is. */
function taker<S>(field: Field, part?: string): { take: () => S; put: (s: S) => void } {
  if (part === undefined) {
    return {
      take: () => {
        const s = models[field] as S;
        models[field] = undefined;
        return s;
      },
      put: (s) => {
        models[field] = s;
      },
    };
  }
  return {
    take: () => {
      const whole = models[field] as Record<string, unknown>;
      models[field] = { ...whole, [part]: undefined };
      return whole[part] as S;
    },
    put: (s) => {
      models[field] = { ...(models[field] as Record<string, unknown>), [part]: s };
    },
  };
}

function main(): void {
  const t0 = performance.now();
  models = foldSeededLog() as unknown as Record<string, unknown>;
  const seededHeap = heap();
  commands = new CommandEvents(models as unknown as LedgerReadModels, 42);
  console.log(
    `seeded log: ${models.position} events folded in ${Math.round(performance.now() - t0)} ms; heapUsed ${(seededHeap / 1e6).toFixed(1)} MB; ` +
      `${N} command events (${DECODED ? 'decodeRecord' : 'recordedEventsOf'}), folded ${BATCH} at a time`,
  );
  const measure: Measure = (name, f) => {
    if (ONLY !== '' && !name.trim().startsWith(ONLY)) return;
    const values: number[] = [];
    for (let r = 0; r < REPEAT; r++) values.push(f());
    console.log(`${name.padEnd(34)} ${values.map((v) => v.toFixed(0).padStart(6)).join(' ')}  B/event`);
  };
  // What the harness itself leaves behind (the noise floor): events made and dropped.
  measure('nothing kept', () => retainedPerEvent(() => 0, (n) => n + 1, nothing));
  // The event objects alone, kept in an array (8 B per element of the array counted in).
  measure('events (kept in an array)', () =>
    retainedPerEvent(
      () => [] as RecordedEvent[],
      (kept, events) => {
        kept.push(...events);
        return kept;
      },
      nothing,
    ),
  );
  measure('all models (foldReadModels)', () =>
    retainedPerEvent(
      () => {
        const all = models as unknown as LedgerReadModels;
        models = {};
        return all;
      },
      (all, events) => foldReadModels(all, events),
      (all) => {
        models = all as unknown as Record<string, unknown>;
      },
      SNAPSHOT,
    ),
  );
  const projections = new Map(FIELDS.map((field, i) => [field, PROJECTIONS[i] as Projection<unknown>]));
  // Each model's marginal cost: all models minus all models but that one (what the others would not keep anyway,
  // such as an event's data two models share, is not counted in it).
  if (MARGINAL) {
    for (const skip of ['tasks', 'notices', 'signOffs'] as const) {
      measure(`all models but ${skip}`, () =>
        retainedPerEvent(
          () => {
            const all = models as unknown as LedgerReadModels;
            models = {};
            return all;
          },
          (all, events) => {
            const out: Record<string, unknown> = { ...all, position: events[events.length - 1].position };
            for (const field of FIELDS) if (field !== skip) out[field] = project(projections.get(field)!, all[field], events);
            return out as unknown as LedgerReadModels;
          },
          (all) => {
            models = all as unknown as Record<string, unknown>;
          },
        ),
      );
    }
  }
  for (const field of FIELDS) {
    const projection = projections.get(field)!;
    if (field === 'tasks' && DETAIL) tasksParts(measure);
    const { take, put } = taker<unknown>(field);
    measure(`  ${field}`, () =>
      retainedPerEvent(
        take,
        (model, events) => {
          const mine = events.filter((e) => projection.eventTypes.has(e.type));
          return mine.length === 0 ? model : projectOwn(projection, model, mine);
        },
        put,
      ),
    );
  }
}

/** The task views alone (`evolveTaskView`, without the task index), and the event ids they keep alone. */
function tasksParts(measure: Measure): void {
  type Tasks = LedgerReadModels['tasks']['tasks'];
  const views = taker<Tasks>('tasks', 'tasks');
  measure('    tasks: views only (no index)', () =>
    retainedPerEvent(
      views.take,
      (tasks, events) =>
        tasks.withMutations((m) => {
          for (const e of events) {
            if (!TasksProjection.eventTypes.has(e.type)) continue;
            const taskId = (e.data as { taskId: string }).taskId;
            const view = evolveTaskView(m.get(taskId), e);
            if (view !== undefined) m.set(taskId, view);
          }
        }),
      views.put,
    ),
  );
  measure('    tasks: event ids only', () =>
    retainedPerEvent(
      () => [] as unknown[],
      (kept, events) => {
        for (const e of events) if (TasksProjection.eventTypes.has(e.type)) kept.push(e.id);
        return kept;
      },
      nothing,
    ),
  );
}

main();
