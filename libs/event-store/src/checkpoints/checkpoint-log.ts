import type { EventStore, RecordedEvent } from '../port';
import {
  CHECKPOINT_STREAM_ID,
  isCheckpointSignedEvent,
  isKeyRotatedEvent,
  storedCheckpointOf,
  storedRotationOf,
  type StoredCheckpoint,
  type StoredKeyRotation,
} from './checkpoint-events';

/**
 * The checkpoint stream as this process has read it: every signed checkpoint and key rotation, in log order. It
 * reads only what was appended since its last refresh, so serving "the latest" or "the one of size n" costs one
 * indexed stream read. What it returns is what the log says, unverified: `verifyCheckpoints` judges it.
 */
export class CheckpointLog {
  private readonly events: RecordedEvent[] = [];
  private readonly signed: StoredCheckpoint[] = [];
  private readonly rotated: StoredKeyRotation[] = [];
  private inFlight: Promise<void> | undefined;

  constructor(private readonly store: Pick<EventStore, 'readStream'>) {}

  /** The stream's version as read (0: no checkpoint stream yet): the expected version of the next append. */
  get version(): number {
    return this.events.length === 0 ? 0 : this.events[this.events.length - 1].streamVersion;
  }

  /** Reads what the stream gained since the last call; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.inFlight ??= this.readNew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async readNew(): Promise<void> {
    const fresh = await this.store.readStream(CHECKPOINT_STREAM_ID, { fromVersion: this.version + 1 });
    for (const event of fresh) {
      this.events.push(event);
      if (isCheckpointSignedEvent(event)) this.signed.push(storedCheckpointOf(event));
      else if (isKeyRotatedEvent(event)) this.rotated.push(storedRotationOf(event));
    }
  }

  checkpoints(): readonly StoredCheckpoint[] {
    return this.signed;
  }

  rotations(): readonly StoredKeyRotation[] {
    return this.rotated;
  }

  /** Every event of the stream, checkpoints and rotations, in position order. */
  all(): readonly RecordedEvent[] {
    return this.events;
  }

  latest(): StoredCheckpoint | undefined {
    return this.signed[this.signed.length - 1];
  }

  /** The first checkpoint of exactly this size (a second one of the same size is a split view `verify` reports). */
  bySize(size: number): StoredCheckpoint | undefined {
    return this.signed.find((c) => c.size === size);
  }

  /** The earliest checkpoint whose tree contains `position` (size ≥ position). */
  earliestCovering(position: number): StoredCheckpoint | undefined {
    return this.signed.find((c) => c.size >= position);
  }

  /** How many events of this stream lie beyond tree size `size`: the log's growth that is only its own checkpoints. */
  ownEventsAfter(size: number): number {
    let n = 0;
    for (let i = this.events.length - 1; i >= 0 && this.events[i].position > size; i--) n++;
    return n;
  }

  /**
   * The key id the log says signs now: the last rotation's new key, or else the key of the first checkpoint.
   * Undefined while the stream is empty: the first key to sign becomes the ledger's key.
   */
  currentKeyId(): string | undefined {
    const lastRotation = this.rotated[this.rotated.length - 1];
    if (lastRotation) return lastRotation.keyId;
    return this.signed[0]?.keyId;
  }
}
