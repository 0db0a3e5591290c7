import type { KeyObject } from 'node:crypto';
import {
  canonicalize,
  fromHex,
  leafHash,
  openNote,
  pae,
  parseCheckpointBody,
  parseNote,
  sha256,
  toHex,
  verifyConsistency,
  verifyEd25519,
  verifyEnvelope,
  verifyInclusion,
  type Checkpoint,
  type DsseEnvelope,
  type JsonObject,
} from '@ledger/event-store';
import { approverKeysOf, envelopeRefsOf } from './build-evidence';
import {
  approvalEnvelopesOf,
  CHECKPOINT_KEY_ROTATED,
  EVIDENCE_FORMAT,
  EVIDENCE_PAYLOAD_TYPE,
  USER_KEY_REGISTERED,
  type ApproverKey,
  type EvidenceBundle,
  type EvidenceEvent,
} from './bundle';
import { publicKeyOf } from './keys';

/** What a check is about; each has a message in every language (`messages.ts`). */
export type CheckId =
  | 'bundle.json'
  | 'bundle.canonical'
  | 'bundle.format'
  | 'ledger.key'
  | 'ledger.pinned'
  | 'checkpoint.signature'
  | 'event.record'
  | 'event.leaf'
  | 'event.proof'
  | 'event.key'
  | 'event.rotation'
  | 'envelope'
  | 'summary.approverKeys'
  | 'summary.envelopes'
  | 'latest.signature'
  | 'latest.consistency'
  | 'export.signature';

export interface Check {
  readonly id: CheckId;
  readonly ok: boolean;
  /** Values the message shows (event number, position, sizes, key ids, ...). */
  readonly params: Readonly<Record<string, string | number>>;
  /** Why it failed, in English from the verifying code (shown after the translated message). */
  readonly reason?: string;
}

export interface EvidenceReport {
  readonly ok: boolean;
  /** `bundle`: the ledger key came from the bundle itself: proves integrity, not the ledger's identity. */
  readonly keySource: 'pinned' | 'bundle';
  readonly checks: readonly Check[];
  readonly counts: { readonly events: number; readonly envelopes: number };
}

export interface VerifyEvidenceOptions {
  /** The ledger's public key as the verifier knows it (standard base64 of the raw Ed25519 key). */
  readonly ledgerKey?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a bundle file's text with no database and no network; never throws on bad input. */
export function verifyEvidence(text: string, options: VerifyEvidenceOptions = {}): EvidenceReport {
  const checks: Check[] = [];
  const pass = (id: CheckId, params: Check['params'] = {}) => checks.push({ id, ok: true, params });
  const fail = (id: CheckId, params: Check['params'], reason: string) => checks.push({ id, ok: false, params, reason });
  const keySource = options.ledgerKey === undefined ? 'bundle' : 'pinned';
  const done = (events = 0, envelopes = 0): EvidenceReport => ({ ok: checks.every((c) => c.ok), keySource, checks, counts: { events, envelopes } });

  let bundle: EvidenceBundle;
  try {
    bundle = JSON.parse(text) as EvidenceBundle;
    if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) throw new Error('not a JSON object');
    pass('bundle.json');
  } catch (error) {
    fail('bundle.json', {}, (error as Error).message);
    return done();
  }
  guard(() => (canonicalize(bundle as unknown as JsonObject) === text ? pass('bundle.canonical') : fail('bundle.canonical', {}, 'the file is not the canonical JSON of its content (re-formatted or edited)')), 'bundle.canonical', {}, fail);
  if (bundle.format === EVIDENCE_FORMAT) pass('bundle.format', { format: EVIDENCE_FORMAT });
  else fail('bundle.format', { format: String(bundle.format) }, `expected ${EVIDENCE_FORMAT}`);

