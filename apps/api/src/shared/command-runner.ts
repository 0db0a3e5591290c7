import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AUTHORIZATION,
  authorize,
  domainError,
  fold,
  type Actor,
  type CommandType,
  type Decider,
  type IsoInstant,
  type OrgUnits,
} from '@ledger/domain';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type CommandMetadata,
  type ExpectedVersion,
  type JsonObject,
  type LedgerStore,
  type NewEvent,
  type RecordedEvent,
} from '@ledger/event-store';
import { domainEventOf, type LedgerReadModels } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ReadModelsService } from '../read-models/read-models.service';
import { API_CONFIG, type ApiConfig } from './api-config';
import { appError } from './app-errors';
import { IdGenerator } from './id-generator';
import type { CommandContext } from './command-context';
import { LedgerTime } from './ledger-time';

/** What every command carries into the domain besides its own fields. */
export type Envelope = { readonly now: IsoInstant; readonly actor: Actor };

/** One command on a stream: which row of AUTHORIZATION applies, the unit it is judged against, and the command. */
export interface CommandStep<S, C> {
  readonly commandType: CommandType;
  /** The target unit of `AUTHORIZATION[commandType].target`, resolved from the stream's state and the read models. */
  readonly targetUnit: (state: S, models: LedgerReadModels) => string | null;
  readonly build: (state: S, envelope: Envelope) => C;
}

/** A write to one stream: its decider, and the commands to decide in order (usually one). */
export interface StreamCommand<S, C, E> {
  readonly decider: Decider<S, C, E>;
  readonly streamId: string;
  /** The id of the record (task, directive, unit, ...) the response names. */
  readonly aggregateId: string;
  readonly steps: readonly CommandStep<S, C>[];
  /** The command starts the stream; otherwise an empty stream is `notFound()` (404). */
  readonly creates?: boolean;
  readonly notFound?: () => Error;
  /**
   * A part of a composite request (a directive's tasks, a transfer's tasks): its command id is the request's with
   * `/<part>` added, so a retried request finds each part it already wrote; If-Match applies only to the main part.
   */
  readonly part?: string;
  /** Turns the store's "stream already exists" into the domain's refusal (document numbers: DOCNO.TAKEN). */
  readonly onStreamConflict?: () => Error;
  /**
   * The stream's state and version as the read models hold them (the same fold of the same events), if they hold
   * the stream: `run` decides on it instead of reading the stream, and the append's expected version rejects the
   * decision if the store is further on (then it reads the stream and decides again).
   */
  readonly held?: (models: LedgerReadModels) => { readonly state: S; readonly version: number } | undefined;
}

/** The result of a command: the record, its stream version after the command (the ETag), and what was appended. */
export interface CommandAccepted {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  /** Global log position of the last event appended (the read models reflect it when the response is sent). */
  readonly position: number;
  readonly eventIds: readonly string[];
  readonly events: readonly string[];
}

/** Marks a result that is the first result of an earlier request with the same Idempotency-Key. */
export const REPLAYED = Symbol('replayed');
export type Replayable<T> = T & { [REPLAYED]?: true };

export function isReplayed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Replayable<object>)[REPLAYED] === true;
}

export interface Decision {
  readonly command: StreamCommand<unknown, unknown, unknown>;
  readonly commandId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  /** Events this command id already appended (a retry): nothing new is decided or written. */
  readonly prior: readonly RecordedEvent[] | null;
  /** Decided on the state the read models hold, not on the stream read from the store. */
  readonly onHeld?: true;
}

const MAX_ATTEMPTS = 3;
const FUTURE_SKEW_MS = 60_000;

