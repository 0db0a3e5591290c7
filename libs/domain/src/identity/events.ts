import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { Role } from '../shared/roles';
import type { UserKeyAlgorithm, UserKeyCustody } from './user-key';

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

/**
 * A public signing key of the user (`user-key.ts`): from this event on, DSSE envelopes whose keyid is `keyId` are
 * the user's signatures. Rotation is a registration of the new key followed by a revocation of the old, appended
 * together.
 */
export type UserKeyRegistered = DomainEvent<
  'UserKeyRegistered',
  Recorded & { keyId: string; publicKey: string; algorithm: UserKeyAlgorithm; custody: UserKeyCustody }
>;

/** From this event on, the key signs nothing of the user's; signatures made before it stay attributable. */
export type UserKeyRevoked = DomainEvent<'UserKeyRevoked', Recorded & { keyId: string; reason: string }>;

export type UserEvent =
  | UserRegistered
  | UserRoleChanged
  | UserDeactivated
  | ApiTokenIssued
  | ApiTokenRevoked
  | UserKeyRegistered
  | UserKeyRevoked;
export type UserEventType = UserEvent['type'];
