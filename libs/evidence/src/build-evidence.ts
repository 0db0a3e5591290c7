import type { KeyObject } from 'node:crypto';
import {
  canonicalize,
  CHECKPOINT_STREAM_ID,
  encodeRecord,
  EventStoreError,
  isKeyRotatedEvent,
  leafHash,
  pae,
  signEd25519,
  toHex,
  type Checkpointer,
  type Clock,
  type JsonObject,
  type LedgerStore,
  type RecordedEvent,
  type StoredCheckpoint,
} from '@ledger/event-store';
import {
  approvalEnvelopesOf,
  compareEnvelopeRefs,
  EVIDENCE_FORMAT,
  EVIDENCE_PAYLOAD_TYPE,
  USER_KEY_REGISTERED,
  USER_KEY_REVOKED,
  userStreamOf,
  type ApproverKey,
  type EvidenceBundle,
  type EvidenceEnvelopeRef,
  type EvidenceEvent,
} from './bundle';
import { envelopeKeyId, publicKeyOf } from './keys';

export interface EvidenceRequest {
  /** Streams whose every event is evidence (`task-t4-zh`, `signoff-…`, `case-…`). */
  readonly streams?: readonly string[];
  /** Single events by id. */
  readonly eventIds?: readonly string[];
  /** Prove against this checkpoint (e.g. one a witness holds) instead of the latest; it must cover every event. */
  readonly checkpointSize?: number;
  readonly exportedBy: EvidenceBundle['exportedBy'];
}

export interface EvidenceDeps {
  readonly store: LedgerStore;
  /** Signs a fresh checkpoint when none covers the events, and signs the export; its key is the ledger's. */
  readonly checkpointer: Checkpointer;
  readonly clock: Clock;
}

export class EvidenceError extends EventStoreError {}

const SCAN_PAGE = 10_000;

/**
 * Builds the bundle for `request`: the subject's events, the key events of everyone who signed an envelope in them,
 * the ledger's key rotations, all proven against one signed checkpoint (the latest, or the one asked for; a fresh
 * one is signed when none covers the events), the consistency proof from it to the latest, and the ledger's
 * signature over the whole. Each record is re-encoded from the stored event and checked against the store's leaf
 * hash, so a bundle never carries a record the log did not hash.
 */