/**
 * The command loop, the same for every use case: read the stream → fold with `evolve` → check the AUTHORIZATION
 * table and the caller's scope → `decide` → append with the version read as the expected version → wait until the
 * read models have the new events (read-your-writes). Handlers describe their command; this runs it.
 */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly time: LedgerTime,
    private readonly readModels: ReadModelsService,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Starts a request: fixes its `now`, its actor and its command id for every stream it writes, once the read models
   * have every event the log holds now. Another process (a second API instance, the CLI) may have appended events
   * this one has not polled for yet; a command judged on facts of other streams (a unit's head, a directive, the
   * organisation) must see them, not a view up to a poll interval old.
   */
  async begin(ctx: CommandContext): Promise<CommandScope> {
    const scope = this.scopeOf(ctx);
    await this.readModels.catchUpToHead();
    return scope;
  }

  private scopeOf(ctx: CommandContext): CommandScope {
    let now = this.time.now();
    if (ctx.occurredAt !== null) {
      // Historical entry is privileged: the event keeps its true recorded-at, so the log shows it as a late entry.
      if (ctx.actor.role !== 'administrator' && !this.config.allowBackdating) throw appError('AUTH.BACKDATING_NOT_ALLOWED');
      if (Date.parse(ctx.occurredAt) > this.time.epochMs() + FUTURE_SKEW_MS) {
        throw appError('REQUEST.OCCURRED_AT_INVALID', { value: JSON.stringify(ctx.occurredAt) }, 'X-Occurred-At');
      }
      now = this.time.inJurisdiction(ctx.occurredAt);
    }
    return new CommandScope(this.store, this.readModels, this.ids, ctx, now, commandIdOf(ctx));
  }

  /** Runs one stream command for the request. */
  async run<S, C, E>(ctx: CommandContext, command: StreamCommand<S, C, E>): Promise<Replayable<CommandAccepted>> {
    return (await this.begin(ctx)).run(command);
  }

  models(): LedgerReadModels {
    return this.readModels.current();
  }

  /** The read models once they have every event the log holds now: for a command that reads them before `run`. */
  async modelsAtHead(): Promise<LedgerReadModels> {
    await this.readModels.catchUpToHead();
    return this.readModels.current();
  }

  orgUnits(): OrgUnits {
    return this.readModels.orgUnits();
  }
}

/** One request's writes: the same `now`, actor and command id (plus a part suffix) for each stream it touches. */
export class CommandScope {
  readonly envelope: Envelope;

  constructor(
    private readonly store: LedgerStore,
    private readonly readModels: ReadModelsService,
    private readonly ids: IdGenerator,
    private readonly ctx: CommandContext,
    readonly now: IsoInstant,
    readonly commandId: string,
  ) {
    const { id, role, unit } = ctx.actor;
    this.envelope = { now, actor: { id, role, unit } };
  }

