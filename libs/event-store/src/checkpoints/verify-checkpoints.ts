import type { KeyObject } from 'node:crypto';
import {
  fromHex,
  openNote,
  parseNote,
  parseCheckpointBody,
  toHex,
  verifyConsistency,
  verifyEnvelope,
  type Checkpoint,
} from '../integrity';
import { decodeBase64Strict as decodeStrict } from '../integrity/base64';
import type { LedgerStore, RecordedEvent } from '../port';
import {
  CHECKPOINT_ALGORITHM,
  CHECKPOINT_STREAM_ID,
  isCheckpointSignedEvent,
  isKeyRotatedEvent,
  KEY_ROTATION_PAYLOAD_TYPE,
  TIME_EXTENSION_PREFIX,
  type CheckpointKeyRotatedData,
  type CheckpointSignedData,
  type KeyRotationStatement,
} from './checkpoint-events';
import { publicCheckpointKey, type CheckpointPublicKey } from './checkpoint-key';
import { rotationStatementBytes } from './checkpointer';

export type CheckpointProblemCode =
  /** The event's data is not a checkpoint, its note does not parse, or the two disagree. */
  | 'CHECKPOINT_MALFORMED'
  /** Signed by a key that is not the ledger's key at that point of the chain (or not the pinned key's chain). */
  | 'CHECKPOINT_KEY'
  /** The note's signature does not verify. */
  | 'CHECKPOINT_SIGNATURE'
  /** The signed root is not the root the log recomputes at that size. */
  | 'CHECKPOINT_ROOT'
  | 'CHECKPOINT_UNVERIFIABLE'
  /** The checkpoint covers more events than the log has: the log was truncated. */
  | 'CHECKPOINT_BEYOND_LOG'
  /** Two signed checkpoints of one size with different roots. */
  | 'CHECKPOINT_SPLIT_VIEW'
  /** A later checkpoint does not extend an earlier one. */
  | 'CHECKPOINT_INCONSISTENT'
  | 'KEY_ROTATION_INVALID'
  /** A checkpoint obtained out of band does not verify under the ledger's keys. */
  | 'WITNESS_INVALID'
  /**
   * A checkpoint obtained out of band is not signed by the pinned ledger key (nor by a key the pinned one handed the
   * signature over to in the log): whatever key the database claims, the note is refused.
   */
  | 'WITNESS_KEY'
  /** The log disagrees with a checkpoint obtained out of band. */
  | 'WITNESS_MISMATCH';

export interface CheckpointProblem {
  readonly code: CheckpointProblemCode;
  /** Position of the checkpoint or rotation event, when the problem is one of the log's own. */
  readonly position?: number;
  readonly size?: number;
  readonly message: string;
}

export interface ChainKey {
  readonly keyId: string;
  readonly publicKey: string;
  /** Where the chain got it: the first checkpoint or rotation of the log, or a verified rotation at `position`. */
  readonly source: 'log' | 'rotation';
  readonly position: number;
}

export interface CheckpointReport {
  readonly ok: boolean;
  readonly checkpoints: number;
  readonly rotations: number;
  readonly witnesses: number;
  /**
   * `pinned`: the verifier named the ledger's key and it is in the chain. `log`: the first key was taken from the
   * log itself (trust on first use): the chain proves the checkpoints hang together, not whose they are.
   */
  readonly trust: 'pinned' | 'log';
  readonly keys: readonly ChainKey[];
  readonly latest: { readonly size: number; readonly rootHash: string; readonly position: number } | undefined;
  readonly problems: readonly CheckpointProblem[];
}

export interface WitnessNote {
  /** Where it came from (a file name), for messages. */
  readonly source: string;
  readonly note: string;
}

export interface VerifyCheckpointsOptions {
  /**
   * The ledger key the verifier trusts (standard base64 of the raw Ed25519 key), e.g. from a published record.
   * With it, witness notes are checked against this key (and the keys it handed over to by a verified rotation in
   * the log), never against a key the log merely claims.
   */
  readonly pinnedKey?: string;
  /** Checkpoints kept outside the log (witness copies, earlier evidence bundles). */
  readonly witnesses?: readonly WitnessNote[];
}

interface SignedCheckpoint {
  readonly position: number;
  readonly checkpoint: Checkpoint;
  readonly valid: boolean;
}

