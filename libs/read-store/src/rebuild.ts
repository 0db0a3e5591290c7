import { createHash } from 'node:crypto';
import { encodeModelLazily, type ModelDocument } from './codec';
import type { RecordedEvent } from '@ledger/event-store';
import type { ProjectionCheckpoint, ReadModelStore, TableSet } from './port';
import { definitionOf, foldPage, sameCheckpoint, type AnyProjection, type LogSource } from './projection-worker';

export interface ProjectionComparison {
  readonly projection: string;
  /** The position both sides are compared at (the live checkpoint). */
  readonly position: number;
  readonly liveSha256: string;
  readonly rebuiltSha256: string;
  readonly documents: number;
  readonly identical: boolean;
  /** The first document (in collection, key order) that differs, when one does. */
  readonly firstDifference?: { readonly collection: string; readonly key: string; readonly live: string | null; readonly rebuilt: string | null };
  /** Why there is nothing to compare against (no live checkpoint, another definition). */
  readonly note?: string;
}

export interface RebuildReport {
  readonly identical: boolean;
  readonly projections: readonly ProjectionComparison[];
  readonly eventsFolded: number;
  readonly seconds: number;
  /** Projections whose rebuilt tables replaced the live ones (`replace`). */
  readonly replaced: readonly string[];
}

export interface RebuildOptions {
  readonly store: ReadModelStore;
  readonly log: LogSource;
  readonly projections: readonly AnyProjection[];
  /** Swap the rebuilt tables in (takes each projection's lease, waiting up to `leaseWaitMs`). */
  readonly replace?: boolean;
  readonly owner?: string;
  readonly leaseWaitMs?: number;
  readonly onProgress?: (position: number, head: number) => void;
}

interface LiveSide {
  readonly checkpoint: ProjectionCheckpoint | null;
  readonly sha256: string;
}

/** The last event of `page` at or before `position` (the page's first one is). */
function lastAtOrBefore(page: readonly RecordedEvent[], position: number): RecordedEvent {
  if (page[page.length - 1].position <= position) return page[page.length - 1];
  let i = 0;
  while (page[i + 1].position <= position) i++;
  return page[i];
}

const byKey = (a: ModelDocument, b: ModelDocument) =>
  a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

const dumpLine = (d: ModelDocument) => `${JSON.stringify(d.collection)}\t${JSON.stringify(d.key)}\t${d.doc}\n`;

/** The canonical dump of a projection's tables: its definition, position and every document, in key order. */
export function dumpSha256(definition: string, position: number, documents: readonly ModelDocument[]): string {
  const hash = createHash('sha256').update(`${definition}\n${position}\n`);
  for (const d of [...documents].sort(byKey)) hash.update(dumpLine(d));
  return hash.digest('hex');
}

/**
 * `dumpSha256` of a projection's shadow tables, read page by page. The store's byte order is the dump's key order
 * for every key it can meet in practice; a key where the two differ (UTF-8 and UTF-16 order astral characters and
 * those from U+E000 apart) is noticed, and the dump is then made of every document loaded and sorted, as before.
 */
export async function shadowSha256(store: ReadModelStore, projection: string, definition: string, position: number): Promise<{ sha256: string; documents: number }> {
  const hash = createHash('sha256').update(`${definition}\n${position}\n`);
  let previous: ModelDocument | undefined;
  let documents = 0;
  for await (const page of store.documentPages(projection, 'shadow')) {
    for (const d of page) {
      if (previous !== undefined && byKey(previous, d) >= 0) {
        const all = (await store.load(projection, 'shadow')).documents;
        return { sha256: dumpSha256(definition, position, all), documents: all.length };
      }
      hash.update(dumpLine(d));
      previous = d;
      documents++;
    }
  }
  return { sha256: hash.digest('hex'), documents };
}

function firstDifference(live: readonly ModelDocument[], rebuilt: readonly ModelDocument[]): ProjectionComparison['firstDifference'] {
  const a = [...live].sort(byKey);
  const b = [...rebuilt].sort(byKey);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order = i >= a.length ? 1 : j >= b.length ? -1 : byKey(a[i], b[j]);
    if (order < 0) return { collection: a[i].collection, key: a[i].key, live: a[i].doc, rebuilt: null };
    if (order > 0) return { collection: b[j].collection, key: b[j].key, live: null, rebuilt: b[j].doc };
    if (a[i].doc !== b[j].doc) return { collection: a[i].collection, key: a[i].key, live: a[i].doc, rebuilt: b[j].doc };
    i++;
    j++;
  }
  return undefined;
}

