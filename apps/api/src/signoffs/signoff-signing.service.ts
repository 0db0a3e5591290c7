import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  fold,
  isUserEvent,
  userDecider,
  userStreamId,
  type Actor,
  type IsoInstant,
  type SignOffSigningKey,
  type SignOffStatement,
  type UserEvent,
  type UserKeyRecord,
} from '@ledger/domain';
import type { JsonObject, LedgerStore } from '@ledger/event-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ServerKeyError, ServerKeyVault } from '../keys/server-key-vault';
import { signatureError } from './signature-errors';
import { signedRecordVersionOf, signSignOffStatement, verifySignOffSignature } from './signoff-signature';

/** How the request wants its sign-off signed: with an envelope of its own, by the ledger's kept key, or not at all. */
export interface SigningRequest {
  readonly signature?: Record<string, unknown>;
  readonly signWithServerKey?: boolean;
  readonly serverKeyId?: string;
}

/** The signature to record and the key it verified under. */
export interface SignedPart {
  readonly signature: JsonObject;
  readonly signedWith: SignOffSigningKey;
}

/**
 * Signing prepared before the command loop runs (reading the approver's keys and a server-kept key takes I/O) and
 * applied inside it, after authorization, where every refusal leaves the log untouched. Refusals found while
 * preparing are kept for then, so a caller without the right to sign off learns that first.
 */
export interface PreparedSigning {
  /** The record version a signed statement names (to answer a stale signature with 409, like a stale `version`). */
  readonly signedVersion: number | undefined;
  /** Verifies the envelope (or signs with the kept key and verifies that) against what the request says. */
  sign(expected: Omit<SignOffStatement, 'signedAt'>, now: IsoInstant): SignedPart | null;
}

@Injectable()
export class SignOffSigning {
  private readonly log = new Logger('SignOffSigning');

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly vault: ServerKeyVault,
  ) {}

  async prepare(request: SigningRequest, actor: Actor): Promise<PreparedSigning> {
    const { signature, signWithServerKey } = request;
    if (signature !== undefined && signWithServerKey) throw signatureError('SIGNOFF.SIGNATURE_CHOICE', {}, [{ field: 'signWithServerKey', reason: 'not with signature' }]);
    if (signature === undefined && !signWithServerKey) return { signedVersion: undefined, sign: () => null };
    // The approver's keys exactly as their stream stands now, read from the log like the record itself: a key
    // revoked a moment ago by another process is already revoked here.
    const keys = await this.keysOf(actor.id);
    if (signature !== undefined) {
      return {
        signedVersion: signedRecordVersionOf(signature),
        sign: (expected, now) => {
          const verified = verifySignOffSignature({ envelope: signature, signer: actor.id, keys, expected, now });
          return { signature: verified.envelope, signedWith: verified.signedWith };
        },
      };
    }
    const chosen = this.serverKey(keys, request.serverKeyId);
    let key: { record: UserKeyRecord; privateKey: KeyObject } | Error;
    if (chosen === undefined) {
      key = signatureError('SIGNOFF.SERVER_KEY_MISSING', { user: actor.id }, [{ field: 'signWithServerKey', reason: 'no active server-kept key' }]);
    } else if (chosen.revoked !== null) {
      key = signatureError('SIGNOFF.KEY_REVOKED', { key: chosen.keyId, user: actor.id, revokedAt: chosen.revoked.at }, [{ field: 'serverKeyId', reason: `revoked at ${chosen.revoked.at}` }]);
    } else {
      try {
        key = { record: chosen, privateKey: await this.vault.privateKey(actor.id, chosen.keyId) };
      } catch (error) {
        if (!(error instanceof ServerKeyError)) throw error;
        this.log.error(`server-kept key ${chosen.keyId} of ${actor.id}: ${error.message}`);
        key = signatureError('KEYS.SERVER_KEY_UNAVAILABLE', { user: actor.id });
      }
    }
    return {
      signedVersion: undefined,
      sign: (expected, now) => {
        if (key instanceof Error) throw key;
        const envelope = signSignOffStatement({ ...expected, signedAt: now }, { keyid: key.record.keyId, privateKey: key.privateKey });
        // The same check as a signature the approver brings: the kept key must be registered, unrevoked and theirs.
        const verified = verifySignOffSignature({ envelope, signer: actor.id, keys, expected, now });
        return { signature: verified.envelope, signedWith: verified.signedWith };
      },
    };
  }

  private async keysOf(userId: string): Promise<UserKeyRecord[]> {
    let streamId: string;
    try {
      streamId = userStreamId(userId);
    } catch {
      return []; // not a user (the system account, the CLI): no keys
    }
    const events = (await this.store.readStream(streamId)).filter((e) => isUserEvent(e)).map((e) => ({ type: e.type, data: e.data }) as UserEvent);
    const state = fold(userDecider, events);
    return state.status === 'none' ? [] : state.keys;
  }

  /** The named server-kept key (revoked or not: the refusal says which), or else the newest unrevoked one. */
  private serverKey(keys: readonly UserKeyRecord[], keyId: string | undefined): UserKeyRecord | undefined {
    const kept = keys.filter((k) => k.custody === 'server');
    return keyId === undefined ? kept.filter((k) => k.revoked === null).at(-1) : kept.find((k) => k.keyId === keyId);
  }
}
