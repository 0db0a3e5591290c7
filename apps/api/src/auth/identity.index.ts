import { hash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  isTokenUsable,
  isUserEvent,
  parseApiToken,
  hashApiTokenSecret,
  userDecider,
  type ApiTokenRecord,
  type UserEvent,
  type UserRecord,
} from '@ledger/domain';
import type { Clock, LedgerStore, RecordedEvent } from '@ledger/event-store';
import { CLOCK, LEDGER_STORE } from '../infrastructure/ledger-store.module';
import type { AuthenticatedActor, Authenticator } from './authenticated-actor';
import { IDENTITY_CONFIG, type IdentityConfig } from './identity.config';
import { LruMap } from './lru-map';

export type IndexedUser = { readonly state: UserRecord; /** The stream version: the user's ETag. */ readonly version: number };

const PAGE = 1000;

/** Verified tokens kept (by hash) at most; past it the least recently used goes, so memory stays flat. */
const VERIFIED_MAX = 10_000;

/**
 * A token verified against a user record. It stands while the index holds that very record: any user event
 * (revocation, deactivation, role or unit change, another token) replaces the record, so the next request verifies
 * again from the log's state. Expiry is checked on every use.
 */
type Verified = { readonly user: IndexedUser; readonly actor: AuthenticatedActor; readonly expiresAtMs: number | null };

/**
 * Every user and API token, folded from the `user-` streams with the user decider's own `evolve`, in memory:
 * the authenticator and the users read model.
 *
 * It reads the whole log once at start and then follows it from its last position: after each identity command
 * of this process (the command waits for `waitFor(position)`, so a token works the moment it is returned), on an
 * unknown token id (one the CLI may have just issued), and every `pollIntervalMs` (revocations and deactivations
 * made by other processes). A durable `store.subscribe` would resume from a stored checkpoint, which an index that
 * lives in memory must not do, so it follows the log with `readAll` itself.
 */
@Injectable()
export class IdentityIndex implements Authenticator, OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('IdentityIndex');
  private readonly byUser = new Map<string, IndexedUser>();
  private readonly tokenOwner = new Map<string, string>();
  /**
   * SHA-256 of a whole bearer token → what it was verified as, least recently used first. Keyed by the hash, never
   * the token itself, so a long-lived heap holds no usable credential; the one-shot `crypto.hash` costs about 1 µs a
   * request (a quarter of createHash().update().digest(), which allocates a Hash object each time).
   */
  private readonly verified = new LruMap<string, Verified>(VERIFIED_MAX);
  private position = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => {
      this.catchUp().catch((error: unknown) => this.log.warn(`following the log failed: ${String(error)}`));
    }, this.config.pollIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight?.catch(() => undefined);
  }

  async authenticate(bearerToken: string): Promise<AuthenticatedActor | undefined> {
    const parsed = parseApiToken(bearerToken);
    if (!parsed) return undefined;
    const digest = hash('sha256', bearerToken, 'base64');
    const hit = this.verified.get(digest);
    if (hit !== undefined) {
      if (this.byUser.get(hit.actor.id) === hit.user) {
        return hit.expiresAtMs === null || this.clock.now().getTime() < hit.expiresAtMs ? hit.actor : undefined;
      }
      this.verified.delete(digest);
    }
    if (!this.tokenOwner.has(parsed.tokenId)) await this.catchUp();
    const userId = this.tokenOwner.get(parsed.tokenId);
    const indexed = userId === undefined ? undefined : this.byUser.get(userId);
    const user = indexed?.state;
    const token = user?.tokens.find((t) => t.tokenId === parsed.tokenId);
    if (!indexed || !user || !token || !secretMatches(parsed.secret, token)) return undefined;
    if (!isTokenUsable(user, token, this.clock.now().toISOString())) return undefined;
    const actor: AuthenticatedActor = { id: user.userId, role: user.role, unit: user.unitId, name: user.displayName, credentialId: token.tokenId };
    this.verified.set(digest, { user: indexed, actor, expiresAtMs: token.expiresAt === null ? null : Date.parse(token.expiresAt) });
    return actor;
  }

  user(userId: string): IndexedUser | undefined {
    return this.byUser.get(userId);
  }

  /** Every user, by id. */
  users(): IndexedUser[] {
    return [...this.byUser.values()].sort((a, b) => (a.state.userId < b.state.userId ? -1 : 1));
  }

  get userCount(): number {
    return this.byUser.size;
  }

  /** Resolves once the index has applied the log up to `position` (read-your-writes for identity commands). */
  async waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.position < position) {
      if (Date.now() > deadline) throw new Error(`identity index did not reach position ${position} (at ${this.position})`);
      await this.catchUp();
    }
  }

  /** Applies what the log gained since the last call; concurrent callers share one read. */
  catchUp(): Promise<void> {
    this.inFlight ??= this.readNew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const events = await this.store.readAll({ fromPosition: this.position + 1, limit: PAGE });
      for (const event of events) this.apply(event);
      if (events.length > 0) this.position = events[events.length - 1].position;
      if (events.length < PAGE) return;
    }
  }

  private apply(event: RecordedEvent): void {
    if (!event.streamId.startsWith('user-') || !isUserEvent(event)) return;
    const userEvent = { type: event.type, data: event.data } as UserEvent;
    const userId = userEvent.data.userId;
    const before = this.byUser.get(userId)?.state ?? userDecider.initialState();
    const after = userDecider.evolve(before, userEvent);
    if (after.status === 'none') return;
    this.byUser.set(userId, { state: after, version: event.streamVersion });
    if (userEvent.type === 'ApiTokenIssued') {
      const owner = this.tokenOwner.get(userEvent.data.tokenId);
      // Token ids are 96 random bits drawn by the ledger: a second owner means a forged or imported record. The
      // first issue keeps the id; the later one never authenticates.
      if (owner !== undefined && owner !== userId) {
        this.log.warn(`token id ${userEvent.data.tokenId} of ${userId} was already issued to ${owner}: ignored`);
      } else {
        this.tokenOwner.set(userEvent.data.tokenId, userId);
      }
    }
  }
}

function secretMatches(secret: string, token: ApiTokenRecord): boolean {
  const given = Buffer.from(hashApiTokenSecret(secret), 'hex');
  const stored = Buffer.from(token.secretSha256, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