export async function buildEvidenceBundle(deps: EvidenceDeps, request: EvidenceRequest): Promise<string> {
  const { store, checkpointer, clock } = deps;
  const streams = [...new Set(request.streams ?? [])];
  const eventIds = [...new Set(request.eventIds ?? [])];
  if (streams.length === 0 && eventIds.length === 0) throw new EvidenceError('EVIDENCE.EMPTY_REQUEST', 'name at least one stream or event id');

  const included = new Map<number, RecordedEvent>();
  for (const streamId of streams) {
    const events = await store.readStream(streamId);
    if (events.length === 0) throw new EvidenceError('EVIDENCE.NOT_FOUND', `stream ${streamId} has no events`, { streamId });
    for (const e of events) included.set(e.position, e);
  }
  for (const e of await findEventsById(store, eventIds)) included.set(e.position, e);
  // A record that names its own evidence (a referral's `integrity.eventIds`: its chronology) brings those events too.
  const referenced = [...new Set([...included.values()].flatMap((e) => referencedEventIds(e.data)))].filter((id) => ![...included.values()].some((e) => e.id === id));
  for (const e of await findEventsById(store, referenced)) included.set(e.position, e);

  // The approvers' key events: everyone whose event carries a DSSE envelope.
  const signers = new Set<string>();
  for (const e of included.values()) if (approvalEnvelopesOf(e).length > 0) signers.add(e.metadata.actorId);
  for (const signer of signers) {
    for (const e of await store.readStream(userStreamOf(signer)).catch(() => [] as RecordedEvent[])) {
      if (e.type === USER_KEY_REGISTERED || e.type === USER_KEY_REVOKED) included.set(e.position, e);
    }
  }

  const checkpoint = await chooseCheckpoint(checkpointer, Math.max(...included.keys()), request.checkpointSize);
  // Every key rotation up to the checkpoint, so a verifier who knows an earlier ledger key can follow the chain.
  for (const e of await store.readStream(CHECKPOINT_STREAM_ID)) if (isKeyRotatedEvent(e) && e.position <= checkpoint.size) included.set(e.position, e);

  const events: EvidenceEvent[] = [];
  for (const event of [...included.values()].sort((a, b) => a.position - b.position)) {
    const record = encodeRecord(event);
    const proof = await store.inclusionProof(event.position, checkpoint.size);
    const leaf = toHex(leafHash(record));
    if (leaf !== proof.leafHash) {
      throw new EvidenceError('EVIDENCE.STORE_MISMATCH', `the stored leaf hash of position ${event.position} is not the hash of its record: run ledger verify`, { position: event.position });
    }
    events.push({ position: event.position, leafHash: leaf, proof: [...proof.proof], record });
  }

  const latest = checkpointer.log.latest();
  const newer = latest && latest.size > checkpoint.size && latest.keyId === checkpoint.keyId ? latest : undefined;
  const approverKeys = approverKeysOf(events);
  const body: Omit<EvidenceBundle, 'exportSignature'> = {
    format: EVIDENCE_FORMAT,
    exportedAt: clock.now().toISOString(),
    exportedBy: request.exportedBy,
    subject: { streams, eventIds },
    ledger: { origin: checkpoint.origin, algorithm: 'ed25519', keyId: checkpoint.keyId, publicKey: checkpoint.publicKey },
    checkpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash, note: checkpoint.note },
    events,
    envelopes: envelopeRefsOf(events, approverKeys),
    approverKeys,
    latest: newer
      ? { size: newer.size, rootHash: newer.rootHash, note: newer.note, consistencyProof: await store.consistencyProof(checkpoint.size, newer.size) }
      : null,
  };
  const key = checkpointer.key;
  if (key.keyId !== checkpoint.keyId) throw new EvidenceError('EVIDENCE.KEY_CHANGED', 'the ledger key changed while exporting; try again');
  const payload = Buffer.from(canonicalize(body as unknown as JsonObject), 'utf8');
  const sig = signEd25519(key.privateKey, pae(EVIDENCE_PAYLOAD_TYPE, payload)).toString('base64');
  const bundle: EvidenceBundle = { ...body, exportSignature: { payloadType: EVIDENCE_PAYLOAD_TYPE, signatures: [{ keyid: key.keyId, sig }] } };
  return canonicalize(bundle as unknown as JsonObject);
}

/**
 * The checkpoint to prove against: the one of `size` when asked (it must cover `needed` and postdate every key
 * rotation), else the latest if it covers `needed` and no rotation came after it, else a fresh one.
 */
async function chooseCheckpoint(checkpointer: Checkpointer, needed: number, size: number | undefined): Promise<StoredCheckpoint> {
  const log = checkpointer.log;
  await log.refresh();
  const lastRotation = log.rotations().at(-1)?.position ?? 0;
  if (size !== undefined) {
    const chosen = log.bySize(size);
    if (!chosen) throw new EvidenceError('EVIDENCE.CHECKPOINT_NOT_FOUND', `no signed checkpoint of size ${size}`, { size });
    if (chosen.size < needed) throw new EvidenceError('EVIDENCE.CHECKPOINT_TOO_SMALL', `the checkpoint of size ${size} does not cover position ${needed}`, { size, needed });
    if (chosen.size < lastRotation) throw new EvidenceError('EVIDENCE.CHECKPOINT_BEFORE_ROTATION', `the checkpoint of size ${size} predates the key rotation at position ${lastRotation}`, { size });
    return chosen;
  }
  const latest = log.latest();
  if (latest && latest.size >= needed && latest.size >= lastRotation && latest.keyId === checkpointer.key.keyId) return latest;
  const { checkpoint } = await checkpointer.signNow({ atLeast: Math.max(needed, lastRotation) });
  if (!checkpoint || checkpoint.size < needed) throw new EvidenceError('EVIDENCE.NO_CHECKPOINT', `could not sign a checkpoint covering position ${needed}`);
  return checkpoint;
}

