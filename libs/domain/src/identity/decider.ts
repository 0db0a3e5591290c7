import { type Actor, type ActorRef, actorRef } from '../shared/actor';
import { type IsoInstant, isIsoInstant } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { ROLES, type Role } from '../shared/roles';
import {
  checkEnvelope,
  optionalText,
  requireId,
  requireOneOf,
  requireReason,
  requireSha256,
  requireText,
} from '../shared/validate';
import type {
  ChangeUserRole,
  DeactivateUser,
  IssueApiToken,
  RegisterUser,
  RegisterUserKey,
  RevokeApiToken,
  RevokeUserKey,
  RotateUserKey,
  UserCommand,
} from './commands';
import type { UserEvent, UserKeyRegistered, UserKeyRevoked } from './events';
import {
  decodeUserPublicKey,
  USER_KEY_ALGORITHMS,
  USER_KEY_CUSTODIES,
  userKeyIdOf,
  type UserKeyRecord,
} from './user-key';

/** The actor id of what the ledger records on its own account (the first administrator, at first start). */
export const SYSTEM_ACTOR_ID = 'system';

export type ApiTokenRecord = {
  tokenId: string;
  secretSha256: string;
  label: string | null;
  expiresAt: IsoInstant | null;
  issuedAt: IsoInstant;
  issuedBy: ActorRef;
  revoked: { at: IsoInstant; by: ActorRef; reason: string } | null;
};

export type UserRecord = {
  status: 'active' | 'deactivated';
  userId: string;
  displayName: string;
  role: Role;
  unitId: string;
  registeredAt: IsoInstant;
  registeredBy: ActorRef;
  deactivated: { at: IsoInstant; by: ActorRef; reason: string } | null;
  /** In order of issue, revoked ones included. */
  tokens: ApiTokenRecord[];
  /** Public signing keys, in order of registration, revoked ones included. */
  keys: UserKeyRecord[];
};

export type UserState = { status: 'none' } | UserRecord;

type Recorded = { userId: string; at: IsoInstant; by: ActorRef };

/**
 * A user and their API tokens, one `user-<id>` stream each. Administrators register users, change their role or
 * unit, deactivate them and issue tokens for anyone; a user may issue and revoke their own tokens. Nobody
 * deactivates or re-roles themselves, so an administrator cannot lock the ledger out by accident and a change of
 * privilege always has a second person. A deactivated user's tokens stay in the record and stop authenticating.
 */
