import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { Role } from '../shared/roles';

/** Every event of a `user-<id>` stream carries the user, when (`at`, the command's `now`) and who (`by`). */
type Recorded = { userId: string; at: IsoInstant; by: ActorRef };

/** A person (or service account) who may act in the ledger, in one role, for one unit. */
export type UserRegistered = DomainEvent<
  'UserRegistered',
  Recorded & { displayName: string; role: Role; unitId: string }
>;

/** The role or unit changed; the previous ones are kept in the event so it reads on its own. */
export type UserRoleChanged = DomainEvent<
  'UserRoleChanged',
  Recorded & { role: Role; unitId: string; previous: { role: Role; unitId: string }; reason: string }
>;

/** From this event on, none of the user's tokens authenticates; the history stays. */
export type UserDeactivated = DomainEvent<'UserDeactivated', Recorded & { reason: string }>;

/**
 * An API token `lgr_<tokenId>_<secret>` was issued. Only the SHA-256 of the secret is recorded (`api-token.ts`):
 * the log is readable by auditors and copied into evidence exports, so it must never hold a usable credential.
 */
export type ApiTokenIssued = DomainEvent<
  'ApiTokenIssued',
  Recorded & { tokenId: string; secretSha256: string; label: string | null; expiresAt: IsoInstant | null }
>;

export type ApiTokenRevoked = DomainEvent<'ApiTokenRevoked', Recorded & { tokenId: string; reason: string }>;

export type UserEvent = UserRegistered | UserRoleChanged | UserDeactivated | ApiTokenIssued | ApiTokenRevoked;
export type UserEventType = UserEvent['type'];