/**
 * Checks the checkpoint stream against the log and against checkpoints kept elsewhere:
 * - the key chain: the first key, then each rotation signed by the previous key and the new one;
 * - each checkpoint: shape, note signature by the key current at its position, agreement of note and data, a size
 *   below its own position, and a root equal to the log's recomputed root at that size;
 * - split views: two checkpoints of one size with different roots; a later checkpoint not consistent with the one
 *   before it (RFC 9162 consistency proof from the store, verified against the two signed roots);
 * - witness notes: signed by a key of the chain, not beyond the log, equal to the log's root at their size, and
 *   consistent with the latest checkpoint.
 * Roots come from the store's Merkle reads, so run this after `store.verify()` has vouched for those.
 */
export async function verifyCheckpoints(store: LedgerStore, options: VerifyCheckpointsOptions = {}): Promise<CheckpointReport> {
  const events = await store.readStream(CHECKPOINT_STREAM_ID);
  const head = await store.headPosition();
  const problems: CheckpointProblem[] = [];
  const roots = new Map<number, Buffer>();
  const unverifiable = new Set<number>();
  // A log with rows or Merkle nodes missing cannot produce its root at some sizes: that is a finding to report (the
  // row checks have named the cause), not a reason to stop checking the other checkpoints.
  const rootAtSize = async (size: number): Promise<Buffer | undefined> => {
    let root = roots.get(size);
    if (!root && !unverifiable.has(size)) {
      try {
        root = fromHex((await store.treeHead(size)).rootHash);
        roots.set(size, root);
      } catch (error) {
        unverifiable.add(size);
        problems.push({
          code: 'CHECKPOINT_UNVERIFIABLE',
          size,
          message: `the log cannot produce its root at size ${size} to check the checkpoint against: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    return root;
  };

  const chain = walkChain(events, problems);
  const trust = judgePin(chain.keys, options.pinnedKey, problems);

  // Roots against the log, then split views and consistency between consecutive checkpoints.
  for (const c of chain.signed) {
    const { size, rootHash } = c.checkpoint;
    if (size > head) {
      problems.push({ code: 'CHECKPOINT_BEYOND_LOG', position: c.position, size, message: `checkpoint at position ${c.position} covers ${size} events, but the log has ${head}: events were removed` });
      continue;
    }
    if (size === 0) continue;
    const recomputed = await rootAtSize(size);
    if (recomputed && !recomputed.equals(rootHash)) {
      problems.push({
        code: 'CHECKPOINT_ROOT',
        position: c.position,
        size,
        message: `checkpoint at position ${c.position} signs root ${toHex(rootHash)} for size ${size}, but the log's root at that size is ${toHex(recomputed)}`,
      });
    }
  }
  const bySize = new Map<number, SignedCheckpoint>();
  for (const c of chain.signed) {
    const earlier = bySize.get(c.checkpoint.size);
    if (earlier && !earlier.checkpoint.rootHash.equals(c.checkpoint.rootHash)) {
      problems.push({
        code: 'CHECKPOINT_SPLIT_VIEW',
        position: c.position,
        size: c.checkpoint.size,
        message: `split view: checkpoints at positions ${earlier.position} and ${c.position} both sign size ${c.checkpoint.size}, with different roots`,
      });
    }
    if (!earlier) bySize.set(c.checkpoint.size, c);
  }
  for (let i = 1; i < chain.signed.length; i++) {
    const [a, b] = [chain.signed[i - 1], chain.signed[i]];
    const problem = await consistencyProblem(store, head, a.checkpoint, b.checkpoint);
    if (problem) {
      problems.push({
        code: 'CHECKPOINT_INCONSISTENT',
        position: b.position,
        size: b.checkpoint.size,
        message: `checkpoint at position ${b.position} (size ${b.checkpoint.size}) is not consistent with the one at position ${a.position} (size ${a.checkpoint.size}): ${problem}`,
      });
    }
  }

  // Checkpoints kept outside the log.
  const witnesses = options.witnesses ?? [];
  const latest = chain.signed.filter((c) => c.valid).at(-1);
  const pinned = options.pinnedKey === undefined ? undefined : publicCheckpointKey(options.pinnedKey);
  const witnessKeys = pinned === undefined ? chain.keys : keysHandedOverFrom(pinned, chain.keys);
  for (const w of witnesses) {
    if (options.pinnedKey !== undefined && pinned === undefined) {
      problems.push({ code: 'WITNESS_KEY', message: `${w.source}: not checked: the pinned ledger key is not a valid Ed25519 public key` });
      continue;
    }
    const opened = openWithAnyKey(w.note, witnessKeys, chain.origin ?? (pinned && originOf(w.note)));
    if (!opened.ok) {
      if (pinned !== undefined) {
        problems.push({ code: 'WITNESS_KEY', message: `${w.source}: refused: ${opened.reason}; it is not signed by the pinned ledger key ${pinned.keyId}${witnessKeys.length > 1 ? ' or a key it handed over to' : ''}${signedBy(w.note, chain)}` });
      } else {
        problems.push({ code: 'WITNESS_INVALID', message: `${w.source}: ${opened.reason}` });
      }
      continue;
    }
    const { size, rootHash } = opened.checkpoint;
    if (size > head) {
      problems.push({ code: 'WITNESS_MISMATCH', size, message: `${w.source}: the witnessed checkpoint covers ${size} events, but the log has ${head}: the log was truncated` });
      continue;
    }
    if (size > 0) {
      const recomputed = await rootAtSize(size);
      if (recomputed && !recomputed.equals(rootHash)) {
        problems.push({
          code: 'WITNESS_MISMATCH',
          size,
          message: `${w.source}: the witnessed root at size ${size} is ${toHex(rootHash)}, the log's is ${toHex(recomputed)}: the log was rewritten or forked`,
        });
      }
    }
    const same = bySize.get(size);
    if (same && !same.checkpoint.rootHash.equals(rootHash)) {
      problems.push({ code: 'CHECKPOINT_SPLIT_VIEW', size, message: `split view: ${w.source} and the checkpoint at position ${same.position} both sign size ${size}, with different roots` });
    }
    if (latest && size > 0) {
      const [older, newer] = size <= latest.checkpoint.size ? [opened.checkpoint, latest.checkpoint] : [latest.checkpoint, opened.checkpoint];
      const problem = await consistencyProblem(store, head, older, newer);
      if (problem) {
        problems.push({ code: 'WITNESS_MISMATCH', size, message: `${w.source} is not consistent with the latest checkpoint (size ${latest.checkpoint.size}): ${problem}` });
      }
    }
  }

  return {
    ok: problems.length === 0,
    checkpoints: chain.signed.length,
    rotations: chain.rotations,
    witnesses: witnesses.length,
    trust,
    keys: chain.keys,
    latest: latest && { size: latest.checkpoint.size, rootHash: toHex(latest.checkpoint.rootHash), position: latest.position },
    problems,
  };
}

interface Chain {
  readonly keys: ChainKey[];
  readonly signed: SignedCheckpoint[];
  readonly rotations: number;
  readonly origin: string | undefined;
}

/** Walks the stream in order, following the key chain, and checks every checkpoint's note and data. */
function walkChain(events: readonly RecordedEvent[], problems: CheckpointProblem[]): Chain {
  const keys: ChainKey[] = [];
  const signed: SignedCheckpoint[] = [];
  let current: CheckpointPublicKey | undefined;
  let origin: string | undefined;
  let rotations = 0;

  for (const event of events) {
    const at = event.position;
    if (isKeyRotatedEvent(event)) {
      rotations++;
      const data = event.data as unknown as CheckpointKeyRotatedData;
      const previous = publicCheckpointKey(data?.previousPublicKey);
      const next = publicCheckpointKey(data?.publicKey);
      if (!previous || !next || data.algorithm !== CHECKPOINT_ALGORITHM || previous.keyId !== data.previousKeyId || next.keyId !== data.keyId) {
        problems.push({ code: 'KEY_ROTATION_INVALID', position: at, message: `key rotation at position ${at} does not name two well-formed Ed25519 keys by their ids` });
        continue;
      }
      if (current === undefined) {
        current = previous;
        keys.push({ keyId: previous.keyId, publicKey: previous.publicKeyBase64, source: 'log', position: at });
      }
      origin ??= data.origin;
      const problem = rotationProblem(data, current, next);
      if (problem) {
        problems.push({ code: 'KEY_ROTATION_INVALID', position: at, message: `key rotation at position ${at}: ${problem}` });
        continue;
      }
      current = next;
      keys.push({ keyId: next.keyId, publicKey: next.publicKeyBase64, source: 'rotation', position: at });
      continue;
    }
    if (!isCheckpointSignedEvent(event)) continue;

    const data = event.data as unknown as Partial<CheckpointSignedData>;
    const claimed = publicCheckpointKey(data?.publicKey);
    if (!claimed || typeof data.note !== 'string' || typeof data.origin !== 'string') {
      problems.push({ code: 'CHECKPOINT_MALFORMED', position: at, message: `checkpoint at position ${at} has no well-formed note, origin or public key` });
      continue;
    }
    if (current === undefined) {
      current = claimed;
      keys.push({ keyId: claimed.keyId, publicKey: claimed.publicKeyBase64, source: 'log', position: at });
    }
    origin ??= data.origin;
    if (claimed.keyId !== data.keyId) {
      problems.push({ code: 'CHECKPOINT_MALFORMED', position: at, message: `checkpoint at position ${at}: key id ${String(data.keyId)} is not the SHA-256 of its public key` });
    }
    let valid = true;
    if (claimed.keyId !== current.keyId) {
      problems.push({ code: 'CHECKPOINT_KEY', position: at, message: `checkpoint at position ${at} claims key ${claimed.keyId}, but the ledger's key at that point is ${current.keyId}` });
      valid = false;
    }
    // Verified under the chain's key, whatever key the event claims: a forged claim cannot help a forged note.
    const opened = openNote(data.note, origin, current.publicKey);
    let checkpoint: Checkpoint | undefined;
    if (!opened.ok) {
      problems.push({ code: 'CHECKPOINT_SIGNATURE', position: at, message: `checkpoint at position ${at}: the note's signature does not verify under the ledger's key ${current.keyId} (${opened.reason})` });
      valid = false;
      const parsed = parseCheckpointBody(noteBody(data.note));
      if (parsed.ok) checkpoint = parsed.checkpoint;
    } else {
      const parsed = parseCheckpointBody(opened.text);
      if (parsed.ok) checkpoint = parsed.checkpoint;
    }
    if (!checkpoint) {
      problems.push({ code: 'CHECKPOINT_MALFORMED', position: at, message: `checkpoint at position ${at}: the note is not a checkpoint` });
      continue;
    }
    const disagreement = dataDisagreement(data, checkpoint, origin);
    if (disagreement) problems.push({ code: 'CHECKPOINT_MALFORMED', position: at, message: `checkpoint at position ${at}: ${disagreement}` });
    if (checkpoint.size >= at) {
      problems.push({ code: 'CHECKPOINT_MALFORMED', position: at, message: `checkpoint at position ${at} claims size ${checkpoint.size}: a checkpoint cannot cover itself` });
      valid = false;
    }
    signed.push({ position: at, checkpoint, valid });
  }
  return { keys, signed, rotations, origin };
}

function rotationProblem(data: CheckpointKeyRotatedData, current: CheckpointPublicKey, next: CheckpointPublicKey): string | undefined {
  if (data.previousKeyId !== current.keyId) return `it rotates from ${data.previousKeyId}, but the ledger's key at that point is ${current.keyId}`;
  const env = data.envelope;
  if (typeof env !== 'object' || env === null || env.payloadType !== KEY_ROTATION_PAYLOAD_TYPE) return 'its envelope is not a key-rotation statement';
  const statement: KeyRotationStatement = {
    origin: data.origin,
    previousKeyId: data.previousKeyId,
    previousPublicKey: data.previousPublicKey,
    keyId: data.keyId,
    algorithm: data.algorithm,
    publicKey: data.publicKey,
    rotatedAt: data.rotatedAt,
  };
  const payload = decodeStrict(env.payload);
  if (!payload || !payload.equals(rotationStatementBytes(statement))) return 'its envelope signs a different statement than the event records';
  if (!verifyEnvelope(env, new Map<string, KeyObject>([[current.keyId, current.publicKey]])).ok) return `its envelope is not signed by the previous key ${current.keyId}`;
  if (!verifyEnvelope(env, new Map<string, KeyObject>([[next.keyId, next.publicKey]])).ok) return `its envelope is not signed by the new key ${next.keyId}`;
  return undefined;
}

function judgePin(keys: readonly ChainKey[], pinnedKey: string | undefined, problems: CheckpointProblem[]): 'pinned' | 'log' {
  if (pinnedKey === undefined) return 'log';
  const pinned = publicCheckpointKey(pinnedKey);
  if (!pinned) {
    problems.push({ code: 'CHECKPOINT_KEY', message: 'the pinned ledger key is not standard base64 of a 32-byte Ed25519 public key' });
    return 'pinned';
  }
  if (keys.length > 0 && !keys.some((k) => k.keyId === pinned.keyId)) {
    problems.push({ code: 'CHECKPOINT_KEY', message: `the pinned ledger key ${pinned.keyId} signs none of the log's checkpoints (its keys: ${keys.map((k) => k.keyId).join(', ')})` });
  }
  return 'pinned';
}

/**
 * The keys a pinned key vouches for: itself, then each key the log's chain rotated to after it (each rotation is
 * signed by the key before it, so by the pinned key's line of succession). A pinned key the chain does not hold
 * vouches only for itself.
 */
function keysHandedOverFrom(pinned: CheckpointPublicKey, chain: readonly ChainKey[]): ChainKey[] {
  const at = chain.findIndex((k) => k.keyId === pinned.keyId);
  if (at === -1) return [{ keyId: pinned.keyId, publicKey: pinned.publicKeyBase64, source: 'log', position: 0 }];
  return chain.slice(at);
}

/** The first line of a note (its origin, for a checkpoint), when the log has none to compare with. */
function originOf(note: string): string | undefined {
  const line = note.split('\n', 1)[0];
  return line === '' ? undefined : line;
}

/** What signed a refused witness note, as far as the note and the log's claimed keys tell. */
function signedBy(note: string, chain: Chain): string {
  const parsed = parseNote(note);
  if (!parsed.ok || parsed.signatures.length === 0) return '';
  const claimed = chain.origin === undefined ? [] : chain.keys.filter((k) => {
    const key = publicCheckpointKey(k.publicKey);
    return key !== undefined && openNote(note, chain.origin!, key.publicKey).ok;
  });
  const hints = parsed.signatures.map((sig) => `${sig.name}+${sig.keyId.toString('hex')}`).join(', ');
  return claimed.length > 0
    ? ` (it is signed by ${claimed.map((k) => k.keyId).join(', ')}, a key only the log vouches for)`
    : ` (its signatures: ${hints})`;
}

function openWithAnyKey(note: string, keys: readonly ChainKey[], origin: string | undefined): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
  if (origin === undefined) return { ok: false, reason: 'the log has no checkpoint, so no ledger key to check the note against' };
  for (const k of keys) {
    const key = publicCheckpointKey(k.publicKey)!;
    const opened = openNote(note, origin, key.publicKey);
    if (!opened.ok) continue;
    const parsed = parseCheckpointBody(opened.text);
    if (!parsed.ok) return { ok: false, reason: `not a checkpoint: ${parsed.reason}` };
    if (parsed.checkpoint.origin !== origin) return { ok: false, reason: `checkpoint of ${parsed.checkpoint.origin}, not of ${origin}` };
    return parsed;
  }
  return { ok: false, reason: `not signed as ${origin} by any of the ledger's keys (${keys.map((k) => k.keyId.slice(0, 16)).join(', ')})` };
}