/**
 * Events by id, read in pages from the start of the log: the port has no lookup by id, so this is O(log size)
 * (a few seconds at a million events); exports by stream use the stream index instead.
 */
export async function findEventsById(store: LedgerStore, ids: readonly string[]): Promise<RecordedEvent[]> {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  const found: RecordedEvent[] = [];
  for (let from = 1; wanted.size > 0; ) {
    const page = await store.readAll({ fromPosition: from, limit: SCAN_PAGE });
    for (const e of page) if (wanted.delete(e.id)) found.push(e);
    if (page.length < SCAN_PAGE) break;
    from = page[page.length - 1].position + 1;
  }
  if (wanted.size > 0) throw new EvidenceError('EVIDENCE.NOT_FOUND', `no event with id ${[...wanted].join(', ')}`, { eventIds: [...wanted] });
  return found;
}

/**
 * Event ids a record lists as its evidence: every string array `eventIds` inside an `integrity` object of its data
 * (an accountability case's `referral.integrity.eventIds` names the chronology the referral was built from).
 */
export function referencedEventIds(data: unknown, depth = 0): string[] {
  if (depth > 8 || typeof data !== 'object' || data === null) return [];
  if (Array.isArray(data)) return data.flatMap((item) => referencedEventIds(item, depth + 1));
  const out: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const ids = key === 'integrity' && typeof value === 'object' && value !== null ? (value as { eventIds?: unknown }).eventIds : undefined;
    if (Array.isArray(ids)) out.push(...ids.filter((id): id is string => typeof id === 'string'));
    else out.push(...referencedEventIds(value, depth + 1));
  }
  return out;
}

/** What the included key events establish (the verifier derives the same list and compares). */
export function approverKeysOf(events: readonly EvidenceEvent[]): ApproverKey[] {
  const parsed = events.map((e) => ({ position: e.position, event: JSON.parse(e.record) as RecordedEvent }));
  const keys: ApproverKey[] = [];
  for (const { position, event } of parsed) {
    if (event.type !== USER_KEY_REGISTERED) continue;
    const d = event.data as Record<string, unknown>;
    const revoked = parsed.find(
      (p) => p.position > position && p.event.type === USER_KEY_REVOKED && (p.event.data as Record<string, unknown>).userId === d.userId && (p.event.data as Record<string, unknown>).keyId === d.keyId,
    );
    keys.push({
      userId: String(d.userId),
      keyId: String(d.keyId),
      algorithm: String(d.algorithm),
      publicKey: String(d.publicKey),
      custody: String(d.custody),
      registeredAt: position,
      revokedAt: revoked?.position ?? null,
    });
  }
  return keys;
}

/** Each envelope in the events, with the key it verifies under (or the first keyid it claims). */
export function envelopeRefsOf(events: readonly EvidenceEvent[], approverKeys: readonly ApproverKey[]): EvidenceEnvelopeRef[] {
  const refs: EvidenceEnvelopeRef[] = [];
  for (const e of events) {
    const event = JSON.parse(e.record) as RecordedEvent;
    const signer = event.metadata.actorId;
    const usable = new Map<string, KeyObject>();
    for (const k of approverKeys) {
      const key = k.userId === signer && k.registeredAt < e.position && (k.revokedAt === null || k.revokedAt > e.position) ? publicKeyOf(k.publicKey) : undefined;
      if (key) usable.set(k.keyId, key);
    }
    for (const found of approvalEnvelopesOf(event)) {
      refs.push({ position: e.position, path: found.path, signer, keyId: envelopeKeyId(found.envelope, usable) });
    }
  }
  return refs.sort(compareEnvelopeRefs);
}