  /**
   * An id for a record the client did not name. With an Idempotency-Key it is derived from the command id and
   * `purpose`, so a retried request names the same record (and finds its first result) instead of a new one.
   */
  newId(purpose: string): string {
    if (this.ctx.idempotencyKey === null) return this.ids.newId();
    const h = createHash('sha256').update(this.commandId).update('\u0000').update(purpose).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  models(): LedgerReadModels {
    return this.readModels.current();
  }

  /** Decides and appends, re-reading and deciding again if another writer got in between (unless If-Match pinned the version). */
  async run<S, C, E>(command: StreamCommand<S, C, E>): Promise<Replayable<CommandAccepted>> {
    let fromHeld = true;
    for (let attempt = 1; ; attempt++) {
      const decision = await this.decide(command, fromHeld);
      fromHeld = false;
      try {
        return await this.append(decision);
      } catch (error) {
        // The held state was behind the store: decide on the stream, as if this attempt had never been made.
        if (error instanceof WrongExpectedVersionError && decision.onHeld) {
          attempt--;
          continue;
        }
        const pinned = this.ctx.ifMatch !== null && command.part === undefined;
        if (error instanceof WrongExpectedVersionError && !pinned && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /**
   * Everything short of writing: read, fold, authorize, check If-Match, decide. Throws the refusal. With `fromHeld`,
   * the state the read models hold stands in for reading and folding the stream when nothing needs the stream's
   * events themselves: a request without an Idempotency-Key has a fresh command id (no earlier attempt to find), and
   * an If-Match is checked against it only when it names the held version. A decision taken on it is appended only
   * if the stream is still at that version; a refusal is judged again on the stream itself.
   */
  async decide<S, C, E>(command: StreamCommand<S, C, E>, fromHeld = false): Promise<Decision> {
    const commandId = command.part === undefined ? this.commandId : `${this.commandId}/${command.part}`;
    const base = { command: command as StreamCommand<unknown, unknown, unknown>, commandId };
    const held = fromHeld && this.ctx.idempotencyKey === null ? command.held?.(this.readModels.current()) : undefined;
    const pinned = command.part === undefined ? this.ctx.ifMatch : null;
    if (held !== undefined && (pinned === null || pinned === held.version)) {
      try {
        return { ...this.decideOn(command, base, held.state, held.version), onHeld: true };
      } catch {
        return this.decide(command, false);
      }
    }
    const recorded = await this.store.readStream(command.streamId);
    const prior = recorded.filter((event) => event.metadata.commandId === commandId);
    if (prior.length > 0) return { ...base, expectedVersion: 'any', events: [], prior };
    const state = fold(command.decider, recorded.map((event) => domainEventOf<E>(event)));
    return this.decideOn(command, base, state, recorded.at(-1)?.streamVersion ?? 0);
  }

  /** Authorize, check If-Match and decide on the stream's state at `version`. */
  private decideOn<S, C, E>(command: StreamCommand<S, C, E>, base: Pick<Decision, 'command' | 'commandId'>, folded: S, version: number): Decision {
    const { decider } = command;
    let state = folded;
    const actor = this.envelope.actor;
    // Role first (no existence leak to a role that may never do this), then existence, then scope.
    for (const step of command.steps) requireRole(step.commandType, actor);
    if (!command.creates && version === 0) throw command.notFound?.() ?? domainError('STREAM.ID_INVALID', { field: 'id', value: command.aggregateId });
    const models = this.readModels.current();
    const units = this.readModels.orgUnits();
    for (const step of command.steps) authorize(step.commandType, actor, step.targetUnit(state, models), units);
    if (command.part === undefined && this.ctx.ifMatch !== null) {
      const expected = this.ctx.ifMatch;
      if (expected === '*' ? version === 0 : expected !== version) {
        throw new WrongExpectedVersionError(command.streamId, expected, version);
      }
    }
    const events: NewEvent[] = [];
    for (const step of command.steps) {
      const decided = decider.decide(step.build(state, this.envelope), state);
      for (const event of decided) {
        const { type, data } = event as unknown as { type: string; data: JsonObject };
        events.push({ type, data });
        state = decider.evolve(state, event);
      }
    }
    return { ...base, expectedVersion: version === 0 ? 'no-stream' : version, events, prior: null };
  }

  /** Appends a decision (or returns the earlier result of the same command id) and waits for the read models. */
  async append(decision: Decision): Promise<Replayable<CommandAccepted>> {
    const { command } = decision;
    if (decision.prior !== null) return this.replay(command, decision.prior);
    const metadata: CommandMetadata = {
      actorId: this.ctx.actor.id,
      actorRole: this.ctx.actor.role,
      actorUnit: this.ctx.actor.unit,
      commandId: decision.commandId,
      correlationId: this.ctx.correlationId ?? this.commandId,
      causationId: command.part === undefined ? null : this.commandId,
      occurredAt: LedgerTime.utc(this.now),
    };
    let result: AppendResult;
    try {
      result = await this.store.append({ streamId: command.streamId, expectedVersion: decision.expectedVersion, events: decision.events, metadata });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && decision.expectedVersion === 'no-stream' && command.onStreamConflict) {
        throw command.onStreamConflict();
      }
      throw error;
    }
    if (result.duplicate) {
      const recorded = await this.store.readStream(command.streamId);
      return this.replay(command, recorded.filter((event) => event.metadata.commandId === decision.commandId));
    }
    await this.readModels.waitFor(result.lastPosition);
    return {
      id: command.aggregateId,
      streamId: command.streamId,
      version: result.streamVersion,
      position: result.lastPosition,
      eventIds: [...result.eventIds],
      events: decision.events.map((event) => event.type),
    };
  }

  private async replay(command: StreamCommand<unknown, unknown, unknown>, prior: readonly RecordedEvent[]): Promise<Replayable<CommandAccepted>> {
    const last = prior[prior.length - 1];
    await this.readModels.waitFor(last.position);
    return {
      id: command.aggregateId,
      streamId: command.streamId,
      version: last.streamVersion,
      position: last.position,
      eventIds: prior.map((event) => event.id),
      events: prior.map((event) => event.type),
      [REPLAYED]: true,
    };
  }
}

/** AUTH.ROLE_NOT_ALLOWED (403) unless the actor's role appears in the command's row of the table. */
export function requireRole(commandType: CommandType, actor: Actor): void {
  if (AUTHORIZATION[commandType].allow[actor.role] === undefined) {
    throw domainError('AUTH.ROLE_NOT_ALLOWED', { role: actor.role, command: commandType });
  }
}

/**
 * The store's command id for this request. With an Idempotency-Key it is derived from the actor and the key (two
 * actors' keys never collide), so a retry is recognised; without one it is fresh.
 */
function commandIdOf(ctx: CommandContext): string {
  if (ctx.idempotencyKey === null) return randomUUID();
  const readable = `${ctx.actor.id}:${ctx.idempotencyKey}`;
  if (readable.length <= 120) return readable;
  return `idem:${createHash('sha256').update(ctx.actor.id).update('\u0000').update(ctx.idempotencyKey).digest('hex').slice(0, 40)}`;
}
