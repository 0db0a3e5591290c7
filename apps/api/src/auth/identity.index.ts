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
import { inMemoryCheckpointSource, PollingSubscription, type Clock, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
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
 * It reads the whole log once at start and then follows it with a catch-up subscription that keeps its checkpoint in
 * memory (a durable `store.subscribe` would resume from a stored checkpoint, which an index that lives in memory must
 * not do). This process's appends are handed over as committed (`onCommitted`) and folded without reading them back;
 * the log is read for what other processes appended: every `pollIntervalMs` (their revocations and deactivations),
 * on an unknown token id (one the CLI may have just issued), and when an identity command of this process waits for
 * its position beyond what was handed over (`waitFor`: a token works the moment it is returned).
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
  private subscription: PollingSubscription | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await PollingSubscription.start(
      inMemoryCheckpointSource(this.store),
      {
        name: 'identity-index',
        batchSize: PAGE,
        pollIntervalMs: this.config.pollIntervalMs,
        handler: (events) => {
          for (const event of events) this.apply(event);
        },
        onError: (error) => this.log.warn(`following the log failed: ${error instanceof Error ? error.message : String(error)}`),
      },
    );
    await this.catchUp(120_000);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
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
    await this.following().waitFor(position, timeoutMs);
  }

  /** Resolves once the index has applied what the log holds now (another process may have just appended). */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    await this.following().waitFor(await this.store.headPosition(), timeoutMs);
  }

  private following(): PollingSubscription {
    if (this.subscription === undefined) throw new Error('the identity index is not following the log (onModuleInit has not run, or it was destroyed)');
    return this.subscription;
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
