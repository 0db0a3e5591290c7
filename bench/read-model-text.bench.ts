/**
 * What a read-model document's text costs, the two-pass way (`canonicalize(encodeValue(value))`, a tagged tree then
 * RFC 8785 text) beside the single pass (`canonicalText`, libs/read-store/src/canonical-text.ts), in the same run:
 * µs per document and bytes allocated per document (V8's `total_allocated_bytes`), by kind of document.
 *
 * The documents are the models the API folds (insertion-ordered objects as the deciders make them, not objects
 * parsed back from sorted JSON): the seeded log's first `--events` events (default /tmp/seed50k/data/ledger.db, made
 * by `bench/api-profile.ts seed`, opened read-only) folded with `foldReadModels`, then every document the codec would
 * write for each projection: one per key of a split Map, List pages of LIST_PAGE_SIZE items, other fields whole.
 * Each text is flattened (`Number(text)`) as the codec does right after making it. Every document's two texts are
 * compared first; the rounds alternate the two ways, and the median round is reported.
 *
 *   node --expose-gc -r @swc-node/register bench/read-model-text.bench.ts [--db path] [--events N] [--rounds R]
 */
import { DatabaseSync } from 'node:sqlite';
import { getHeapStatistics } from 'node:v8';
import { List, Map as IMap, OrderedMap } from 'immutable';
import { canonicalize, decodeRecord } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, PROJECTIONS, type LedgerReadModels } from '@ledger/projections';
import { encodeValue, LIST_PAGE_SIZE } from '@ledger/read-store';
import { canonicalItemsText, canonicalText } from '@ledger/read-store/canonical-text';

declare const gc: () => void;

/** Bytes V8 has allocated on its heap so far (Node's typings do not list this field of getHeapStatistics yet). */
const allocatedBytes = () => (getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { total_allocated_bytes: number }).total_allocated_bytes;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const DB = option('db', '/tmp/seed50k/data/ledger.db');
const EVENTS = Number(option('events', '60000'));
const ROUNDS = Number(option('rounds', '7'));

function fold(): LedgerReadModels {
  const db = new DatabaseSync(DB, { readOnly: true });
  const page = db.prepare('SELECT record FROM ledger_events WHERE position >= ? AND position <= ? ORDER BY position LIMIT 1000');
  let models = emptyReadModels();
  for (let from = 1; from <= EVENTS; ) {
    const rows = page.all(from, EVENTS) as unknown as Array<{ record: string }>;
    if (rows.length === 0) break;
    const events = rows.map((r) => decodeRecord(r.record));
    from = events[events.length - 1].position + 1;
    models = foldReadModels(models, events);
  }
  db.close();
  return models;
}

/** One document: how the codec makes its text the two-pass way and the single-pass way. */
interface Doc {
  readonly old: () => string;
  readonly new: () => string;
}

const isSplit = (v: unknown): v is IMap<unknown, unknown> => IMap.isMap(v) && !OrderedMap.isOrderedMap(v);

function whole(value: unknown): Doc {
  return { old: () => canonicalize(encodeValue(value)), new: () => canonicalText(value) };
}

function page(list: List<unknown>, start: number): Doc {
  const end = Math.min(list.size, start + LIST_PAGE_SIZE);
  return {
    old: () => {
      const items = [];
      for (let i = start; i < end; i++) items.push(encodeValue(list.get(i)));
      return canonicalize(items);
    },
    new: () => canonicalItemsText(list, start, end),
  };
}

/** The documents of each projection's model, by kind: `<projection>.<field>` (and `#` for List pages). */
function documentsOf(models: LedgerReadModels): Map<string, Doc[]> {
  const kinds = new Map<string, Doc[]>();
  const add = (kind: string, doc: Doc) => (kinds.get(kind) ?? kinds.set(kind, []).get(kind)!).push(doc);
  const state = models as unknown as Record<string, unknown>;
  for (const field of Object.keys(state)) {
    const model = state[field];
    if (model === null || typeof model !== 'object') continue;
    const fields: Array<[string, unknown]> = isSplit(model) ? [['', model]] : Object.entries(model);
    for (const [name, value] of fields) {
      const kind = `${field}.${name}`;
      if (!isSplit(value)) {
        add(kind, whole(value));
        continue;
      }
      for (const item of value.values()) {
        if (List.isList(item) && item.size > LIST_PAGE_SIZE) {
          for (let start = 0; start < item.size; start += LIST_PAGE_SIZE) add(`${kind}#`, page(item as List<unknown>, start));
        } else add(kind, whole(item));
      }
    }
  }
  return kinds;
}

/** µs per document and bytes allocated per document for one pass over `docs`, the text flattened as the codec does. */
function measure(docs: readonly Doc[], way: 'old' | 'new'): { us: number; bytes: number; chars: number } {
  gc();
  const allocated = allocatedBytes();
  const start = process.hrtime.bigint();
  let chars = 0;
  for (const doc of docs) {
    const text = doc[way]();
    Number(text);
    chars += text.length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { us: ns / 1000 / docs.length, bytes: (allocatedBytes() - allocated) / docs.length, chars: chars / docs.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const t0 = Date.now();
const models = fold();
console.log(`folded ${models.position} events of ${DB} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${PROJECTIONS.length} projections)`);
const kinds = documentsOf(models);

// The kinds a flush of the bench:api mix writes most (task views, notice pages), the rest together.
const groups = new Map<string, Doc[]>([
  ['tasks.tasks (task views)', kinds.get('tasks.tasks') ?? []],
  ['notices.byUnit# (notice pages)', kinds.get('notices.byUnit#') ?? []],
  ['every other document', [...kinds].filter(([kind]) => kind !== 'tasks.tasks' && kind !== 'notices.byUnit#').flatMap(([, docs]) => docs)],
]);

for (const docs of groups.values()) {
  for (const doc of docs) if (doc.old() !== doc.new()) throw new Error(`texts differ: ${doc.old().slice(0, 200)}`);
}
console.log('every document: the same text both ways');

console.log(`\n${'documents'.padEnd(32)} ${'n'.padStart(6)} ${'bytes'.padStart(7)}   ${'µs/doc old'.padStart(10)} ${'new'.padStart(7)} ${'ratio'.padStart(6)}   ${'alloc B/doc old'.padStart(15)} ${'new'.padStart(8)} ${'ratio'.padStart(6)}`);
for (const [name, docs] of groups) {
  if (docs.length === 0) continue;
  const runs = { old: [] as Array<ReturnType<typeof measure>>, new: [] as Array<ReturnType<typeof measure>> };
  measure(docs, 'old');
  measure(docs, 'new');
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always runs on a heap the other left.
    for (const way of r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) runs[way].push(measure(docs, way));
  }
  const us = (way: 'old' | 'new') => median(runs[way].map((m) => m.us));
  const bytes = (way: 'old' | 'new') => median(runs[way].map((m) => m.bytes));
  console.log(
    `${name.padEnd(32)} ${String(docs.length).padStart(6)} ${runs.old[0].chars.toFixed(0).padStart(7)}   ${us('old').toFixed(2).padStart(10)} ${us('new').toFixed(2).padStart(7)} ${(us('new') / us('old')).toFixed(2).padStart(6)}   ${bytes('old').toFixed(0).padStart(15)} ${bytes('new').toFixed(0).padStart(8)} ${(bytes('new') / bytes('old')).toFixed(2).padStart(6)}`,
  );
}
