import { EventStoreError, WrongExpectedVersionError } from '../errors';
import { canonicalize, formatCheckpointBody, fromHex, signEnvelope, signNote, type DsseEnvelope } from '../integrity';
import type { Clock, CommandMetadata, JsonObject, LedgerStore } from '../port';
import {
  CHECKPOINT_ALGORITHM,
  CHECKPOINT_KEY_ROTATED,
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM_ID,
  KEY_ROTATION_PAYLOAD_TYPE,
  TIME_EXTENSION_PREFIX,
  type CheckpointKeyRotatedData,
  type CheckpointSignedData,
  type KeyRotationStatement,
  type StoredCheckpoint,
  type StoredKeyRotation,
} from './checkpoint-events';
import type { CheckpointKey } from './checkpoint-key';
import { CheckpointLog } from './checkpoint-log';

/** Who the checkpoint events are recorded as: the ledger's own account. */
export interface CheckpointActor {
  readonly actorId: string;
  readonly actorRole: string;
  readonly actorUnit: string;
}

export const LEDGER_ACTOR: CheckpointActor = { actorId: 'system', actorRole: 'administrator', actorUnit: 'root' };

export interface CheckpointerOptions {
  readonly store: LedgerStore;
  readonly key: CheckpointKey;
  readonly origin: string;
  /** `signedAt` (and the note's `time` line) come from here: the ledger's clock. */
  readonly clock: Clock;
  readonly everyEvents: number;
  readonly everySeconds: number;
  /**
   * Milliseconds from an arbitrary start, for "T seconds since the last checkpoint"; defaults to the clock. The
   * API passes `performance.now`, so moving the ledger's clock (imports, tests) does not fire checkpoints.
   */
  readonly monotonicMs?: () => number;
  readonly actor?: CheckpointActor;
  /** Share one reader of the checkpoint stream with the code that serves checkpoints. */
  readonly log?: CheckpointLog;
}

export interface SignOutcome {
  /** The checkpoint now covering the most of the log (undefined: the log is empty). */
  readonly checkpoint: StoredCheckpoint | undefined;
  /** False when nothing had been appended since the latest checkpoint, so none was signed. */
  readonly signed: boolean;
}

/**
 * Signs C2SP checkpoints of the log with the ledger's key and appends each as a `CheckpointSigned` event of
 * `checkpoint-ledger`: at most every `everyEvents` events or `everySeconds` seconds, and never for a tree that has
 * not grown. The checkpoint events themselves grow the tree, so "grown" counts only other events: a quiet ledger
 * does not sign a checkpoint of its own previous checkpoint forever.
 *
 * Several processes may run one: appends carry the stream version read as the expected version, so when two
 * race, one signs and the other re-reads and finds the tree covered. They must share the key
 * (LEDGER_CHECKPOINT_KEY_FILE): a process whose key is not the one the log names refuses to sign
 * (`CHECKPOINT.KEY_NOT_CURRENT`) rather than fork the chain — change keys with `rotateKey`.
 */
