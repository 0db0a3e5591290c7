import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  fold,
  isUserEvent,
  userDecider,
  userStreamId,
  type Actor,
  type IssueApiToken,
  type UserCommand,
  type UserEvent,
} from '@ledger/domain';
import { WrongExpectedVersionError, type Clock, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { CLOCK, LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ApiError } from '../shared/api-error';
import { newApiToken } from './api-token';
import { IdentityIndex, type IndexedUser } from './identity.index';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A user command as the caller states it; `now` and `actor` are the application's to fill. */
export type UserCommandInput = DistributiveOmit<UserCommand, 'now' | 'actor'>;

/**
 * Who runs the command and the headers that steer it: the API's `CommandContext` (from `Ctx()`) fits, and so does
 * the first-start bootstrap's own. Identity records are always recorded at the present: `X-Occurred-At` does not
 * apply to them.
 */
export interface IdentityCommandContext {
  readonly actor: Actor;
  /** `Idempotency-Key`: a retry with the same key by the same actor records nothing again. */
  readonly idempotencyKey: string | null;
  /** `If-Match`: the user's version (ETag) the caller saw; `*`: the user must exist. */
  readonly ifMatch: number | '*' | null;
  readonly correlationId: string | null;
}

export interface CommandOutcome {
  readonly user: IndexedUser;
  /** True when this was a retry of a command already recorded (nothing was appended). */
  readonly duplicate: boolean;
}

/**
 * The command loop for `user-<id>` streams: read the stream, fold it with the decider, decide, append with the
 * version read as the expected version, then wait until the identity index has applied the append. The actor
 * (event metadata and the command's `actor`) is the authenticated caller, never part of the input.
 */
@Injectable()
export class IdentityCommands {
  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly index: IdentityIndex,
  ) {}

  async execute(input: UserCommandInput, ctx: IdentityCommandContext): Promise<CommandOutcome> {
    const { actor } = ctx;
    const streamId = userStreamId(input.userId);
    // Scoped to the actor, so one caller's key can never match another caller's command.
    const commandId = ctx.idempotencyKey === null ? randomUUID() : `${actor.id}:${ctx.idempotencyKey}`;
    const recorded = await this.store.readStream(streamId);
    const version = recorded.length === 0 ? 0 : recorded[recorded.length - 1].streamVersion;

    const earlier = recorded.filter((event) => event.metadata.commandId === commandId);
    if (earlier.length > 0) return { user: await this.settled(input.userId, earlier), duplicate: true };

    if (ctx.ifMatch !== null && (ctx.ifMatch === '*' ? version === 0 : ctx.ifMatch !== version)) {
      throw new WrongExpectedVersionError(streamId, ctx.ifMatch, version);
    }
    const now = this.clock.now();
    const events = userDecider.decide(
      { ...input, now: now.toISOString(), actor: { id: actor.id, role: actor.role, unit: actor.unit } } as UserCommand,
      fold(userDecider, recorded.flatMap(asUserEvent)),
    );
    const result = await this.store.append({
      streamId,
      expectedVersion: version === 0 ? 'no-stream' : version,
      events,
      metadata: {
        actorId: actor.id,
        actorRole: actor.role,
        actorUnit: actor.unit,
        commandId,
        correlationId: ctx.correlationId ?? commandId,
        causationId: null,
        occurredAt: now.toISOString(),
      },
    });
    await this.index.waitFor(result.lastPosition);
    return { user: this.index.user(input.userId)!, duplicate: result.duplicate };
  }

  /**
   * Issues a token and returns it whole, the one time it exists outside its holder's hands. A retried request
   * cannot return it again (only its hash was kept): it is refused, and the first response's token stands.
   */
  async issueToken(
    input: Pick<IssueApiToken, 'userId' | 'label' | 'expiresAt'>,
    ctx: IdentityCommandContext,
  ): Promise<{ user: IndexedUser; tokenId: string; token: string }> {
    const fresh = newApiToken();
    const outcome = await this.execute({ type: 'IssueApiToken', ...input, tokenId: fresh.tokenId, secretSha256: fresh.secretSha256 }, ctx);
    if (outcome.duplicate) {
      throw new ApiError(
        409,
        'REQUEST.SECRET_NOT_REPEATABLE',
        'this Idempotency-Key already issued a token, which was shown once in the first response; revoke it and issue another if it was lost',
      );
    }
    return { user: outcome.user, tokenId: fresh.tokenId, token: fresh.token };
  }

  private async settled(userId: string, events: RecordedEvent[]): Promise<IndexedUser> {
    await this.index.waitFor(events[events.length - 1].position);
    return this.index.user(userId)!;
  }
}

/** The domain event of a stored one; types this version does not know are left out of the fold. */
function asUserEvent(event: RecordedEvent): UserEvent[] {
  return isUserEvent(event) ? [{ type: event.type, data: event.data } as UserEvent] : [];
}