  // The ledger key: well-formed, named by its hash; pinned or taken from the bundle.
  const ledger = (bundle.ledger ?? {}) as EvidenceBundle['ledger'];
  const ledgerKey = publicKeyOf(ledger.publicKey);
  const ledgerKeyId = typeof ledger.publicKey === 'string' ? toHex(sha256(Buffer.from(ledger.publicKey, 'base64'))) : '';
  if (ledgerKey && ledger.keyId === ledgerKeyId && ledger.algorithm === 'ed25519' && typeof ledger.origin === 'string') {
    pass('ledger.key', { keyId: ledgerKeyId, source: keySource });
  } else {
    fail('ledger.key', { keyId: String(ledger.keyId) }, 'not an Ed25519 public key named by the SHA-256 of its bytes, with an origin');
  }

  // The checkpoint note: signed by the ledger key; size and root as the bundle states them.
  const checkpoint = openCheckpoint(bundle.checkpoint?.note, ledger.origin, ledgerKey);
  const cp = bundle.checkpoint ?? ({} as EvidenceBundle['checkpoint']);
  if (!checkpoint.ok) fail('checkpoint.signature', { size: String(cp.size) }, checkpoint.reason);
  else if (checkpoint.value.size !== cp.size || toHex(checkpoint.value.rootHash) !== cp.rootHash) {
    fail('checkpoint.signature', { size: String(cp.size) }, 'the size or root the bundle states is not what the note signs');
  } else {
    pass('checkpoint.signature', { size: cp.size, root: cp.rootHash, time: timeOf(checkpoint.value) });
  }
  // Proofs are checked against what the note claims even when its signature fails, so each failure names its own cause.
  const claimed = checkpoint.ok ? checkpoint.value : claimedCheckpoint(cp.note);
  const root = claimed?.rootHash ?? (typeof cp.rootHash === 'string' && HEX64.test(cp.rootHash) ? fromHex(cp.rootHash) : Buffer.alloc(32));
  const size = claimed?.size ?? Number(cp.size);

  // Each event: its record, its leaf hash, its inclusion proof.
  const events: EvidenceEvent[] = Array.isArray(bundle.events) ? bundle.events : [];
  if (events.length === 0) fail('event.record', { n: 0, position: 0 }, 'the bundle has no events');
  const parsed = new Map<number, { type: string; streamId: string; actorId: string; data: unknown }>();
  let previous = 0;
  events.forEach((entry, i) => {
    const n = i + 1;
    const position = typeof entry?.position === 'number' ? entry.position : NaN;
    const base = { n, position: String(entry?.position) };
    guard(
      () => {
        const record = entry.record;
        if (typeof record !== 'string') throw new Error('record is not a string');
        const event = JSON.parse(record) as { position?: unknown; type?: unknown; streamId?: unknown; metadata?: { actorId?: unknown; occurredAt?: unknown }; data?: unknown };
        if (canonicalize(event as JsonObject) !== record) throw new Error('record is not canonical JSON');
        if (event.position !== position || !Number.isSafeInteger(position) || position <= previous) throw new Error(`record is at position ${String(event.position)}, listed as ${String(entry.position)} (after ${previous})`);
        if (typeof event.type !== 'string' || typeof event.streamId !== 'string' || typeof event.metadata?.actorId !== 'string') throw new Error('record is not an event envelope');
        previous = position;
        parsed.set(position, { type: event.type, streamId: event.streamId, actorId: event.metadata.actorId, data: event.data });
        pass('event.record', { ...base, type: event.type, stream: event.streamId, actor: event.metadata.actorId, at: String(event.metadata.occurredAt) });
      },
      'event.record',
      base,
      fail,
    );
    const computed = typeof entry?.record === 'string' ? leafHash(entry.record) : Buffer.alloc(0);
    if (typeof entry?.leafHash === 'string' && toHex(computed) === entry.leafHash) pass('event.leaf', { ...base, leaf: entry.leafHash });
    else fail('event.leaf', base, 'the leaf hash is not SHA-256(0x00 ‖ record)');
    guard(
      () => {
        const proof = proofOf(entry.proof);
        const check = verifyInclusion(computed, position - 1, size, proof, root);
        if (check.ok) pass('event.proof', { ...base, size, hashes: proof.length });
        else fail('event.proof', base, check.reason);
      },
      'event.proof',
      base,
      fail,
    );
  });

