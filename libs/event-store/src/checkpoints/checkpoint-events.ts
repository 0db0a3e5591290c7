import type { DsseEnvelope } from '../integrity';
import type { RecordedEvent } from '../port';

/**
 * The ledger's signed checkpoints live in the log itself, as events of one stream. Stored there, a checkpoint is
 * covered by every later checkpoint's root, cannot be edited or removed without `verify` noticing, and is kept by
 * every adapter alike (SQLite, PostgreSQL, EventStoreDB) with no table of its own.
 */
export const CHECKPOINT_STREAM_ID = 'checkpoint-ledger';
/** The stream kind the application must accept (`AppendPolicy.streamKinds`) for checkpoints to be stored. */
export const CHECKPOINT_STREAM_KIND = 'checkpoint';

export const CHECKPOINT_SIGNED = 'CheckpointSigned';
export const CHECKPOINT_KEY_ROTATED = 'CheckpointKeyRotated';

/** The one signature suite implemented; the name travels in every event so another can be added without a break. */
export const CHECKPOINT_ALGORITHM = 'ed25519';

/** DSSE payload type of a key rotation: the new key, signed by the old one (and by the new one, as proof of possession). */
export const KEY_ROTATION_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.checkpoint-key-rotation.v1+json';

/** The note extension line that carries the signing time: `time <ISO 8601>`. */
export const TIME_EXTENSION_PREFIX = 'time ';

export interface CheckpointSignedData {
  /** The log's name: the checkpoint's first line and the note's key name. */
  readonly origin: string;
  readonly size: number;
  /** Lower-case hex SHA-256 root of the first `size` leaves. */
  readonly rootHash: string;
  /** The whole C2SP signed note, exactly as signed. */
  readonly note: string;
  /** Lower-case hex SHA-256 of the raw public key that signed the note. */
  readonly keyId: string;
  readonly algorithm: typeof CHECKPOINT_ALGORITHM;
  /** Standard base64 of the raw public key, so the log alone says which key each checkpoint claims. */
  readonly publicKey: string;
  /** ISO 8601 UTC; also in the note as its `time` extension line. */
  readonly signedAt: string;
}

/** What the rotation envelope signs (canonical JSON). */
export interface KeyRotationStatement {
  readonly origin: string;
  readonly previousKeyId: string;
  /** Standard base64 of the raw previous key, so a chain can start at a rotation. */
  readonly previousPublicKey: string;
  readonly keyId: string;
  readonly algorithm: typeof CHECKPOINT_ALGORITHM;
  readonly publicKey: string;
  readonly rotatedAt: string;
}

export interface CheckpointKeyRotatedData extends KeyRotationStatement {
  /** DSSE over the canonical statement, signed by the previous key and by the new one. */
  readonly envelope: DsseEnvelope;
}

/** A signed checkpoint as served and verified: its data plus where the log keeps it. */
export interface StoredCheckpoint extends CheckpointSignedData {
  /** Position of the CheckpointSigned event (always beyond `size`: a checkpoint never covers itself). */
  readonly position: number;
  readonly eventId: string;
}

export interface StoredKeyRotation extends CheckpointKeyRotatedData {
  readonly position: number;
  readonly eventId: string;
}

export function isCheckpointSignedEvent(event: RecordedEvent): boolean {
  return event.streamId === CHECKPOINT_STREAM_ID && event.type === CHECKPOINT_SIGNED;
}

export function isKeyRotatedEvent(event: RecordedEvent): boolean {
  return event.streamId === CHECKPOINT_STREAM_ID && event.type === CHECKPOINT_KEY_ROTATED;
}

export function storedCheckpointOf(event: RecordedEvent): StoredCheckpoint {
  return { ...(event.data as unknown as CheckpointSignedData), position: event.position, eventId: event.id };
}

export function storedRotationOf(event: RecordedEvent): StoredKeyRotation {
  return { ...(event.data as unknown as CheckpointKeyRotatedData), position: event.position, eventId: event.id };
}
