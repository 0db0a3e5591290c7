import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RecordedEvent } from '@ledger/event-store';
import { CODEC_FORMAT, decodeModel, diffSteps, encodeModel, UNCHANGED, type DocumentChange } from './codec';
import type { Lease, ProjectionCheckpoint, ReadModelStore } from './port';

/** What the worker folds: the shape of `Projection` in @ledger/projections (structural, so this lib stays generic). */
export interface FoldingProjection<Model = unknown> {
  readonly name: string;
  /** Bumped by hand when `evolve` changes what it makes of the same events. */
  readonly version?: string;
  readonly eventTypes: ReadonlySet<string>;
  readonly initialState: () => Model;
  readonly evolve: (model: Model, event: RecordedEvent) => Model;
  /**
   * The same fold as `evolve` over each of `events` (every one of `eventTypes`, in position order) at once, when the
   * projection offers it: the same model, untouched values kept by reference (what a flush's diff relies on).
   */
  readonly evolveAll?: (model: Model, events: readonly RecordedEvent[]) => Model;
}

/**
 * Folds the events of `page` (in position order) after position `after` and up to `upTo` into `model`: those of the
 * projection's types, as one page fold when it has `evolveAll`, else one `evolve` each.
 */
export function foldPage<Model>(projection: FoldingProjection<Model>, model: Model, page: readonly RecordedEvent[], after: number, upTo = Infinity): Model {
  const mine: RecordedEvent[] = [];
  for (const event of page) {
    if (event.position <= after) continue;
    if (event.position > upTo) break;
    if (projection.eventTypes.has(event.type)) mine.push(event);
  }
  if (mine.length === 0) return model;
  if (projection.evolveAll !== undefined) return projection.evolveAll(model, mine);
  let next = model;
  for (const event of mine) next = projection.evolve(next, event);
  return next;
}

/**
 * The definition a checkpoint is kept under: name, version, and a hash of the codec's stored format (CODEC_FORMAT)
 * and of the empty model's encoding (its fields and their collection types), so a field added to a model (an index)
 * or documents written in another format force a rebuild without anyone remembering to bump the version.
 */
export function definitionOf(projection: AnyProjection): string {
  const shape = createHash('sha256').update(`${CODEC_FORMAT}\n`).update(JSON.stringify(encodeModel(projection.initialState()))).digest('hex').slice(0, 16);
  return `${projection.name}@${projection.version ?? '1'}#${shape}`;
}

/** A projection of any model (the worker treats models as opaque values the codec can write). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = FoldingProjection<any>;

/** The log as the worker reads it. */
export interface LogSource {
  readAll(options: { fromPosition: number; limit: number }): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
}