  // Key events: approvers' keys named by their hash; the ledger's rotations signed by both keys.
  const links: Array<[string, string]> = [];
  for (const [i, entry] of events.entries()) {
    const event = parsed.get(entry.position);
    if (!event) continue;
    const base = { n: i + 1, position: entry.position };
    const d = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === USER_KEY_REGISTERED) {
      const key = publicKeyOf(d.publicKey);
      if (key && d.keyId === toHex(sha256(Buffer.from(String(d.publicKey), 'base64'))) && d.algorithm === 'ed25519') pass('event.key', { ...base, user: String(d.userId), keyId: String(d.keyId), custody: String(d.custody) });
      else fail('event.key', base, 'the registered key is not an Ed25519 key named by the SHA-256 of its bytes');
    } else if (event.type === CHECKPOINT_KEY_ROTATED) {
      const problem = rotationProblem(d);
      if (problem) fail('event.rotation', base, problem);
      else {
        pass('event.rotation', { ...base, from: String(d.previousKeyId), to: String(d.keyId) });
        links.push([String(d.previousKeyId), String(d.keyId)]);
      }
    }
  }

  // The summaries must be exactly what the events establish.
  const safeEvents = events.filter((e) => parsed.has(e.position));
  let derivedKeys: ApproverKey[] = [];
  guard(
    () => {
      derivedKeys = approverKeysOf(safeEvents);
      if (canonicalize(derivedKeys as unknown as JsonObject[]) === canonicalize((bundle.approverKeys ?? null) as unknown as JsonObject)) pass('summary.approverKeys', { count: derivedKeys.length });
      else fail('summary.approverKeys', {}, 'approverKeys is not what the key events in the bundle establish');
    },
    'summary.approverKeys',
    {},
    fail,
  );

  // Envelopes: each signed by a key its signer had registered, not revoked, before the event.
  let envelopeCount = 0;
  for (const [i, entry] of events.entries()) {
    const event = parsed.get(entry.position);
    if (!event) continue;
    for (const found of approvalEnvelopesOf(event)) {
      envelopeCount++;
      const base = { n: i + 1, position: entry.position, path: found.path, signer: event.actorId, payloadType: String(found.envelope.payloadType) };
      guard(
        () => {
          const usable = new Map<string, KeyObject>();
          const byId = new Map<string, ApproverKey>();
          for (const k of derivedKeys) {
            if (k.userId !== event.actorId || k.registeredAt >= entry.position || (k.revokedAt !== null && k.revokedAt <= entry.position)) continue;
            const key = publicKeyOf(k.publicKey);
            if (key) {
              usable.set(k.keyId, key);
              byId.set(k.keyId, k);
            }
          }
          if (usable.size === 0) return fail('envelope', base, `${event.actorId} had no registered, unrevoked key at position ${entry.position}`);
          const check = verifyEnvelope(found.envelope as unknown as DsseEnvelope, usable);
          if (!check.ok) return fail('envelope', base, check.reason);
          const binding = bindingProblem(found.envelope.payload, event.data, event.actorId);
          if (binding) return fail('envelope', base, binding);
          const key = byId.get(check.keyid)!;
          pass('envelope', { ...base, keyId: check.keyid, custody: key.custody, registeredAt: key.registeredAt });
        },
        'envelope',
        base,
        fail,
      );
    }
  }
  guard(
    () => {
      const derived = envelopeRefsOf(safeEvents, derivedKeys);
      if (canonicalize(derived as unknown as JsonObject[]) === canonicalize((bundle.envelopes ?? null) as unknown as JsonObject)) pass('summary.envelopes', { count: derived.length });
      else fail('summary.envelopes', {}, 'envelopes is not what the events in the bundle hold');
    },
    'summary.envelopes',
    {},
    fail,
  );

  // The latest checkpoint, when newer: signed by the ledger key and consistent with the bundle's.
  if (bundle.latest !== null) {
    const latest = (bundle.latest ?? {}) as NonNullable<EvidenceBundle['latest']>;
    const opened = openCheckpoint(latest.note, ledger.origin, ledgerKey);
    if (!opened.ok) fail('latest.signature', { size: String(latest.size) }, opened.reason);
    else if (opened.value.size !== latest.size || toHex(opened.value.rootHash) !== latest.rootHash) fail('latest.signature', { size: String(latest.size) }, 'the size or root the bundle states is not what the note signs');
    else pass('latest.signature', { size: latest.size, root: latest.rootHash, time: timeOf(opened.value) });
    guard(
      () => {
        const latestRoot = opened.ok ? opened.value.rootHash : Buffer.alloc(32);
        const latestSize = opened.ok ? opened.value.size : Number(latest.size);
        if (latestSize <= size) return fail('latest.consistency', { from: size, to: latestSize }, 'the latest checkpoint is not newer than the bundle’s');
        const proof = proofOf(latest.consistencyProof);
        const check = verifyConsistency(size, latestSize, proof, root, latestRoot);
        if (check.ok) pass('latest.consistency', { from: size, to: latestSize, hashes: proof.length });
        else fail('latest.consistency', { from: size, to: latestSize }, check.reason);
      },
      'latest.consistency',
      { from: size, to: String(latest.size) },
      fail,
    );
  }

  // The export: signed by the ledger key over everything else in the file.
  guard(
    () => {
      const { exportSignature, ...body } = bundle;
      const sigs = Array.isArray(exportSignature?.signatures) ? exportSignature.signatures : [];
      if (exportSignature?.payloadType !== EVIDENCE_PAYLOAD_TYPE) return fail('export.signature', {}, 'the export signature has another payload type');
      const message = pae(EVIDENCE_PAYLOAD_TYPE, Buffer.from(canonicalize(body as unknown as JsonObject), 'utf8'));
      const sig = sigs.find((s) => s?.keyid === ledgerKeyId);
      const bytes = typeof sig?.sig === 'string' ? Buffer.from(sig.sig, 'base64') : Buffer.alloc(0);
      if (!ledgerKey || !sig || bytes.toString('base64') !== sig.sig || !verifyEd25519(ledgerKey, message, bytes)) return fail('export.signature', {}, 'no valid signature by the ledger key over the bundle');
      pass('export.signature', { at: String(bundle.exportedAt), by: String(bundle.exportedBy?.actorId), role: String(bundle.exportedBy?.actorRole) });
    },
    'export.signature',
    {},
    fail,
  );

  // A pinned key must be the bundle's key, or linked to it by rotations the bundle proves.
  if (options.ledgerKey !== undefined) {
    const pinned = publicKeyOf(options.ledgerKey);
    const pinnedId = pinned ? toHex(sha256(Buffer.from(options.ledgerKey, 'base64'))) : '';
    if (pinned && linkedTo(ledgerKeyId, links).has(pinnedId)) pass('ledger.pinned', { keyId: pinnedId, via: pinnedId === ledgerKeyId ? 'same' : 'rotation' });
    else fail('ledger.pinned', { keyId: pinnedId || options.ledgerKey }, pinned ? 'the bundle is signed by another key, and no key rotation in it links the two' : 'the pinned key is not base64 of a 32-byte Ed25519 key');
  }

  return done(events.length, envelopeCount);
}

