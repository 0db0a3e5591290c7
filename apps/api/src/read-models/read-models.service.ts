import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { OrgUnits } from '@ledger/domain';
import { inMemoryCheckpointSource, PollingSubscription, type LedgerStore, type Subscription } from '@ledger/event-store';
import {
  DURABLE_READ_MODELS,
  emptyReadModels,
  foldReadModels,
  orgUnitsOf,
  type DurableReadModelField,
  type LedgerReadModels,
  type ReadModelPositions,
} from '@ledger/projections';
import { decodeModel, definitionOf, type HydratedModel, type ReadModelStore, type SharedModels } from '@ledger/read-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import { READ_MODEL_STORE } from './read-model-store.token';

/**
 * Runs the projections in this process from a subscription to the log, and serves their current models.
 *
 * At start-up (before it answers requests) each durable model is hydrated from the read-model store at its
 * checkpoint, when the store has one of the same definition and of this log; the log is then followed in memory —
 * each model skipping what its checkpoint already covers — up to the head, and after: its own appends at once, from
 * the events the store hands over as it commits them (`onCommitted`: no read of what this process just wrote;
 * commands wait for them: read-your-writes), other processes' appends within the poll interval. A model the store
 * does not have (empty, another definition, another log) is folded from position 0; when the store has them all,
 * the log is read only from the oldest of their checkpoints. (The audit queries keep no model: they read the log.)
 */