export interface WorkerLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Models this process folds anyway (the API's own read models, in embedded mode): a worker given them folds
 * nothing itself — it writes what they say at their position — so the process does not fold every event twice.
 */
export interface SharedModels {
  /** The log position the models reflect and the id of the event there (null before any event). */
  position(): { position: number; eventId: string | null };
  /** The model of the projection named `projection` at that position. */
  model(projection: string): unknown;
  /**
   * The models this process decoded from this same read-model store at start-up, each with the checkpoint it came
   * at (the models above were folded on from them). Asked once, at the worker's start; the process forgets them then.
   * A worker that takes a projection whose checkpoint is still that one starts from the hydrated model instead of
   * decoding the documents again, and so diffs the shared model against it by reference, not by text.
   */
  takeHydrated?(): ReadonlyMap<string, HydratedModel>;
}

/** A model decoded from a read-model store's documents, and the checkpoint they were at. */
export interface HydratedModel {
  readonly checkpoint: ProjectionCheckpoint;
  readonly model: unknown;
}

/** The same checkpoint: nothing was flushed, reset or promoted since (each of those sets a new `updatedAt`). */
export function sameCheckpoint(a: ProjectionCheckpoint, b: ProjectionCheckpoint): boolean {
  return a.projection === b.projection && a.position === b.position && a.eventId === b.eventId && a.definition === b.definition && a.updatedAt === b.updatedAt;
}

export interface ProjectionWorkerOptions {
  readonly store: ReadModelStore;
  /** Fold nothing: flush these models instead (they must be folded by the same projections). */
  readonly shared?: SharedModels;
  readonly log: LogSource;
  readonly projections: readonly AnyProjection[];
  /** This instance's name on the leases; default host:pid:random. */
  readonly owner?: string;
  /** Flush a projection once it has folded this many positions since its last flush (default 1000)... */
  readonly flushEveryEvents?: number;
  /** ...or once this long has passed with something folded (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /**
   * While catching up (reading full pages), flush only every this many positions (default 50,000): a flush rewrites
   * every document that changed, so far behind the head fewer, larger flushes cost much less, and a crash then
   * only means folding those positions again.
   */
  readonly catchUpFlushEvents?: number;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** How often to try for projections nobody owns (default 1000 ms) and to renew held leases (default 2000 ms). */
  readonly acquireIntervalMs?: number;
  readonly renewIntervalMs?: number;
  /** How long the shared models' hydrated originals are kept for a projection not taken yet (default 60 s). */
  readonly keepHydratedMs?: number;
  readonly logger?: WorkerLogger;
}

interface Owned {
  readonly projection: AnyProjection;
  readonly definition: string;
  readonly lease: Lease;
  model: unknown;
  /** The model as last written: what the next flush diffs against. */
  flushedModel: unknown;
  position: number;
  flushedPosition: number;
  eventId: string | null;
  lastFlushAt: number;
  /**
   * `flushedModel` was decoded from the store while `model` is someone else's (shared models): the first flush
   * compares documents by text, not by reference, so it writes only what really changed.
   */
  compareByText: boolean;
}

export interface ProjectionStatus {
  readonly projection: string;
  readonly owned: boolean;
  /** Position folded in memory (owned projections only). */
  readonly position: number | null;
  readonly flushedPosition: number | null;
}

/**
 * A flush gives the event loop a turn after encoding this many bytes of changed documents (256 KiB: a few ms here; with
 * 1 MiB, the API's p99 under the bench:api mix was 29.3 / 29.5 ms against 23.9 / 24.8 ms, same throughput; 64 KiB was
 * no better)...
 */
const YIELD_EVERY_BYTES = 1 << 18;
/** ...or after comparing this many documents by text (each two encodings) without finding a change. */
const YIELD_EVERY_COMPARED = 256;
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const silent: WorkerLogger = { log: () => undefined, warn: () => undefined };

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Runs projections durably: for each projection it can lease, it loads the documents, follows the log from the
 * checkpoint + 1, folds, and every N events or T ms writes the changed documents and the new checkpoint in one
 * fenced transaction. Events at or below a projection's position are never folded again (a redelivered batch
 * changes nothing), a crash loses only what was not flushed (the next owner resumes from the checkpoint), and a
 * worker that finds itself fenced off drops the projection and competes for it again from the stored state.
 */
export class ProjectionWorker {
  readonly owner: string;
  private readonly owned = new Map<string, Owned>();
  private readonly definitions: Map<string, string>;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastAcquire = 0;
  private lastRenew = Date.now();
  private readonly logger: WorkerLogger;
  /** The shared models' hydrated originals, by projection, until taken or too old to be worth their memory. */
  private hydrated: Map<string, HydratedModel> | undefined;
  private readonly hydratedUntil: number;

  constructor(private readonly options: ProjectionWorkerOptions) {
    this.owner = options.owner ?? defaultOwner();
    this.logger = options.logger ?? silent;
    this.definitions = new Map(options.projections.map((p) => [p.name, definitionOf(p)]));
    const hydrated = options.shared?.takeHydrated?.();
    this.hydrated = hydrated && hydrated.size > 0 ? new Map(hydrated) : undefined;
    this.hydratedUntil = Date.now() + (options.keepHydratedMs ?? 60_000);
  }