function guard(run: () => void, id: CheckId, params: Check['params'], fail: (id: CheckId, params: Check['params'], reason: string) => void): void {
  try {
    run();
  } catch (error) {
    fail(id, params, `malformed: ${(error as Error).message}`);
  }
}

function proofOf(value: unknown): Buffer[] {
  if (!Array.isArray(value) || value.length > 64) throw new Error('proof is not a list of at most 64 hashes');
  return value.map((h) => {
    if (typeof h !== 'string' || !HEX64.test(h)) throw new Error('proof element is not 64 lower-case hex digits');
    return fromHex(h);
  });
}

function openCheckpoint(note: unknown, origin: unknown, key: KeyObject | undefined): { ok: true; value: Checkpoint } | { ok: false; reason: string } {
  if (!key) return { ok: false, reason: 'no usable ledger key' };
  if (typeof note !== 'string' || typeof origin !== 'string') return { ok: false, reason: 'no note' };
  const opened = openNote(note, origin, key);
  if (!opened.ok) return opened;
  const parsed = parseCheckpointBody(opened.text);
  if (!parsed.ok) return parsed;
  if (parsed.checkpoint.origin !== origin) return { ok: false, reason: `checkpoint of ${parsed.checkpoint.origin}, not of ${origin}` };
  return { ok: true, value: parsed.checkpoint };
}

