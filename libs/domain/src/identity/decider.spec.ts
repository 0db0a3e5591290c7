import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import { formatApiToken, hashApiTokenSecret, parseApiToken } from './api-token';
import type { ChangeUserRole, DeactivateUser, IssueApiToken, RegisterUser, RevokeApiToken } from './commands';
import type { RegisterUserKey, RevokeUserKey, RotateUserKey } from './commands';
import { isTokenUsable, SYSTEM_ACTOR_ID, userDecider } from './decider';
import type {
  ApiTokenIssued,
  ApiTokenRevoked,
  UserDeactivated,
  UserKeyRegistered,
  UserKeyRevoked,
  UserRegistered,
  UserRoleChanged,
} from './events';
import { decodeUserPublicKey, isUserKeyUsableAt, userKeyIdOf } from './user-key';

const system: Actor = { id: SYSTEM_ACTOR_ID, role: 'administrator', unit: 'root' };
const admin: Actor = { id: 'admin', role: 'administrator', unit: 'root' };
const otherAdmin: Actor = { id: 'admin-2', role: 'administrator', unit: 'city' };
const staff: Actor = { id: 'p-zh-staff', role: 'unit_staff', unit: 'zh' };
const auditor: Actor = { id: 'p-auditor', role: 'auditor', unit: 'audit' };
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });

const T0 = '2018-09-01T09:00:00+08:00';
const T1 = '2018-09-02T09:00:00+08:00';
const T2 = '2018-09-03T09:00:00+08:00';
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';
const HASH = hashApiTokenSecret(SECRET);

const spec = DeciderSpecification.for(userDecider);

// ── A user's history, event by event ────────────────────────────────────────────────────────────────────────
const register: RegisterUser = {
  type: 'RegisterUser',
  userId: 'p-zh-staff',
  now: T0,
  actor: admin,
  displayName: 'Zhuhui staff member',
  role: 'unit_staff',
  unitId: 'zh',
};
const registered: UserRegistered = {
  type: 'UserRegistered',
  data: { userId: 'p-zh-staff', at: T0, by: by(admin), displayName: 'Zhuhui staff member', role: 'unit_staff', unitId: 'zh' },
};

const issue: IssueApiToken = {
  type: 'IssueApiToken',
  userId: 'p-zh-staff',
  now: T1,
  actor: admin,
  tokenId: 'tok1',
  secretSha256: HASH,
  label: 'laptop',
  expiresAt: '2019-09-02T09:00:00+08:00',
};
const issued: ApiTokenIssued = {
  type: 'ApiTokenIssued',
  data: {
    userId: 'p-zh-staff',
    at: T1,
    by: by(admin),
    tokenId: 'tok1',
    secretSha256: HASH,
    label: 'laptop',
    expiresAt: '2019-09-02T09:00:00+08:00',
  },
};

const revoke: RevokeApiToken = {
  type: 'RevokeApiToken',
  userId: 'p-zh-staff',
  now: T2,
  actor: staff,
  tokenId: 'tok1',
  reason: 'Laptop lost',
};
const revoked: ApiTokenRevoked = {
  type: 'ApiTokenRevoked',
  data: { userId: 'p-zh-staff', at: T2, by: by(staff), tokenId: 'tok1', reason: 'Laptop lost' },
};

const changeRole: ChangeUserRole = {
  type: 'ChangeUserRole',
  userId: 'p-zh-staff',
  now: T2,
  actor: admin,
  role: 'unit_head',
  unitId: 'zh',
  reason: 'Appointed head of Zhuhui District',
};
const roleChanged: UserRoleChanged = {
  type: 'UserRoleChanged',
  data: {
    userId: 'p-zh-staff',
    at: T2,
    by: by(admin),
    role: 'unit_head',
    unitId: 'zh',
    previous: { role: 'unit_staff', unitId: 'zh' },
    reason: 'Appointed head of Zhuhui District',
  },
};

const deactivate: DeactivateUser = {
  type: 'DeactivateUser',
  userId: 'p-zh-staff',
  now: T2,
  actor: admin,
  reason: 'Left the civil service',
};
const deactivated: UserDeactivated = {
  type: 'UserDeactivated',
  data: { userId: 'p-zh-staff', at: T2, by: by(admin), reason: 'Left the civil service' },
};