export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: UserCommand, state: UserState): UserEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = {
    userId: requireId(command.userId, 'userId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  switch (command.type) {
    case 'RegisterUser':
      requireAdministrator(command.actor);
      return register(command, state, recorded);
    case 'ChangeUserRole':
      requireAdministrator(command.actor);
      if (command.actor.id === command.userId) throw domainError('USER.SELF_ROLE_CHANGE', {});
      return changeRole(command, active(state, command.userId), recorded);
    case 'DeactivateUser':
      requireAdministrator(command.actor);
      if (command.actor.id === command.userId) throw domainError('USER.SELF_DEACTIVATION', {});
      return deactivate(command, active(state, command.userId), recorded);
    case 'IssueApiToken':
      if (command.actor.id !== command.userId) requireAdministrator(command.actor);
      return issueToken(command, active(state, command.userId), recorded);
    case 'RevokeApiToken':
      if (command.actor.id !== command.userId && command.actor.role !== 'administrator') {
        throw domainError('USER.TOKEN_REVOKE_NOT_ALLOWED', {});
      }
      return revokeToken(command, registered(state, command.userId), recorded);
    // A signing key speaks for its user, so only the user or an administrator (who can issue the user's tokens
    // anyway) may add one; revoking is always safe, so it is allowed after deactivation too.
    case 'RegisterUserKey':
      requireKeyKeeper(command.actor, command.userId);
      return [registerKey(command, active(state, command.userId), recorded)];
    case 'RevokeUserKey':
      requireKeyKeeper(command.actor, command.userId);
      return [revokeKey(command.keyId, command.reason, registered(state, command.userId), recorded)];
    case 'RotateUserKey': {
      requireKeyKeeper(command.actor, command.userId);
      const user = active(state, command.userId);
      const revoked = revokeKey(command.previousKeyId, command.reason, user, recorded);
      return [registerKey(command, user, recorded), revoked];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown user command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function requireAdministrator(actor: Actor): void {
  if (actor.role !== 'administrator') throw domainError('USER.ADMINISTRATOR_ONLY', {});
}

function requireKeyKeeper(actor: Actor, userId: string): void {
  if (actor.id !== userId && actor.role !== 'administrator') throw domainError('USER.KEY_NOT_ALLOWED', {});
}

function registerKey(command: RegisterUserKey | RotateUserKey, user: UserRecord, recorded: Recorded): UserKeyRegistered {
  const algorithm = requireOneOf(command.algorithm, USER_KEY_ALGORITHMS, 'algorithm');
  const custody = requireOneOf(command.custody, USER_KEY_CUSTODIES, 'custody');
  const raw = decodeUserPublicKey(command.publicKey, algorithm);
  if (raw === null) throw domainError('USER.KEY_INVALID', { field: 'publicKey', algorithm });
  const keyId = userKeyIdOf(raw);
  // Also a revoked key: re-registering it would make its old revocation ambiguous.
  if (user.keys.some((key) => key.keyId === keyId)) throw domainError('USER.KEY_ALREADY_REGISTERED', { key: keyId });
  return { type: 'UserKeyRegistered', data: { ...recorded, keyId, publicKey: command.publicKey, algorithm, custody } };
}

function revokeKey(keyId: string, reason: string, user: UserRecord, recorded: Recorded): UserKeyRevoked {
  requireSha256(keyId, 'keyId');
  const key = user.keys.find((k) => k.keyId === keyId);
  if (!key) throw domainError('USER.KEY_NOT_FOUND', { user: user.userId, key: keyId });
  if (key.revoked) throw domainError('USER.KEY_ALREADY_REVOKED', { key: keyId });
  return { type: 'UserKeyRevoked', data: { ...recorded, keyId, reason: requireReason(reason) } };
}

function registered(state: UserState, userId: string): UserRecord {
  if (state.status === 'none') throw domainError('USER.NOT_FOUND', { user: userId });
  return state;
}

function active(state: UserState, userId: string): UserRecord {
  const user = registered(state, userId);
  if (user.status === 'deactivated') throw domainError('USER.DEACTIVATED', { user: userId });
  return user;
}

function register(command: RegisterUser, state: UserState, recorded: Recorded): UserEvent[] {
  if (recorded.userId === SYSTEM_ACTOR_ID) {
    throw domainError('USER.ID_RESERVED', { field: 'userId', value: recorded.userId });
  }
  if (state.status !== 'none') throw domainError('USER.ALREADY_REGISTERED', { user: recorded.userId });
  return [
    {
      type: 'UserRegistered',
      data: {
        ...recorded,
        displayName: requireText(command.displayName, 'displayName').trim(),
        role: requireOneOf(command.role, ROLES, 'role'),
        unitId: requireId(command.unitId, 'unitId'),
      },
    },
  ];
}

function changeRole(command: ChangeUserRole, user: UserRecord, recorded: Recorded): UserEvent[] {
  const role = requireOneOf(command.role, ROLES, 'role');
  const unitId = requireId(command.unitId, 'unitId');
  const reason = requireReason(command.reason);
  if (role === user.role && unitId === user.unitId) {
    throw domainError('USER.ROLE_UNCHANGED', { user: user.userId, role, unit: unitId });
  }
  return [
    {
      type: 'UserRoleChanged',
      data: { ...recorded, role, unitId, previous: { role: user.role, unitId: user.unitId }, reason },
    },
  ];
}

function deactivate(command: DeactivateUser, _user: UserRecord, recorded: Recorded): UserEvent[] {
  return [{ type: 'UserDeactivated', data: { ...recorded, reason: requireReason(command.reason) } }];
}

function issueToken(command: IssueApiToken, user: UserRecord, recorded: Recorded): UserEvent[] {
  const tokenId = requireId(command.tokenId, 'tokenId');
  const secretSha256 = requireSha256(command.secretSha256, 'secretSha256');
  if (user.tokens.some((token) => token.tokenId === tokenId)) {
    throw domainError('USER.TOKEN_ALREADY_ISSUED', { token: tokenId });
  }
  const expiresAt = command.expiresAt ?? null;
  if (expiresAt !== null) {
    if (!isIsoInstant(expiresAt)) {
      throw domainError('COMMON.INSTANT_INVALID', { field: 'expiresAt', value: String(expiresAt) });
    }
    // Both are instants with explicit offsets, so parsing them is exact and reads no clock.
    if (Date.parse(expiresAt) <= Date.parse(command.now)) {
      throw domainError('USER.TOKEN_EXPIRY_NOT_FUTURE', { field: 'expiresAt', expiresAt, now: command.now });
    }
  }
  return [
    {
      type: 'ApiTokenIssued',
      data: { ...recorded, tokenId, secretSha256, label: optionalText(command.label), expiresAt },
    },
  ];
}

function revokeToken(command: RevokeApiToken, user: UserRecord, recorded: Recorded): UserEvent[] {
  const tokenId = requireId(command.tokenId, 'tokenId');
  const token = user.tokens.find((t) => t.tokenId === tokenId);
  if (!token) throw domainError('USER.TOKEN_NOT_FOUND', { user: user.userId, token: tokenId });
  if (token.revoked) throw domainError('USER.TOKEN_ALREADY_REVOKED', { token: tokenId });
  return [{ type: 'ApiTokenRevoked', data: { ...recorded, tokenId, reason: requireReason(command.reason) } }];
}

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, displayName, role, unitId, at, by } = event.data;
      return {
        status: 'active',
        userId,
        displayName,
        role,
        unitId,
        registeredAt: at,
        registeredBy: by,
        deactivated: null,
        tokens: [],
        keys: [],
      };
    }
    case 'UserRoleChanged':
      return state.status === 'none' ? state : { ...state, role: event.data.role, unitId: event.data.unitId };
    case 'UserDeactivated': {
      if (state.status === 'none') return state;
      const { at, by, reason } = event.data;
      return { ...state, status: 'deactivated', deactivated: { at, by, reason } };
    }
    case 'ApiTokenIssued': {
      if (state.status === 'none') return state;
      const { tokenId, secretSha256, label, expiresAt, at, by } = event.data;
      const token: ApiTokenRecord = { tokenId, secretSha256, label, expiresAt, issuedAt: at, issuedBy: by, revoked: null };
      return { ...state, tokens: [...state.tokens, token] };
    }
    case 'ApiTokenRevoked': {
      if (state.status === 'none') return state;
      const { tokenId, at, by, reason } = event.data;
      return {
        ...state,
        tokens: state.tokens.map((token) => (token.tokenId === tokenId ? { ...token, revoked: { at, by, reason } } : token)),
      };
    }
    case 'UserKeyRegistered': {
      if (state.status === 'none') return state;
      const { keyId, algorithm, publicKey, custody, at, by } = event.data;
      const key: UserKeyRecord = { keyId, algorithm, publicKey, custody, registeredAt: at, registeredBy: by, revoked: null };
      return { ...state, keys: [...state.keys, key] };
    }
    case 'UserKeyRevoked': {
      if (state.status === 'none') return state;
      const { keyId, at, by, reason } = event.data;
      return {
        ...state,
        keys: state.keys.map((key) => (key.keyId === keyId ? { ...key, revoked: { at, by, reason } } : key)),
      };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

/**
 * Whether `token` authenticates at `now` (an instant): not revoked, not expired, and its user active. The secret
 * itself is compared by the application, in constant time.
 */
export function isTokenUsable(user: UserState, token: ApiTokenRecord, now: IsoInstant): boolean {
  if (user.status !== 'active' || token.revoked !== null) return false;
  return token.expiresAt === null || Date.parse(now) < Date.parse(token.expiresAt);
}
