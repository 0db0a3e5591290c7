import fc from 'fast-check';
import { isImmutable, Map as IMap } from 'immutable';
import { canonicalize, type AppendRequest, type EventStore, type JsonObject, type RecordedEvent } from '@ledger/event-store';
import { generateLog } from '../../../bench/ledger-log-generator';
import { project, type Projection } from './projection';
import { emptyReadModels, foldReadModels, PROJECTIONS, readModelsToJson, type LedgerReadModels } from './read-models';

/**
 * `project` folds a page with a projection's `evolveAll` (transient collections inside the batch) where it has one:
 * these pin that it gives exactly what `evolve` one event at a time gives, leaves the model it is given alone, and
 * replaces only the values the batch's events touched (the read-model store finds what to write by reference).
 */

/** The log the rebuild benchmark reads, in miniature: every event decided by the domain's deciders. */
async function generatedLog(events: number, units: number): Promise<RecordedEvent[]> {
  const log: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  const store = {
    kind: 'sqlite',
    append: async (request: AppendRequest) => {
      for (const [i, event] of request.events.entries()) {
        const streamVersion = (versions.get(request.streamId) ?? 0) + 1;
        versions.set(request.streamId, streamVersion);
        const position = log.length + 1;
        log.push({
          id: `${request.metadata.commandId}-${i}`,
          streamId: request.streamId,
          streamVersion,
          position,
          type: event.type,
          schemaVersion: 1,
          data: event.data as JsonObject,
          metadata: { ...request.metadata, recordedAt: request.metadata.occurredAt },
        });
      }
      return { streamId: request.streamId, fromVersion: 0, toVersion: versions.get(request.streamId)!, positions: [] };
    },
  } as unknown as EventStore;
  await generateLog(store, { events, units });
  return log;
}

/** The models folded one event at a time by each projection's `evolve`. */
function oneByOne(log: readonly RecordedEvent[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const projection of PROJECTIONS as readonly Projection<unknown>[]) {
    let model = projection.initialState();
    for (const event of log) if (projection.eventTypes.has(event.type)) model = projection.evolve(model, event);
    out[projection.name] = model;
  }
  return out;
}

/** The models by projection name (a field of `LedgerReadModels` is the name in camel case). */
function byName(models: LedgerReadModels): Record<string, unknown> {
  const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace('signoffs', 'signOffs');
  return Object.fromEntries(PROJECTIONS.map((p) => [p.name, models[camel(p.name) as Exclude<keyof LedgerReadModels, 'position'>]]));
}

function json(value: unknown): string {
  if (value === undefined) return '(absent)';
  return canonicalize(toPlain(value) as never);
}

function toPlain(value: unknown): unknown {
  if (isImmutable(value)) return toPlain((value as { toJS(): unknown }).toJS());
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  return value;
}

/**
 * `batched` keeps by reference every value (each top-level field, and each entry of a top-level Map) that `single`
 * (the same page folded one event at a time) keeps; values both replace may differ in reference only.
 */
function expectSameKept(before: unknown, batched: unknown, single: unknown, where: string): void {
  if (single === before) expect([where, batched === before]).toEqual([where, true]);
  if (before === null || typeof before !== 'object' || isImmutable(before)) return;
  for (const [field, value] of Object.entries(before)) {
    const [b, s] = [(batched as Record<string, unknown>)[field], (single as Record<string, unknown>)[field]];
    if (s === value) expect([`${where}.${field}`, b === value]).toEqual([`${where}.${field}`, true]);
    if (!IMap.isMap(value)) continue;
    for (const [key, item] of value as IMap<string, unknown>) {
      if ((s as IMap<string, unknown>).get(key) === item) expect([`${where}.${field}.${key}`, (b as IMap<string, unknown>).get(key) === item]).toEqual([`${where}.${field}.${key}`, true]);
    }
  }
}

describe('batched folds (evolveAll)', () => {
  let log: RecordedEvent[];
  let expected: Record<string, string>;

  beforeAll(async () => {
    // Five units (three lead units): a unit's task partition outgrows a sorted-keys chunk (32), so chunks split.
    log = await generatedLog(4_000, 5);
    expected = Object.fromEntries(Object.entries(oneByOne(log)).map(([name, model]) => [name, json(model)]));
  });

  it('give every model the one-event-at-a-time fold gives, whatever the pages', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_500 }), { minLength: 1, maxLength: 8 }), (sizes) => {
        let models = emptyReadModels();
        for (let from = 0, i = 0; from < log.length; from += sizes[i++ % sizes.length]) models = foldReadModels(models, log.slice(from, from + sizes[i % sizes.length]));
        const got = byName(models);
        for (const [name, text] of Object.entries(expected)) expect([name, json(got[name])]).toEqual([name, text]);
      }),
      { numRuns: 12 },
    );
  });

  it('never change the model they are given, and keep by reference whatever one-by-one keeps', () => {
    let models = emptyReadModels();
    for (let from = 0; from < log.length; from += 700) {
      const page = log.slice(from, from + 700);
      const before = byName(models);
      const texts = Object.fromEntries(Object.entries(before).map(([name, model]) => [name, json(model)]));
      let single = models;
      for (const event of page) single = foldReadModels(single, [event]);
      models = foldReadModels(models, page);
      const [after, singly] = [byName(models), byName(single)];
      for (const [name, model] of Object.entries(before)) {
        expect([name, json(model)]).toEqual([name, texts[name]]);
        expectSameKept(model, after[name], singly[name], name);
      }
    }
  });

  it('give back the very model when the page holds none of its events', () => {
    const models = foldReadModels(emptyReadModels(), log);
    const units = log.filter((event) => event.streamId.startsWith('unit-'));
    const tasks = log.filter((event) => event.streamId.startsWith('task-'));
    for (const projection of PROJECTIONS as readonly Projection<unknown>[]) {
      const model = byName(models)[projection.name];
      if (!units.some((event) => projection.eventTypes.has(event.type))) expect(project(projection, model, units)).toBe(model);
      if (!tasks.some((event) => projection.eventTypes.has(event.type))) expect(project(projection, model, tasks)).toBe(model);
    }
  });

  it('keep a task untouched by the page by reference, and its index partitions too', () => {
    const half = foldReadModels(emptyReadModels(), log.slice(0, 2_000));
    const next = foldReadModels(half, log.slice(2_000, 2_100));
    const touched = new Set(log.slice(2_000, 2_100).map((event) => (event.data as { taskId?: string }).taskId));
    let kept = 0;
    for (const [taskId, view] of half.tasks.tasks) {
      if (touched.has(taskId)) continue;
      expect(next.tasks.tasks.get(taskId)).toBe(view);
      kept++;
    }
    expect(kept).toBeGreaterThan(0);
    const partitions = [...half.tasks.partitions.keys()].filter((name) => next.tasks.partitions.get(name) === half.tasks.partitions.get(name));
    expect(partitions.length).toBeGreaterThan(0);
  });

  it('give the same canonical JSON of every model for pages of one event as for one page of 1,500', () => {
    let single = emptyReadModels();
    for (const event of log.slice(0, 1_500)) single = foldReadModels(single, [event]);
    expect(readModelsToJson(foldReadModels(emptyReadModels(), log.slice(0, 1_500)))).toBe(readModelsToJson(single));
  });
});