describe('user decider', () => {
  describe('RegisterUser', () => {
    it('registers a user in one role for one unit', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('registers the first administrator on the ledger’s own account', () => {
      spec
        .given([])
        .when({ ...register, userId: 'admin', actor: system, displayName: ' Administrator ', role: 'administrator', unitId: 'root' })
        .then([
          {
            type: 'UserRegistered',
            data: { userId: 'admin', at: T0, by: by(system), displayName: 'Administrator', role: 'administrator', unitId: 'root' },
          },
        ]);
    });

    it('refuses anyone but an administrator', () => {
      spec.given([]).when({ ...register, actor: staff }).thenThrows('USER.ADMINISTRATOR_ONLY');
      spec.given([]).when({ ...register, actor: auditor }).thenThrows('USER.ADMINISTRATOR_ONLY');
    });

    it('refuses a user registered twice', () => {
      spec.given([registered]).when(register).thenThrows('USER.ALREADY_REGISTERED');
    });

    it('refuses the reserved id of the ledger’s own account', () => {
      spec.given([]).when({ ...register, userId: SYSTEM_ACTOR_ID }).thenThrows('USER.ID_RESERVED', { field: 'userId' });
    });

    it('refuses a malformed id, a blank name, an unknown role or a malformed unit', () => {
      spec.given([]).when({ ...register, userId: 'Zhang San' }).thenThrows('COMMON.ID_INVALID', { field: 'userId' });
      spec.given([]).when({ ...register, displayName: '  ' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'displayName' });
      spec.given([]).when({ ...register, role: 'mayor' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'role' });
      spec.given([]).when({ ...register, unitId: 'ZH' }).thenThrows('COMMON.ID_INVALID', { field: 'unitId' });
    });

    it('refuses a command without a valid actor or time', () => {
      spec.given([]).when({ ...register, actor: { ...admin, role: 'root' as never } }).thenThrows('COMMON.ACTOR_INVALID');
      spec.given([]).when({ ...register, now: '2018-09-01' }).thenThrows('COMMON.INSTANT_INVALID', { field: 'now' });
    });
  });

  describe('ChangeUserRole', () => {
    it('records the new role and unit, the previous ones and the reason', () => {
      spec.given([registered]).when(changeRole).then([roleChanged]);
    });

    it('moves a user to another unit in the same role', () => {
      spec
        .given([registered])
        .when({ ...changeRole, role: 'unit_staff', unitId: 'city' })
        .then([{ type: 'UserRoleChanged', data: { ...roleChanged.data, role: 'unit_staff', unitId: 'city' } }]);
    });

    it('applies the change to the state', () => {
      const state = fold(userDecider, [registered, roleChanged]);
      expect(state.status === 'active' && [state.role, state.unitId]).toEqual(['unit_head', 'zh']);
    });

    it('refuses anyone but an administrator', () => {
      spec.given([registered]).when({ ...changeRole, actor: staff }).thenThrows('USER.ADMINISTRATOR_ONLY');
    });

    it('refuses an administrator changing their own role', () => {
      const adminRegistered: UserRegistered = {
        type: 'UserRegistered',
        data: { ...registered.data, userId: 'admin', role: 'administrator', unitId: 'root' },
      };
      spec.given([adminRegistered]).when({ ...changeRole, userId: 'admin' }).thenThrows('USER.SELF_ROLE_CHANGE');
    });

    it('refuses a change that changes nothing', () => {
      spec.given([registered]).when({ ...changeRole, role: 'unit_staff' }).thenThrows('USER.ROLE_UNCHANGED');
    });

    it('refuses a change without a reason', () => {
      spec.given([registered]).when({ ...changeRole, reason: '' }).thenThrows('COMMON.REASON_REQUIRED', { field: 'reason' });
    });

    it('refuses an unknown role', () => {
      spec.given([registered]).when({ ...changeRole, role: 'superuser' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
    });

    it('refuses an unregistered or deactivated user', () => {
      spec.given([]).when(changeRole).thenThrows('USER.NOT_FOUND');
      spec.given([registered, deactivated]).when(changeRole).thenThrows('USER.DEACTIVATED');
    });
  });

  describe('DeactivateUser', () => {
    it('deactivates with a reason', () => {
      spec.given([registered, issued]).when(deactivate).then([deactivated]);
    });

    it('lets one administrator deactivate another', () => {
      const adminRegistered: UserRegistered = {
        type: 'UserRegistered',
        data: { ...registered.data, userId: 'admin', role: 'administrator', unitId: 'root' },
      };
      spec
        .given([adminRegistered])
        .when({ ...deactivate, userId: 'admin', actor: otherAdmin })
        .then([{ type: 'UserDeactivated', data: { ...deactivated.data, userId: 'admin', by: by(otherAdmin) } }]);
    });

    it('refuses anyone but an administrator, even the user themselves', () => {
      spec.given([registered]).when({ ...deactivate, actor: staff }).thenThrows('USER.ADMINISTRATOR_ONLY');
    });

    it('refuses an administrator deactivating themselves', () => {
      spec.given([registered]).when({ ...deactivate, userId: 'admin' }).thenThrows('USER.SELF_DEACTIVATION');
    });

    it('refuses a deactivation without a reason', () => {
      spec.given([registered]).when({ ...deactivate, reason: ' ' }).thenThrows('COMMON.REASON_REQUIRED');
    });

    it('refuses an unregistered user, or one deactivated already', () => {
      spec.given([]).when(deactivate).thenThrows('USER.NOT_FOUND');
      spec.given([registered, deactivated]).when(deactivate).thenThrows('USER.DEACTIVATED');
    });

    it('keeps the user and their tokens in the state, and no token of theirs is usable any more', () => {
      const state = fold(userDecider, [registered, issued, deactivated]);
      expect(state.status).toBe('deactivated');
      expect(state.status !== 'none' && state.tokens.map((t) => t.tokenId)).toEqual(['tok1']);
      expect(state.status !== 'none' && isTokenUsable(state, state.tokens[0], T2)).toBe(false);
    });
  });

  describe('IssueApiToken', () => {
    it('records the token id and the hash of its secret, never the secret', () => {
      const [event] = spec.given([registered]).when(issue).then([issued]);
      expect(JSON.stringify(event)).not.toContain(SECRET);
    });

    it('issues a token that never expires, without a label', () => {
      spec
        .given([registered])
        .when({ ...issue, expiresAt: null, label: undefined })
        .then([{ type: 'ApiTokenIssued', data: { ...issued.data, expiresAt: null, label: null } }]);
    });

    it('lets a user issue a token for themselves', () => {
      spec
        .given([registered])
        .when({ ...issue, actor: staff })
        .then([{ type: 'ApiTokenIssued', data: { ...issued.data, by: by(staff) } }]);
    });

    it('refuses a token for someone else unless the actor is an administrator', () => {
      spec.given([registered]).when({ ...issue, actor: auditor }).thenThrows('USER.ADMINISTRATOR_ONLY');
    });

    it('refuses an expiry that is not in the future', () => {
      spec.given([registered]).when({ ...issue, expiresAt: T1 }).thenThrows('USER.TOKEN_EXPIRY_NOT_FUTURE', { field: 'expiresAt' });
      spec
        .given([registered])
        .when({ ...issue, expiresAt: '2018-09-02T00:59:59Z' }) // 08:59:59+08:00, a second before now
        .thenThrows('USER.TOKEN_EXPIRY_NOT_FUTURE');
    });

    it('refuses a malformed expiry, token id or hash', () => {
      spec.given([registered]).when({ ...issue, expiresAt: '2019-01-01' }).thenThrows('COMMON.INSTANT_INVALID', { field: 'expiresAt' });
      spec.given([registered]).when({ ...issue, tokenId: 'tok_1' }).thenThrows('COMMON.ID_INVALID', { field: 'tokenId' });
      spec.given([registered]).when({ ...issue, secretSha256: SECRET }).thenThrows('COMMON.HASH_INVALID', { field: 'secretSha256' });
    });

    it('refuses a token id issued before, even if revoked since', () => {
      spec.given([registered, issued]).when(issue).thenThrows('USER.TOKEN_ALREADY_ISSUED');
      spec.given([registered, issued, revoked]).when(issue).thenThrows('USER.TOKEN_ALREADY_ISSUED');
    });

    it('refuses an unregistered or deactivated user', () => {
      spec.given([]).when(issue).thenThrows('USER.NOT_FOUND');
      spec.given([registered, deactivated]).when(issue).thenThrows('USER.DEACTIVATED');
    });
  });

  describe('RevokeApiToken', () => {
    it('lets a user revoke their own token', () => {
      spec.given([registered, issued]).when(revoke).then([revoked]);
    });

    it('lets an administrator revoke anyone’s token, also after the user was deactivated', () => {
      spec
        .given([registered, issued, deactivated])
        .when({ ...revoke, actor: admin })
        .then([{ type: 'ApiTokenRevoked', data: { ...revoked.data, by: by(admin) } }]);
    });

    it('refuses anyone else', () => {
      spec.given([registered, issued]).when({ ...revoke, actor: auditor }).thenThrows('USER.TOKEN_REVOKE_NOT_ALLOWED');
      spec
        .given([registered, issued])
        .when({ ...revoke, actor: { ...staff, id: 'p-zh-staff-2' } })
        .thenThrows('USER.TOKEN_REVOKE_NOT_ALLOWED');
    });

    it('refuses an unknown token or user', () => {
      spec.given([registered, issued]).when({ ...revoke, tokenId: 'tok2' }).thenThrows('USER.TOKEN_NOT_FOUND');
      spec.given([]).when(revoke).thenThrows('USER.NOT_FOUND');
    });

    it('refuses to revoke twice', () => {
      spec.given([registered, issued, revoked]).when(revoke).thenThrows('USER.TOKEN_ALREADY_REVOKED');
    });

    it('refuses a revocation without a reason', () => {
      spec.given([registered, issued]).when({ ...revoke, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });
  });

  describe('isTokenUsable', () => {
    const state = fold(userDecider, [registered, issued]);
    const token = state.status === 'none' ? undefined : state.tokens[0];

    it('accepts a live token up to, not including, its expiry', () => {
      expect(isTokenUsable(state, token!, '2019-09-02T08:59:59+08:00')).toBe(true);
      expect(isTokenUsable(state, token!, '2019-09-02T01:00:00Z')).toBe(false);
    });

    it('refuses a revoked token', () => {
      const after = fold(userDecider, [registered, issued, revoked]);
      expect(after.status !== 'none' && isTokenUsable(after, after.tokens[0], T2)).toBe(false);
    });
  });
});

describe('user signing keys', () => {
  // RFC 8032 §7.1 test 1 and test 2 public keys; their ids are SHA-256 of the 32 raw bytes, computed independently.
  const KEY_1 = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
  const KEY_1_ID = '21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9';
  const KEY_2 = 'PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=';
  const KEY_2_ID = '39f713d0a644253f04529421b9f51b9b08979d08295959c4f3990ee617f5139f';

  const registerKey: RegisterUserKey = {
    type: 'RegisterUserKey',
    userId: 'p-zh-staff',
    now: T1,
    actor: staff,
    publicKey: KEY_1,
    algorithm: 'ed25519',
    custody: 'user',
  };
  const keyRegistered: UserKeyRegistered = {
    type: 'UserKeyRegistered',
    data: { userId: 'p-zh-staff', at: T1, by: by(staff), keyId: KEY_1_ID, publicKey: KEY_1, algorithm: 'ed25519', custody: 'user' },
  };
  const revokeKey: RevokeUserKey = { type: 'RevokeUserKey', userId: 'p-zh-staff', now: T2, actor: staff, keyId: KEY_1_ID, reason: 'Laptop lost' };
  const keyRevoked: UserKeyRevoked = {
    type: 'UserKeyRevoked',
    data: { userId: 'p-zh-staff', at: T2, by: by(staff), keyId: KEY_1_ID, reason: 'Laptop lost' },
  };
  const rotateKey: RotateUserKey = {
    type: 'RotateUserKey',
    userId: 'p-zh-staff',
    now: T2,
    actor: staff,
    publicKey: KEY_2,
    algorithm: 'ed25519',
    custody: 'user',
    previousKeyId: KEY_1_ID,
    reason: 'Yearly rotation',
  };

  describe('RegisterUserKey', () => {
    it('records the key, its id (SHA-256 of the raw key), algorithm and custody', () => {
      spec.given([registered]).when(registerKey).then([keyRegistered]);
      expect(userKeyIdOf(Buffer.from(KEY_1, 'base64'))).toBe(KEY_1_ID);
    });

    it('lets an administrator register a key the server keeps for the user', () => {
      spec
        .given([registered])
        .when({ ...registerKey, actor: admin, custody: 'server' })
        .then([{ type: 'UserKeyRegistered', data: { ...keyRegistered.data, by: by(admin), custody: 'server' } }]);
    });

    it('refuses anyone but the user or an administrator', () => {
      spec.given([registered]).when({ ...registerKey, actor: auditor }).thenThrows('USER.KEY_NOT_ALLOWED');
    });

    it('refuses a key registered before, even a revoked one', () => {
      spec.given([registered, keyRegistered]).when(registerKey).thenThrows('USER.KEY_ALREADY_REGISTERED');
      spec.given([registered, keyRegistered, keyRevoked]).when(registerKey).thenThrows('USER.KEY_ALREADY_REGISTERED');
    });

    it('refuses a key that is not canonical base64 of 32 bytes, or an unknown algorithm or custody', () => {
      for (const publicKey of ['', 'not base64!', KEY_1.replace('=', ''), Buffer.alloc(31).toString('base64'), `${KEY_1.slice(0, -2)}p=`]) {
        spec.given([registered]).when({ ...registerKey, publicKey }).thenThrows('USER.KEY_INVALID', { field: 'publicKey' });
      }
      spec.given([registered]).when({ ...registerKey, algorithm: 'rsa' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'algorithm' });
      spec.given([registered]).when({ ...registerKey, custody: 'cloud' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'custody' });
    });

    it('refuses an unregistered or deactivated user', () => {
      spec.given([]).when(registerKey).thenThrows('USER.NOT_FOUND');
      spec.given([registered, deactivated]).when({ ...registerKey, actor: admin }).thenThrows('USER.DEACTIVATED');
    });
  });

  describe('RevokeUserKey', () => {
    it('revokes with a reason; signatures made before stay attributable', () => {
      spec.given([registered, keyRegistered]).when(revokeKey).then([keyRevoked]);
      const state = fold(userDecider, [registered, keyRegistered, keyRevoked]);
      const [key] = state.status === 'none' ? [] : state.keys;
      expect(key.revoked).toEqual({ at: T2, by: by(staff), reason: 'Laptop lost' });
      expect(isUserKeyUsableAt(key, T1)).toBe(true);
      expect(isUserKeyUsableAt(key, T2)).toBe(false);
      expect(isUserKeyUsableAt(key, T0)).toBe(false);
    });

    it('lets an administrator revoke a deactivated user’s key', () => {
      spec
        .given([registered, keyRegistered, deactivated])
        .when({ ...revokeKey, actor: admin })
        .then([{ type: 'UserKeyRevoked', data: { ...keyRevoked.data, by: by(admin) } }]);
    });

    it('refuses an unknown or malformed key id, a second revocation, a missing reason, or someone else', () => {
      spec.given([registered, keyRegistered]).when({ ...revokeKey, keyId: KEY_2_ID }).thenThrows('USER.KEY_NOT_FOUND');
      spec.given([registered, keyRegistered]).when({ ...revokeKey, keyId: 'k1' }).thenThrows('COMMON.HASH_INVALID', { field: 'keyId' });
      spec.given([registered, keyRegistered, keyRevoked]).when(revokeKey).thenThrows('USER.KEY_ALREADY_REVOKED');
      spec.given([registered, keyRegistered]).when({ ...revokeKey, reason: ' ' }).thenThrows('COMMON.REASON_REQUIRED');
      spec.given([registered, keyRegistered]).when({ ...revokeKey, actor: auditor }).thenThrows('USER.KEY_NOT_ALLOWED');
    });
  });

  describe('RotateUserKey', () => {
    it('registers the new key and revokes the old one in one append', () => {
      spec
        .given([registered, keyRegistered])
        .when(rotateKey)
        .then([
          { type: 'UserKeyRegistered', data: { ...keyRegistered.data, at: T2, keyId: KEY_2_ID, publicKey: KEY_2 } },
          { type: 'UserKeyRevoked', data: { ...keyRevoked.data, reason: 'Yearly rotation' } },
        ]);
    });

    it('refuses to rotate to the same key, or from a key already revoked', () => {
      spec.given([registered, keyRegistered]).when({ ...rotateKey, publicKey: KEY_1 }).thenThrows('USER.KEY_ALREADY_REGISTERED');
      spec.given([registered, keyRegistered, keyRevoked]).when(rotateKey).thenThrows('USER.KEY_ALREADY_REVOKED');
    });
  });

  it('decodes only canonical base64 of a valid key', () => {
    expect(decodeUserPublicKey(KEY_1, 'ed25519')?.toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(decodeUserPublicKey(42, 'ed25519')).toBeNull();
  });
});

describe('API token format', () => {
  it('round-trips lgr_<tokenId>_<secret>, with underscores allowed in the secret only', () => {
    const secret = 'ab_cd-ef'.padEnd(43, 'x');
    expect(parseApiToken(formatApiToken('tok-1', secret))).toEqual({ tokenId: 'tok-1', secret });
  });

  it('refuses anything else', () => {
    const secret = 'x'.repeat(43);
    for (const bad of [
      `lgr_TOK_${secret}`,
      `lgr__${secret}`,
      `lgr_tok_${secret}x`,
      `lgr_tok_${secret.slice(1)}`,
      `ldr_tok_${secret}`,
      `lgr_tok_${secret.slice(1)}=`,
      ` lgr_tok_${secret}`,
    ]) {
      expect(parseApiToken(bad)).toBeNull();
    }
  });

  it('hashes the secret text with SHA-256', () => {
    expect(hashApiTokenSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