/** The checkpoint a note's text states, signature unchecked. */
function claimedCheckpoint(note: unknown): Checkpoint | undefined {
  if (typeof note !== 'string') return undefined;
  const parsed = parseNote(note);
  if (!parsed.ok) return undefined;
  const body = parseCheckpointBody(parsed.text);
  return body.ok ? body.checkpoint : undefined;
}

function timeOf(checkpoint: Checkpoint): string {
  return checkpoint.extensions.find((line) => line.startsWith('time '))?.slice(5) ?? '';
}

/**
 * When the signed payload is a JSON statement (a sign-off's: decision, recordHash, recordStreamId, recordVersion,
 * comment, signer), each field it names must be what the event records: a signature over another statement proves
 * nothing about this event.
 */
function bindingProblem(payload: string, data: unknown, actorId: string): string | undefined {
  let statement: Record<string, unknown>;
  try {
    statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof statement !== 'object' || statement === null) return undefined;
  const d = (data ?? {}) as Record<string, unknown>;
  const record = (d.record ?? {}) as Record<string, unknown>;
  const recorded: Record<string, unknown> = { decision: d.decision, recordHash: d.recordHash, comment: d.comment, signer: actorId, recordStreamId: record.streamId, recordVersion: record.version };
  for (const field of Object.keys(recorded)) {
    if (statement[field] !== undefined && recorded[field] !== undefined && statement[field] !== recorded[field]) {
      return `the envelope signs ${field} ${JSON.stringify(statement[field])}, the event records ${JSON.stringify(recorded[field])}`;
    }
  }
  return undefined;
}

function rotationProblem(d: Record<string, unknown>): string | undefined {
  const previous = publicKeyOf(d.previousPublicKey);
  const next = publicKeyOf(d.publicKey);
  const idOf = (b64: unknown) => toHex(sha256(Buffer.from(String(b64), 'base64')));
  if (!previous || !next || idOf(d.previousPublicKey) !== d.previousKeyId || idOf(d.publicKey) !== d.keyId) return 'the rotation does not name two Ed25519 keys by their hashes';
  const env = d.envelope as DsseEnvelope | undefined;
  const statement = canonicalize({
    algorithm: d.algorithm,
    keyId: d.keyId,
    origin: d.origin,
    previousKeyId: d.previousKeyId,
    previousPublicKey: d.previousPublicKey,
    publicKey: d.publicKey,
    rotatedAt: d.rotatedAt,
  } as JsonObject);
  if (!env || typeof env.payload !== 'string' || Buffer.from(env.payload, 'base64').toString('utf8') !== statement) return 'the rotation envelope signs another statement';
  if (!verifyEnvelope(env, new Map([[String(d.previousKeyId), previous]])).ok) return 'the rotation is not signed by the previous key';
  if (!verifyEnvelope(env, new Map([[String(d.keyId), next]])).ok) return 'the rotation is not signed by the new key';
  return undefined;
}

/** Rotations are signed by both keys, so a link vouches in both directions: the keys connected to `start`. */
function linkedTo(start: string, links: ReadonlyArray<[string, string]>): Set<string> {
  const linked = new Set([start]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [a, b] of links) {
      if (linked.has(a) !== linked.has(b)) {
        linked.add(a);
        linked.add(b);
        grown = true;
      }
    }
  }
  return linked;
}