function dataDisagreement(data: Partial<CheckpointSignedData>, checkpoint: Checkpoint, origin: string): string | undefined {
  if (checkpoint.origin !== origin || data.origin !== origin) return `origin ${checkpoint.origin} is not the log's origin ${origin}`;
  if (data.size !== checkpoint.size) return `the event says size ${String(data.size)}, the signed note ${checkpoint.size}`;
  if (data.rootHash !== toHex(checkpoint.rootHash)) return 'the event\'s rootHash differs from the signed note\'s root';
  if (data.algorithm !== CHECKPOINT_ALGORITHM) return `unknown algorithm ${String(data.algorithm)}`;
  const time = checkpoint.extensions.find((line) => line.startsWith(TIME_EXTENSION_PREFIX));
  if (time === undefined || time.slice(TIME_EXTENSION_PREFIX.length) !== data.signedAt) return 'the event\'s signedAt differs from the note\'s time line';
  return undefined;
}

/** The text part of a note (before its signature block), for reporting what an unverifiable note claims. */
function noteBody(note: string): string {
  const split = note.lastIndexOf('\n\n');
  return split === -1 ? note : note.slice(0, split + 1);
}

async function consistencyProblem(store: LedgerStore, head: number, older: Checkpoint, newer: Checkpoint): Promise<string | undefined> {
  if (older.size > newer.size) return `it is smaller (${newer.size}) than the earlier one (${older.size})`;
  if (older.size === 0) return undefined;
  if (newer.size > head) return undefined; // reported as beyond the log
  let proof: Buffer[];
  try {
    proof = older.size === newer.size ? [] : (await store.consistencyProof(older.size, newer.size)).map(fromHex);
  } catch (error) {
    return `the log cannot produce a consistency proof from ${older.size} to ${newer.size}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const check = verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash);
  return check.ok ? undefined : check.reason;
}
