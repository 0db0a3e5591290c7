import { Inject, Injectable } from '@nestjs/common';
import {
  decodeUserPublicKey,
  domainError,
  userKeyIdOf,
  userStreamId,
  type Actor,
  type UserKeyAlgorithm,
  type UserKeyRecord,
} from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { IdentityCommands, type IdentityCommandContext } from '../auth/identity-commands.service';
import { IdentityIndex, type IndexedUser } from '../auth/identity.index';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ReadModelsService } from '../read-models/read-models.service';
import { ApiError } from '../shared/api-error';
import type { RegisterUserKeyRequest } from './key.request.dto';
import { ServerKeyVault } from './server-key-vault';

export interface KeyOutcome {
  readonly user: IndexedUser;
  readonly key: UserKeyRecord;
}

/**
 * Users' signing keys: registration (a public key the user holds, or a key the ledger generates and keeps for them),
 * rotation (register the new, revoke the old, in one append) and revocation, as `UserKeyRegistered` /
 * `UserKeyRevoked` events of the user's stream through the identity decider, which decides who may (the user, or
 * an administrator for anyone). Reads come from the identity index.
 */
@Injectable()
export class UserKeys {
  constructor(
    private readonly commands: IdentityCommands,
    private readonly index: IdentityIndex,
    private readonly vault: ServerKeyVault,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly readModels: ReadModelsService,
  ) {}

  async register(userId: string, body: RegisterUserKeyRequest, ctx: IdentityCommandContext): Promise<KeyOutcome> {
    const custody = body.custody ?? 'user';
    const algorithm: UserKeyAlgorithm = body.algorithm ?? 'ed25519';
    const rotation = body.replaces === undefined ? null : { previousKeyId: body.replaces, reason: body.reason ?? 'Rotated' };
    if (custody === 'user') {
      const raw = decodeUserPublicKey(body.publicKey, algorithm);
      const outcome = await this.commands.execute(
        rotation === null
          ? { type: 'RegisterUserKey', userId, publicKey: body.publicKey!, algorithm, custody }
          : { type: 'RotateUserKey', userId, publicKey: body.publicKey!, algorithm, custody, ...rotation },
        ctx,
      );
      await this.destroyIfServerKept(outcome.user, rotation?.previousKeyId);
      await this.settle();
      const keyId = raw === null ? undefined : userKeyIdOf(raw);
      return { user: outcome.user, key: keyOf(outcome.user, keyId ?? (await this.keyOfCommand(userId, ctx))) };
    }
    if (body.publicKey !== undefined) {
      throw new ApiError(400, 'REQUEST.VALIDATION', 'publicKey: the ledger generates the key for custody server; send no public key', [{ field: 'publicKey', reason: 'not with custody server' }]);
    }
    // The decider refuses others' keys too, but only after the vault has made one: refuse before.
    this.requireKeyKeeper(ctx.actor, userId);
    const created = await this.vault.create(userId);
    let outcome;
    try {
      outcome = await this.commands.execute(
        rotation === null
          ? { type: 'RegisterUserKey', userId, publicKey: created.publicKey, algorithm: created.algorithm, custody }
          : { type: 'RotateUserKey', userId, publicKey: created.publicKey, algorithm: created.algorithm, custody, ...rotation },
        ctx,
      );
    } catch (error) {
      await this.vault.destroy(created.keyId);
      throw error;
    }
    if (outcome.duplicate) {
      // A retried request: the first one's key was registered, this one's is not needed.
      await this.vault.destroy(created.keyId);
      await this.settle();
      return { user: outcome.user, key: keyOf(outcome.user, await this.keyOfCommand(userId, ctx)) };
    }
    await this.destroyIfServerKept(outcome.user, rotation?.previousKeyId);
    await this.settle();
    return { user: outcome.user, key: keyOf(outcome.user, created.keyId) };
  }

  async revoke(userId: string, keyId: string, reason: string, ctx: IdentityCommandContext): Promise<KeyOutcome> {
    const outcome = await this.commands.execute({ type: 'RevokeUserKey', userId, keyId, reason }, ctx);
    await this.destroyIfServerKept(outcome.user, keyId);
    await this.settle();
    return { user: outcome.user, key: keyOf(outcome.user, keyId) };
  }

  /** The user's keys: for the user themselves, administrators and auditors (as `GET /v1/users/{id}`). */
  list(actor: Actor, userId: string): IndexedUser {
    if (actor.id !== userId && actor.role !== 'administrator' && actor.role !== 'auditor') {
      throw domainError('AUTH.ROLE_NOT_ALLOWED', { role: actor.role, command: 'ReadUserKeys' });
    }
    const user = this.index.user(userId);
    if (!user) throw domainError('USER.NOT_FOUND', { user: userId });
    return user;
  }

  /**
   * Identity commands wait only for the identity index; the read models (the audit queries' key history) are
   * brought up to the log's head too, so a key change is visible to the next query of any kind.
   */
  private async settle(): Promise<void> {
    await this.readModels.waitFor(await this.store.headPosition());
  }

  private requireKeyKeeper(actor: Actor, userId: string): void {
    if (actor.id !== userId && actor.role !== 'administrator') throw domainError('USER.KEY_NOT_ALLOWED', {});
  }

  /** A revoked server-kept key is deleted from the vault: it can never sign again; its signatures stay verifiable. */
  private async destroyIfServerKept(user: IndexedUser, keyId: string | undefined): Promise<void> {
    const key = keyId === undefined ? undefined : user.state.keys.find((k) => k.keyId === keyId);
    if (key?.custody === 'server' && key.revoked !== null) await this.vault.destroy(key.keyId);
  }

  /** The key a retried request's first attempt registered (IdentityCommands' command id: `<actor>:<Idempotency-Key>`). */
  private async keyOfCommand(userId: string, ctx: IdentityCommandContext): Promise<string> {
    const commandId = `${ctx.actor.id}:${ctx.idempotencyKey}`;
    const events = await this.store.readStream(userStreamId(userId));
    const registered = events.find((e) => e.metadata.commandId === commandId && e.type === 'UserKeyRegistered');
    return String((registered?.data as { keyId?: unknown } | undefined)?.keyId ?? '');
  }
}

function keyOf(user: IndexedUser, keyId: string): UserKeyRecord {
  const key = user.state.keys.find((k) => k.keyId === keyId);
  if (!key) throw domainError('USER.KEY_NOT_FOUND', { user: user.state.userId, key: keyId });
  return key;
}