  /** Starts the loop in the background. */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Flushes what is folded, gives the leases back, and ends the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.options.shared) this.adoptShared(this.options.shared);
    for (const state of [...this.owned.values()]) {
      await this.flush(state).catch(() => undefined);
      await this.options.store.release(state.lease).catch(() => undefined);
    }
    this.owned.clear();
  }

  /** Wakes the loop now (an append in this process). */
  poke(): void {
    this.wake?.();
  }

  status(): ProjectionStatus[] {
    return this.options.projections.map((p) => {
      const state = this.owned.get(p.name);
      return { projection: p.name, owned: state !== undefined, position: state?.position ?? null, flushedPosition: state?.flushedPosition ?? null };
    });
  }

  /** One turn of the loop: take free projections, read a page after the least advanced, fold it, flush what is due. */
  async runOnce(force = false): Promise<number> {
    const now = Date.now();
    if (force || now - this.lastAcquire >= (this.options.acquireIntervalMs ?? 1000)) {
      this.lastAcquire = now;
      await this.acquireFree();
    }
    if (force || now - this.lastRenew >= (this.options.renewIntervalMs ?? 2000)) {
      this.lastRenew = now;
      await this.renewHeld();
    }
    if (this.owned.size === 0) return 0;
    if (this.options.shared) {
      this.adoptShared(this.options.shared);
      await this.flushDue(force, false);
      return 0;
    }
    const from = Math.min(...[...this.owned.values()].map((s) => s.position)) + 1;
    const batchSize = this.options.batchSize ?? 1000;
    const events = await this.options.log.readAll({ fromPosition: from, limit: batchSize });
    this.handle(events);
    await this.flushDue(force, events.length === batchSize);
    return events.length;
  }

  /** Folds a page of the log into every owned projection, skipping what each has already folded. */
  handle(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    for (const state of this.owned.values()) {
      if (last.position <= state.position) continue;
      state.model = foldPage(state.projection, state.model, events, state.position);
      state.position = last.position;
      state.eventId = last.id;
    }
  }

  /** Takes the shared models' state for every owned projection they are ahead of. */
  private adoptShared(shared: SharedModels): void {
    const { position, eventId } = shared.position();
    for (const state of this.owned.values()) {
      if (position <= state.position) continue;
      state.model = shared.model(state.projection.name);
      state.position = position;
      state.eventId = eventId;
    }
  }

  /** Flushes every owned projection that folded something. */
  async flushAll(): Promise<void> {
    for (const state of [...this.owned.values()]) await this.flush(state);
  }

  private async flushDue(force: boolean, catchingUp: boolean): Promise<void> {
    const now = Date.now();
    const every = this.options.flushEveryEvents ?? 1000;
    const interval = this.options.flushIntervalMs ?? 1000;
    const catchUpEvery = Math.max(every, this.options.catchUpFlushEvents ?? 50_000);
    for (const state of [...this.owned.values()]) {
      const pending = state.position - state.flushedPosition;
      if (pending <= 0) continue;
      const due = catchingUp ? pending >= catchUpEvery : pending >= every || now - state.lastFlushAt >= interval;
      if (force || due) await this.flush(state);
    }
  }

  private async flush(state: Owned): Promise<void> {
    if (state.position === state.flushedPosition) return;
    // Encoding is synchronous work proportional to what changed: in a process that also serves requests (the API in
    // embedded mode), give the event loop a turn every few hundred documents.
    const changes: DocumentChange[] = [];
    let bytes = 0;
    let compared = 0;
    for (const step of diffSteps(state.flushedModel, state.model, state.compareByText)) {
      if (step === UNCHANGED) compared++;
      else {
        changes.push(step);
        bytes += step.doc?.length ?? 0;
      }
      if (bytes > YIELD_EVERY_BYTES || compared >= YIELD_EVERY_COMPARED) {
        bytes = 0;
        compared = 0;
        await yieldToEventLoop();
      }
    }
    const ok = await this.options.store.flush(state.lease, {
      expectedPosition: state.flushedPosition,
      position: state.position,
      eventId: state.eventId,
      definition: state.definition,
      changes,
    });
    if (!ok) {
      this.logger.warn(`projection ${state.projection.name}: fenced off at ${state.flushedPosition} (another worker owns it now); dropping it`);
      this.owned.delete(state.projection.name);
      return;
    }
    state.flushedModel = state.model;
    state.flushedPosition = state.position;
    state.lastFlushAt = Date.now();
    state.compareByText = false;
  }

  private async acquireFree(): Promise<void> {
    if (this.hydrated && Date.now() >= this.hydratedUntil) this.hydrated = undefined;
    for (const projection of this.options.projections) {
      if (this.stopped) return;
      if (this.owned.has(projection.name)) continue;
      const lease = await this.options.store.acquire(projection.name, this.owner);
      if (lease === null) continue;
      try {
        const state = await this.take(projection, lease);
        if (state) this.owned.set(projection.name, state);
        else await this.options.store.release(lease);
      } catch (error) {
        await this.options.store.release(lease).catch(() => undefined);
        throw error;
      }
    }
  }

  private async take(projection: AnyProjection, lease: Lease): Promise<Owned | undefined> {
    const definition = this.definitions.get(projection.name)!;
    const { store } = this.options;
    const hydrated = this.hydrated?.get(projection.name);
    this.hydrated?.delete(projection.name);
    if (this.hydrated?.size === 0) this.hydrated = undefined;
    // This owner holds the lease, so the checkpoint cannot move before `load` reads it with the documents.
    const current = hydrated ? (await store.checkpoints()).find((c) => c.projection === projection.name) : undefined;
    const fromHydrated = hydrated !== undefined && current !== undefined && sameCheckpoint(hydrated.checkpoint, current);
    let snapshot = fromHydrated ? { checkpoint: current, documents: undefined } : await store.load(projection.name);
    const checkpoint = snapshot.checkpoint;
    let reason: string | undefined;
    if (checkpoint === null || checkpoint.owner !== lease.owner) return undefined;
    if (checkpoint.definition !== definition) reason = checkpoint.definition === '' ? undefined : `its definition changed (${checkpoint.definition} → ${definition})`;
    else if (checkpoint.position > 0) {
      const [event] = await this.options.log.readAll({ fromPosition: checkpoint.position, limit: 1 });
      if (event?.position !== checkpoint.position || event.id !== checkpoint.eventId) reason = `its checkpoint ${checkpoint.position} names an event this log does not have there`;
    }
    if (checkpoint.definition !== definition || reason !== undefined) {
      if (reason) this.logger.warn(`projection ${projection.name}: rebuilding from the start: ${reason}`);
      if (!(await store.reset(lease, definition))) return undefined;
      snapshot = { checkpoint: { ...checkpoint, position: 0, eventId: null, definition }, documents: [] };
    }
    // The hydrated model is the one these documents decode to, and the shared models were folded on from it: diffs
    // against it go by reference. A model decoded here was built apart from the shared one: its first diff goes by text.
    const model = snapshot.documents === undefined ? hydrated!.model : decodeModel(projection.initialState(), snapshot.documents);
    const byText = this.options.shared !== undefined && snapshot.documents !== undefined;
    const position = snapshot.checkpoint!.position;
    this.logger.log(`projection ${projection.name}: owned by ${this.owner} from position ${position}${snapshot.documents === undefined ? ' (the model this process hydrated at that checkpoint)' : ''}`);
    return {
      projection,
      definition,
      lease,
      model,
      flushedModel: model,
      position,
      flushedPosition: position,
      eventId: snapshot.checkpoint!.eventId,
      lastFlushAt: Date.now(),
      compareByText: byText,
    };
  }

  private async renewHeld(): Promise<void> {
    for (const state of [...this.owned.values()]) {
      if (!(await this.options.store.renew(state.lease))) {
        this.logger.warn(`projection ${state.projection.name}: lease lost; dropping it`);
        this.owned.delete(state.projection.name);
      }
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 200;
    while (!this.stopped) {
      let read = 0;
      try {
        read = await this.runOnce();
      } catch (error) {
        this.logger.warn(`projection worker: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.stopped && read < (this.options.batchSize ?? 1000)) await this.sleep(pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