/**
 * `ledger rebuild`: folds the whole log from position 0 into fresh shadow tables, each projection up to the
 * position of its live checkpoint, and compares the two table sets document by document (SHA-256 of each side's
 * canonical dump, and the first document that differs). With `replace`, each projection's rebuilt tables then
 * become the live ones under its lease, so no worker writes in between.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const { store, log, projections } = options;
  const head = await log.headPosition();
  // The live side is hashed now, one projection at a time, and its documents let go: holding every projection's
  // documents through the fold (and beside the rebuilt ones) is what ran a 1M-event rebuild out of memory. They are
  // read again only for a projection that differs, to name its first differing document.
  const live = new Map<string, LiveSide>();
  const targets = new Map<string, number>();
  for (const p of projections) {
    const snapshot = await store.load(p.name, 'live');
    const { checkpoint } = snapshot;
    live.set(p.name, { checkpoint, sha256: dumpSha256(checkpoint?.definition ?? '', checkpoint?.position ?? 0, checkpoint ? snapshot.documents : []) });
    const usable = checkpoint !== null && checkpoint.definition === definitionOf(p);
    // Compared (and with `replace`, swapped in) at the live checkpoint: the owner resumes from there afterwards.
    targets.set(p.name, usable ? checkpoint.position : head);
  }
  const models = new Map(projections.map((p) => [p.name, p.initialState()]));
  const lastId = new Map<string, string | null>(projections.map((p) => [p.name, null]));
  const end = Math.max(0, ...targets.values());
  let folded = 0;
  for (let from = 1; from <= end; ) {
    const page = await log.readAll({ fromPosition: from, limit: 1000 });
    if (page.length === 0) break;
    for (const p of projections) {
      const target = targets.get(p.name)!;
      if (page[0].position > target) continue;
      models.set(p.name, foldPage(p, models.get(p.name), page, 0, target));
      lastId.set(p.name, lastAtOrBefore(page, target).id);
    }
    folded += page.filter((e) => e.position <= end).length;
    from = page[page.length - 1].position + 1;
    options.onProgress?.(Math.min(from - 1, end), end);
  }

  const comparisons: ProjectionComparison[] = [];
  for (const p of projections) {
    const definition = definitionOf(p);
    const position = targets.get(p.name)!;
    // The rebuilt model's documents are written as they are encoded, the model let go once written, and the stored
    // shadow documents read back page by page for the hash: the rebuilt side is never held whole.
    await store.writeShadow(p.name, { position, eventId: position === 0 ? null : lastId.get(p.name)!, definition }, encodeModelLazily(models.get(p.name)));
    models.delete(p.name);
    const { sha256: rebuiltSha256, documents } = await shadowSha256(store, p.name, definition, position);
    const { checkpoint, sha256: liveSha256 } = live.get(p.name)!;
    live.delete(p.name);
    let note = checkpoint === null ? 'no live tables yet' : checkpoint.definition !== definition ? `live tables are of another definition (${checkpoint.definition})` : undefined;
    // An empty log and no live tables: nothing to differ.
    const identical = liveSha256 === rebuiltSha256 || (checkpoint === null && position === 0);
    let difference: ProjectionComparison['firstDifference'];
    if (!identical) {
      const again = checkpoint === null ? { checkpoint: null, documents: [] } : await store.load(p.name, 'live');
      // A worker flushed since the live side was hashed: the first difference is then named against the tables as
      // they are now, and said so.
      if (again.checkpoint !== null && checkpoint !== null && !sameCheckpoint(again.checkpoint, checkpoint)) {
        note = `${note ? `${note}; ` : ''}the live tables moved from position ${checkpoint.position} to ${again.checkpoint.position} during the rebuild: the first difference is against them as they are now`;
      }
      difference = firstDifference(again.checkpoint ? again.documents : [], (await store.load(p.name, 'shadow')).documents);
    }
    comparisons.push({ projection: p.name, position, liveSha256, rebuiltSha256, documents, identical, firstDifference: difference, ...(note ? { note } : {}) });
  }

  const replaced: string[] = [];
  if (options.replace) {
    const owner = options.owner ?? `ledger-rebuild:${process.pid}`;
    for (const p of projections) {
      const deadline = Date.now() + (options.leaseWaitMs ?? 30_000);
      let lease = await store.acquire(p.name, owner);
      while (lease === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        lease = await store.acquire(p.name, owner);
      }
      if (lease === null) throw new Error(`projection ${p.name}: another worker holds its lease; stop the projectors or retry`);
      try {
        if (await store.promoteShadow(lease)) replaced.push(p.name);
      } finally {
        await store.release(lease);
      }
    }
  }
  return { identical: comparisons.every((c) => c.identical), projections: comparisons, eventsFolded: folded, seconds: (performance.now() - started) / 1000, replaced };
}

export type { TableSet };