@Injectable()
export class ReadModelsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('ReadModels');
  private models: LedgerReadModels = emptyReadModels();
  /** Id of the event at `models.position` (what a projection checkpoint names). */
  private lastEventId: string | null = null;
  private orgUnitsCache: { source: LedgerReadModels['organisation']; units: OrgUnits } | undefined;
  private subscription: Subscription | undefined;
  /** Per hydrated model, the checkpoint it came at; cleared once the log is followed past all of them. */
  private since: ReadModelPositions | undefined;
  private sinceUntil = 0;
  /** The models hydrated from the read-model store at start-up (`name@checkpoint`). */
  hydrated: readonly string[] = [];
  /** Those models as decoded, by projection, until this process's projection worker takes them (`sharedModels`). */
  private hydratedModels = new Map<string, HydratedModel>();

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Optional() @Inject(READ_MODEL_STORE) private readonly readStore?: ReadModelStore,
  ) {}

  /** The durable models the read-model store has for this log, at their checkpoints. */
  private async hydrate(): Promise<{ models: LedgerReadModels; since: ReadModelPositions; hydrated: string[]; decoded: Map<string, HydratedModel> }> {
    const models: Record<string, unknown> = { ...emptyReadModels() };
    const since: ReadModelPositions = {};
    const hydrated: string[] = [];
    const decoded = new Map<string, HydratedModel>();
    if (!this.readStore) return { models: models as LedgerReadModels, since, hydrated, decoded };
    for (const [field, projection] of Object.entries(DURABLE_READ_MODELS) as Array<[DurableReadModelField, (typeof DURABLE_READ_MODELS)[DurableReadModelField]]>) {
      try {
        const { checkpoint, documents } = await this.readStore.load(projection.name);
        if (!checkpoint || checkpoint.position === 0 || checkpoint.definition !== definitionOf(projection)) continue;
        const [event] = await this.store.readAll({ fromPosition: checkpoint.position, limit: 1 });
        if (event?.position !== checkpoint.position || event.id !== checkpoint.eventId) continue;
        models[field] = decodeModel(projection.initialState() as unknown, documents);
        decoded.set(projection.name, { checkpoint, model: models[field] });
        since[field] = checkpoint.position;
        hydrated.push(`${projection.name}@${checkpoint.position}`);
      } catch (error) {
        this.log.warn(`read model ${projection.name} not hydrated (folding it from the log): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { models: models as LedgerReadModels, since, hydrated, decoded };
  }

  async onModuleInit(): Promise<void> {
    const store = this.store;
    const started = performance.now();
    const { models, since, hydrated, decoded } = await this.hydrate();
    this.models = models;
    this.hydrated = hydrated;
    this.hydratedModels = decoded;
    this.since = hydrated.length > 0 ? since : undefined;
    this.sinceUntil = Math.max(0, ...Object.values(since));
    // Every model hydrated: the log is followed from the oldest checkpoint, which all of them reflect (the event
    // there is the one that checkpoint names, checked by `hydrate`). Otherwise from the beginning.
    const start = this.startPosition(decoded);
    if (start !== null) {
      this.models = { ...this.models, position: start.position };
      this.lastEventId = start.eventId;
    }
    // The checkpoint of the subscription lives in memory; own appends folded as handed over.
    this.subscription = await PollingSubscription.start(
      inMemoryCheckpointSource(store, start?.position ?? 0),
      {
        name: 'api-read-models',
        batchSize: 1000,
        pollIntervalMs: this.config.readModelPollMs,
        handler: (events) => {
          this.models = foldReadModels(this.models, events, this.since);
          this.lastEventId = events[events.length - 1].id;
          if (this.since && events[events.length - 1].position >= this.sinceUntil) this.since = undefined;
        },
        onError: (error) => this.log.error(`reading the log failed: ${error instanceof Error ? error.message : String(error)}`),
      },
    );
    const head = await this.store.headPosition();
    await this.subscription.waitFor(head, 120_000);
    const took = Math.round(performance.now() - started);
    this.log.log(`read models at position ${head} in ${took} ms${hydrated.length > 0 ? ` (hydrated from the read-model store: ${hydrated.join(', ')})` : ''}`);
  }

  /** The oldest checkpoint of the hydrated models, when every durable model was hydrated; else null. */
  private startPosition(decoded: ReadonlyMap<string, HydratedModel>): { position: number; eventId: string | null } | null {
    if (decoded.size !== Object.keys(DURABLE_READ_MODELS).length) return null;
    let oldest: HydratedModel['checkpoint'] | null = null;
    for (const { checkpoint } of decoded.values()) if (oldest === null || checkpoint.position < oldest.position) oldest = checkpoint;
    return oldest === null ? null : { position: oldest.position, eventId: oldest.eventId };
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** The models as they stand (an immutable snapshot: later events never change it). */
  current(): LedgerReadModels {
    return this.models;
  }

  /**
   * Resolves once the models reflect every event the log holds now. Another process (a second API instance, the CLI)
   * may have appended events this one has not yet polled for: a command that reads facts of other streams (a unit's
   * head, a directive's state, the organisation) decides on them only after this, not on a view up to a poll
   * interval old. Costs one head read when nothing is missing.
   */
  async catchUpToHead(): Promise<void> {
    const head = await this.store.headPosition();
    if (this.models.position >= head) return;
    // The head may count this process's own appends committed a moment ago, whose events are on their way (the writer
    // thread's answer): under steady commands that is most of the time. The subscription folds them as they are
    // handed over and reads only what is left once every append sent before its own head read has been answered
    // (another process's appends): so a command neither reads its neighbours' events back nor waits for appends
    // still being committed (`appendsSettled` here would wait for the group commit under way: ~1.9 ms a command on
    // average under the bench:api mix, a few over 10 ms).
    await this.waitFor(head);
  }

  /** Resolves once the models reflect every event up to `position`. */
  async waitFor(position: number): Promise<void> {
    if (this.models.position >= position) return;
    if (!this.subscription) throw new Error('read models are not running');
    await this.subscription.waitFor(position, 30_000);
  }

  /**
   * These models as the projection worker of this process writes them (it then folds nothing itself): position and
   * model are read in the same synchronous turn, so they always belong together. The worker also takes the models as
   * hydrated, with their checkpoints: where the store is still at one, it diffs against that model by reference
   * instead of decoding the documents again and comparing every one by text.
   */
  sharedModels(): SharedModels {
    const fieldOf = new Map(Object.entries(DURABLE_READ_MODELS).map(([field, projection]) => [projection.name, field as DurableReadModelField]));
    return {
      position: () => ({ position: this.models.position, eventId: this.lastEventId }),
      model: (projection) => {
        const field = fieldOf.get(projection);
        if (field === undefined) throw new Error(`no read model is folded by projection ${projection}`);
        return this.models[field];
      },
      takeHydrated: () => {
        const taken = this.hydratedModels;
        this.hydratedModels = new Map();
        return taken;
      },
    };
  }

  /** The organisation as the authorization rules read it (cached per model version). */
  orgUnits(): OrgUnits {
    const source = this.models.organisation;
    if (this.orgUnitsCache?.source !== source) this.orgUnitsCache = { source, units: orgUnitsOf(source) };
    return this.orgUnitsCache.units;
  }
}