export class Checkpointer {
  readonly log: CheckpointLog;
  private currentKey: CheckpointKey;
  private mark: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckpointerOptions) {
    this.log = options.log ?? new CheckpointLog(options.store);
    this.currentKey = options.key;
    this.mark = this.now();
  }

  get key(): CheckpointKey {
    return this.currentKey;
  }

  get origin(): string {
    return this.options.origin;
  }

  /** Signs a checkpoint if one is due (see the class comment); returns it, or undefined. */
  tick(): Promise<StoredCheckpoint | undefined> {
    return this.serial(async () => {
      const { uncovered } = await this.growth();
      if (uncovered <= 0) return undefined;
      const due = uncovered >= this.options.everyEvents || this.now() - this.mark >= this.options.everySeconds * 1000;
      return due ? this.sign() : undefined;
    });
  }

  /**
   * Signs a checkpoint now if any event is not yet covered, or if the latest is smaller than `atLeast` (an
   * evidence export that must prove a key rotation, which alone does not count as growth); otherwise returns the
   * latest.
   */
  signNow(options: { atLeast?: number } = {}): Promise<SignOutcome> {
    return this.serial(async () => {
      const { uncovered } = await this.growth();
      const short = (this.log.latest()?.size ?? 0) < (options.atLeast ?? 0);
      if (uncovered <= 0 && !short) return { checkpoint: this.log.latest(), signed: false };
      const signed = await this.sign();
      return { checkpoint: signed ?? this.log.latest(), signed: signed !== undefined };
    });
  }

  /**
   * Hands the ledger's signature over to `next`: appends a `CheckpointKeyRotated` event whose DSSE envelope over
   * the new public key is signed by the current key (the chain verifiers follow) and by the new key (proof that
   * its holder took it over). From then on this checkpointer signs with `next`.
   */
  rotateKey(next: CheckpointKey): Promise<StoredKeyRotation> {
    return this.serial(async () => {
      await this.log.refresh();
      this.assertCurrentKey();
      const previous = this.currentKey;
      if (next.keyId === previous.keyId) throw new EventStoreError('CHECKPOINT.KEY_UNCHANGED', 'the new checkpoint key is the current one');
      const statement: KeyRotationStatement = {
        origin: this.options.origin,
        previousKeyId: previous.keyId,
        previousPublicKey: previous.publicKeyBase64,
        keyId: next.keyId,
        algorithm: CHECKPOINT_ALGORITHM,
        publicKey: next.publicKeyBase64,
        rotatedAt: this.options.clock.now().toISOString(),
      };
      const envelope = rotationEnvelope(statement, previous, next);
      const data: CheckpointKeyRotatedData = { ...statement, envelope };
      await this.append(CHECKPOINT_KEY_ROTATED, data as unknown as JsonObject, `checkpoint-rotation-${next.keyId.slice(0, 32)}`);
      this.currentKey = next;
      await this.log.refresh();
      return this.log.rotations()[this.log.rotations().length - 1];
    });
  }

  /** Tree size now, and how many events in it no checkpoint covers (not counting the checkpoint stream's own). */
  async growth(): Promise<{ size: number; uncovered: number }> {
    await this.log.refresh();
    const size = await this.options.store.headPosition();
    const covered = this.log.latest()?.size ?? 0;
    return { size, uncovered: size - covered - this.log.ownEventsAfter(covered) };
  }

  private async sign(): Promise<StoredCheckpoint | undefined> {
    this.assertCurrentKey();
    const { store, origin, clock } = this.options;
    const key = this.currentKey;
    const head = await store.treeHead();
    const signedAt = clock.now().toISOString();
    const body = formatCheckpointBody({ origin, size: head.size, rootHash: fromHex(head.rootHash), extensions: [`${TIME_EXTENSION_PREFIX}${signedAt}`] });
    const data: CheckpointSignedData = {
      origin,
      size: head.size,
      rootHash: head.rootHash,
      note: signNote(body, origin, key.privateKey),
      keyId: key.keyId,
      algorithm: CHECKPOINT_ALGORITHM,
      publicKey: key.publicKeyBase64,
      signedAt,
    };
    const appended = await this.append(CHECKPOINT_SIGNED, data as unknown as JsonObject, `checkpoint-${key.keyId.slice(0, 16)}-${head.size}`);
    this.mark = this.now();
    await this.log.refresh();
    return appended ? this.log.latest() : undefined;
  }

  /** False when another process appended to the stream first (it signed: the caller re-reads). */
  private async append(type: string, data: JsonObject, commandId: string): Promise<boolean> {
    const actor = this.options.actor ?? LEDGER_ACTOR;
    const metadata: CommandMetadata = {
      ...actor,
      commandId,
      correlationId: commandId,
      causationId: null,
      occurredAt: this.options.clock.now().toISOString(),
    };
    const version = this.log.version;
    try {
      await this.options.store.append({
        streamId: CHECKPOINT_STREAM_ID,
        expectedVersion: version === 0 ? 'no-stream' : version,
        events: [{ type, data }],
        metadata,
      });
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  private assertCurrentKey(): void {
    const logOrigin = this.log.latest()?.origin ?? this.log.rotations().at(-1)?.origin;
    if (logOrigin !== undefined && logOrigin !== this.options.origin) {
      throw new EventStoreError(
        'CHECKPOINT.ORIGIN_MISMATCH',
        `this log's checkpoints are of origin ${logOrigin}, not ${this.options.origin}: set LEDGER_ORIGIN=${logOrigin}`,
        { origin: this.options.origin, logOrigin },
      );
    }
    const logKey = this.log.currentKeyId();
    if (logKey !== undefined && logKey !== this.currentKey.keyId) {
      throw new EventStoreError(
        'CHECKPOINT.KEY_NOT_CURRENT',
        `the checkpoint key ${this.currentKey.keyId} is not the ledger's current key ${logKey}: restore that key, or rotate from it (ledger checkpoint rotate-key)`,
        { keyId: this.currentKey.keyId, current: logKey },
      );
    }
  }

  private now(): number {
    return this.options.monotonicMs ? this.options.monotonicMs() : this.options.clock.now().getTime();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The canonical bytes a rotation envelope signs. */
export function rotationStatementBytes(statement: KeyRotationStatement): Buffer {
  return Buffer.from(canonicalize(statement as unknown as JsonObject), 'utf8');
}

function rotationEnvelope(statement: KeyRotationStatement, previous: CheckpointKey, next: CheckpointKey): DsseEnvelope {
  const payload = rotationStatementBytes(statement);
  const byPrevious = signEnvelope(KEY_ROTATION_PAYLOAD_TYPE, payload, { keyid: previous.keyId, privateKey: previous.privateKey });
  const byNext = signEnvelope(KEY_ROTATION_PAYLOAD_TYPE, payload, { keyid: next.keyId, privateKey: next.privateKey });
  return { ...byPrevious, signatures: [...byPrevious.signatures, ...byNext.signatures] };
}
