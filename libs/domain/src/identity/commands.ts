import type { CommandEnvelope } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { Role } from '../shared/roles';
import type { UserKeyAlgorithm, UserKeyCustody } from './user-key';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; userId: string } & Fields> & CommandEnvelope;

/** `userId` becomes the actor id of everything the user records; `system` is reserved (`SYSTEM_ACTOR_ID`). */
export type RegisterUser = Shape<'RegisterUser', { displayName: string; role: Role; unitId: string }>;
export type ChangeUserRole = Shape<'ChangeUserRole', { role: Role; unitId: string; reason: string }>;
export type DeactivateUser = Shape<'DeactivateUser', { reason: string }>;

/**
 * The application draws `tokenId` and the secret at random and passes only the secret's SHA-256
 * (`hashApiTokenSecret`); it shows the token to the caller once. `expiresAt` null: the token does not expire.
 */
export type IssueApiToken = Shape<
  'IssueApiToken',
  { tokenId: string; secretSha256: string; label?: string | null; expiresAt?: IsoInstant | null }
>;
export type RevokeApiToken = Shape<'RevokeApiToken', { tokenId: string; reason: string }>;

/** `publicKey`: standard base64 of the raw public key; the decider derives the key id from it. */
export type RegisterUserKey = Shape<
  'RegisterUserKey',
  { publicKey: string; algorithm: UserKeyAlgorithm; custody: UserKeyCustody }
>;
export type RevokeUserKey = Shape<'RevokeUserKey', { keyId: string; reason: string }>;
/** Registers `publicKey` and revokes `previousKeyId` in one append, so the user is never without a key or with two. */
export type RotateUserKey = Shape<
  'RotateUserKey',
  { publicKey: string; algorithm: UserKeyAlgorithm; custody: UserKeyCustody; previousKeyId: string; reason: string }
>;

export type UserCommand =
  | RegisterUser
  | ChangeUserRole
  | DeactivateUser
  | IssueApiToken
  | RevokeApiToken
  | RegisterUserKey
  | RevokeUserKey
  | RotateUserKey;
export type UserCommandType = UserCommand['type'];
