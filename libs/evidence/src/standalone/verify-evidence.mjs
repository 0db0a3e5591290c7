#!/usr/bin/env node
/*
 * verify-evidence.mjs — a standalone verifier for accountability-ledger evidence bundles
 * (format "accountability-ledger/evidence/v1").
 *
 *   node verify-evidence.mjs bundle.json [--ledger-key <base64>] [--lang en|vi|zh] [--json]
 *
 * Exit code 0: every check passed; 1: a check failed; 2: usage error or unreadable file.
 *
 * One file, no dependencies beyond Node's own node:crypto and node:fs (Node 20 or later), so that an inspection
 * body, a court or a journalist can read all of it and run it without our server, our database or our libraries.
 * It is written apart from the ledger's own verifier (@ledger/evidence) and checks the same things by other means:
 * the Merkle proofs by the recursive definitions of RFC 6962 §2.1 (PATH and SUBPROOF) rather than the iterative
 * RFC 9162 algorithms, keys through JWK rather than DER, canonical JSON by the RFC 8785 rules directly.
 *
 * What it checks (each failure names what failed):
 *  1. the file is the RFC 8785 canonical JSON of its content, in the known format;
 *  2. the ledger key: Ed25519, named by the SHA-256 of its 32 bytes; pinned with --ledger-key, or taken from the
 *     bundle (which proves integrity, not the ledger's identity);
 *  3. the checkpoint: a C2SP signed note (c2sp.org/signed-note, tlog-checkpoint) signed by the ledger key;
 *  4. each event: its record is canonical JSON at the position it is listed at; SHA-256(0x00 ‖ record) is its
 *     leaf hash; its inclusion proof leads to the checkpoint's root;
 *  5. approvers' keys (UserKeyRegistered / UserKeyRevoked events) and ledger key rotations (CheckpointKeyRotated,
 *     signed by the old and the new key);
 *  6. each DSSE envelope in an event's data: signed (PAE) by a key the event's actor registered before the event
 *     and had not revoked; a signed recordHash / decision must be the event's;
 *  7. the lists `approverKeys` and `envelopes` are exactly what the events establish;
 *  8. the latest checkpoint, if newer: signed, and consistent with the bundle's checkpoint;
 *  9. the ledger's signature over the whole bundle (DSSE PAE over the canonical bundle without exportSignature).
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const FORMAT = 'accountability-ledger/evidence/v1';
export const EXPORT_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.evidence.v1+json';
const ROTATION_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.checkpoint-key-rotation.v1+json';

// ── Bytes, hashes, encodings ─────────────────────────────────────────────────────────────────────────────────

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hexOf = (bytes) => Buffer.from(bytes).toString('hex');
const leafOf = (recordText) => sha256(Buffer.from([0]), Buffer.from(recordText, 'utf8'));
const nodeOf = (left, right) => sha256(Buffer.from([1]), left, right);

/** Lower-case hex of exactly 32 bytes, or null. */
function hash32(text) {
  return typeof text === 'string' && /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
}

/** Standard base64 with padding, in its one canonical spelling, or null. */
function base64Strict(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/** DSSE allows the standard or the URL-safe alphabet, padded or not; still one canonical spelling per alphabet. */
function base64Either(text) {
  if (typeof text !== 'string') return null;
  const standard = /^[A-Za-z0-9+/]*={0,2}$/.test(text);
  if (!standard && !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1 || (bare.length !== text.length && text.length % 4 !== 0)) return null;
  const bytes = Buffer.from(bare, standard ? 'base64' : 'base64url');
  return bytes.toString(standard ? 'base64' : 'base64url').replace(/=+$/, '') === bare ? bytes : null;
}

/** RFC 8785: members sorted by UTF-16 code units, ECMAScript number and string serialisation, no white space. */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('number is not finite');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new Error('string holds a lone surrogate');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const names = Object.keys(value).sort();
    return `{${names.map((n) => `${canonicalJson(n)}:${canonicalJson(value[n])}`).join(',')}}`;
  }
  throw new Error(`${typeof value} is not JSON`);
}

/** An Ed25519 public key from its 32 raw bytes, via JWK. */
function ed25519Key(raw) {
  if (!raw || raw.length !== 32) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  } catch {
    return null;
  }
}

function ed25519Verify(key, message, signature) {
  if (!key || !signature || signature.length !== 64) return false;
  try {
    return cryptoVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

// ── Merkle proofs, by the recursive definitions of RFC 6962 §2.1 ─────────────────────────────────────────────

/** The largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The root an inclusion proof implies. PATH(m, D[0:n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else
 * PATH(m − k, D[k:n]) : MTH(D[0:k]); PATH(0, D[0:1]) = {}. So the last element is the top sibling: consume from the end.
 */
export function rootFromInclusion(index, size, leaf, path) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new Error(`leaf index ${index} is not inside a tree of ${size}`);
  if (leaf.length !== 32 || path.some((h) => h.length !== 32)) throw new Error('hashes must be 32 bytes');
  let remaining = path.length;
  const walk = (m, n) => {
    if (n === 1) return leaf;
    if (remaining === 0) throw new Error('inclusion proof is too short');
    const sibling = path[--remaining];
    const k = splitPoint(n);
    return m < k ? nodeOf(walk(m, k), sibling) : nodeOf(sibling, walk(m - k, n - k));
  };
  const root = walk(index, size);
  if (remaining !== 0) throw new Error('inclusion proof is too long');
  return root;
}

/**
 * Checks PROOF(m, D[n]) = SUBPROOF(m, D[n], true), where SUBPROOF(m, D[m], true) = {},
 * SUBPROOF(m, D[m], false) = {MTH(D[m])}, and for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m ≤ k, else
 * SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]). Rebuilding both roots from it, consuming from the end.
 */
export function checkConsistency(m, n, proof, oldRoot, newRoot) {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) throw new Error(`no consistency proof from ${m} to ${n}`);
  // Equal sizes: the proof is empty and the roots are the same bytes (RFC 9162 §2.1.4.2 step 1; no length rule).
  if (m === n) {
    if (proof.length !== 0) throw new Error('equal sizes need an empty proof');
    if (!oldRoot.equals(newRoot)) throw new Error('equal sizes but different roots');
    return;
  }
  if (oldRoot.length !== 32 || newRoot.length !== 32 || proof.some((h) => h.length !== 32)) throw new Error('hashes must be 32 bytes');
  let remaining = proof.length;
  const take = () => {
    if (remaining === 0) throw new Error('consistency proof is too short');
    return proof[--remaining];
  };
  const walk = (mm, nn, whole) => {
    if (mm === nn) {
      if (whole) return { before: oldRoot, after: oldRoot };
      const x = take();
      return { before: x, after: x };
    }
    const k = splitPoint(nn);
    const s = take();
    if (mm <= k) {
      const r = walk(mm, k, whole);
      return { before: r.before, after: nodeOf(r.after, s) };
    }
    const r = walk(mm - k, nn - k, false);
    return { before: nodeOf(s, r.before), after: nodeOf(s, r.after) };
  };
  const { before, after } = walk(m, n, true);
  if (remaining !== 0) throw new Error('consistency proof is too long');
  if (!before.equals(oldRoot)) throw new Error('the proof does not lead to the older root');
  if (!after.equals(newRoot)) throw new Error('the proof does not lead to the newer root');
}

// ── Signed notes (C2SP) and DSSE ─────────────────────────────────────────────────────────────────────────────

/** Verifies a note signed as `name` by the Ed25519 key `raw`; returns the checkpoint it carries. */
export function openCheckpointNote(note, name, raw) {
  if (typeof note !== 'string' || typeof name !== 'string') throw new Error('no note');
  const cut = note.lastIndexOf('\n\n');
  if (cut < 0) throw new Error('note has no signature block');
  const text = note.slice(0, cut + 1);
  const block = note.slice(cut + 2);
  if (!block.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text + block)) throw new Error('note is malformed');
  const keyHash = sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.from([1]), raw).subarray(0, 4);
  const key = ed25519Key(raw);
  let verified = 0;
  for (const line of block.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('note has a malformed signature line');
    const blob = base64Strict(m[2]);
    if (!blob || blob.length <= 4) throw new Error('note signature is not base64');
    if (m[1] !== name || !blob.subarray(0, 4).equals(keyHash)) continue;
    if (!ed25519Verify(key, Buffer.from(text, 'utf8'), blob.subarray(4))) throw new Error('the note signature does not verify');
    verified++;
  }
  if (verified === 0) throw new Error(`no signature by ${name} with this key`);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.includes('')) throw new Error('note is not a checkpoint');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin !== name) throw new Error(`checkpoint of ${origin}, not of ${name}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new Error('checkpoint size is malformed');
  const root = base64Strict(rootText);
  if (!root || root.length !== 32) throw new Error('checkpoint root is malformed');
  const time = extensions.find((l) => l.startsWith('time '));
  return { size: Number(sizeText), root, time: time ? time.slice(5) : '' };
}

/** The size and root a checkpoint note states, its signature unchecked (null when it does not parse). */
function claimedCheckpoint(note) {
  if (typeof note !== 'string') return null;
  const cut = note.lastIndexOf('\n\n');
  const lines = cut < 0 ? [] : note.slice(0, cut).split('\n');
  const root = base64Strict(lines[2]);
  if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1]) || !root || root.length !== 32) return null;
  return { size: Number(lines[1]), root };
}

/** DSSE v1 pre-authentication encoding. */
export function pae(type, body) {
  const t = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${body.length} `), body]);
}

/** The keyid of the first signature that verifies under `keys` (Map keyid → KeyObject), or null. */
function dsseSignedBy(envelope, keys) {
  const body = base64Either(envelope.payload);
  if (!body || typeof envelope.payloadType !== 'string' || !Array.isArray(envelope.signatures)) return null;
  const message = pae(envelope.payloadType, body);
  for (const s of envelope.signatures) {
    if (typeof s !== 'object' || s === null || typeof s.sig !== 'string') continue;
    if (s.keyid !== undefined && typeof s.keyid !== 'string') continue;
    const sig = base64Either(s.sig);
    if (!sig) continue;
    const candidates = s.keyid ? (keys.has(s.keyid) ? [[s.keyid, keys.get(s.keyid)]] : []) : [...keys];
    for (const [id, key] of candidates) if (ed25519Verify(key, message, sig)) return id;
  }
  return null;
}

/** Every DSSE-shaped object (string payloadType, string payload, signatures array) inside `value`, with its JSON pointer. */
function envelopesIn(value, pointer, depth = 0) {
  if (depth > 32 || typeof value !== 'object' || value === null) return [];
  if (!Array.isArray(value) && typeof value.payloadType === 'string' && typeof value.payload === 'string' && Array.isArray(value.signatures)) {
    return [{ path: pointer, envelope: value }];
  }
  const out = [];
  for (const [k, v] of Array.isArray(value) ? value.map((x, i) => [String(i), x]) : Object.entries(value)) {
    out.push(...envelopesIn(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1));
  }
  return out;
}

// ── The checks ────────────────────────────────────────────────────────────────────────────────────────────────

export function verifyBundle(text, options = {}) {
  const checks = [];
  const ok = (id, params = {}) => checks.push({ id, ok: true, params });
  const bad = (id, params, reason) => checks.push({ id, ok: false, params, reason });
  const attempt = (id, params, fn) => {
    try {
      fn();
    } catch (e) {
      bad(id, params, e.message);
    }
  };
  const keySource = options.ledgerKey === undefined ? 'bundle' : 'pinned';
  const result = (events = 0, envelopes = 0) => ({ ok: checks.every((c) => c.ok), keySource, checks, counts: { events, envelopes } });

  let b;
  try {
    b = JSON.parse(text);
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error('not a JSON object');
    ok('bundle.json');
  } catch (e) {
    bad('bundle.json', {}, e.message);
    return result();
  }
  attempt('bundle.canonical', {}, () => {
    if (canonicalJson(b) !== text) throw new Error('the bytes are not the canonical JSON of the content');
    ok('bundle.canonical');
  });
  if (b.format === FORMAT) ok('bundle.format', { format: FORMAT });
  else bad('bundle.format', { format: String(b.format) }, `expected ${FORMAT}`);

  // Ledger key
  const ledger = typeof b.ledger === 'object' && b.ledger !== null ? b.ledger : {};
  const ledgerRaw = base64Strict(ledger.publicKey);
  const ledgerKeyId = ledgerRaw ? hexOf(sha256(ledgerRaw)) : '';
  const ledgerKey = ledgerRaw && ledgerRaw.length === 32 ? ed25519Key(ledgerRaw) : null;
  if (ledgerKey && ledger.keyId === ledgerKeyId && ledger.algorithm === 'ed25519' && typeof ledger.origin === 'string') ok('ledger.key', { keyId: ledgerKeyId });
  else bad('ledger.key', { keyId: String(ledger.keyId) }, 'not an Ed25519 key named by its SHA-256');

  // Checkpoint
  const cp = typeof b.checkpoint === 'object' && b.checkpoint !== null ? b.checkpoint : {};
  // Proofs are checked against what the note claims even when its signature fails, so each failure names its own cause.
  const claimed = claimedCheckpoint(cp.note);
  let size = claimed ? claimed.size : Number(cp.size);
  let root = claimed ? claimed.root : (hash32(cp.rootHash) ?? Buffer.alloc(32));
  attempt('checkpoint.signature', { size: String(cp.size) }, () => {
    if (!ledgerKey) throw new Error('no usable ledger key');
    const c = openCheckpointNote(cp.note, ledger.origin, ledgerRaw);
    if (c.size !== cp.size || hexOf(c.root) !== cp.rootHash) throw new Error('the stated size or root is not what the note signs');
    size = c.size;
    root = c.root;
    ok('checkpoint.signature', { size: c.size, root: hexOf(c.root), time: c.time });
  });

  // Events
  const entries = Array.isArray(b.events) ? b.events : [];
  if (entries.length === 0) bad('event.record', { n: 0, position: 0 }, 'the bundle has no events');
  const events = [];
  let last = 0;
  entries.forEach((entry, i) => {
    const n = i + 1;
    const position = entry?.position;
    const params = { n, position: String(position) };
    attempt('event.record', params, () => {
      if (typeof entry.record !== 'string') throw new Error('record is not a string');
      const e = JSON.parse(entry.record);
      if (canonicalJson(e) !== entry.record) throw new Error('record is not canonical JSON');
      if (!Number.isSafeInteger(position) || e.position !== position || position <= last) throw new Error(`record at position ${e.position} listed as ${position}`);
      if (typeof e.type !== 'string' || typeof e.streamId !== 'string' || typeof e.metadata?.actorId !== 'string') throw new Error('record is not an event');
      last = position;
      events.push({ n, position, e });
      ok('event.record', { ...params, type: e.type, stream: e.streamId, actor: e.metadata.actorId, at: String(e.metadata.occurredAt) });
    });
    const leaf = typeof entry?.record === 'string' ? leafOf(entry.record) : Buffer.alloc(0);
    if (hexOf(leaf) === entry?.leafHash) ok('event.leaf', { ...params, leaf: entry.leafHash });
    else bad('event.leaf', params, 'the leaf hash is not SHA-256(0x00 ‖ record)');
    attempt('event.proof', params, () => {
      if (!Array.isArray(entry.proof) || entry.proof.length > 64) throw new Error('proof is not a list of hashes');
      const path = entry.proof.map((h) => hash32(h) ?? (() => { throw new Error('proof element is not a 32-byte hex hash'); })());
      if (leaf.length !== 32) throw new Error('no leaf');
      if (!rootFromInclusion(position - 1, size, leaf, path).equals(root)) throw new Error('the inclusion proof does not lead to the checkpoint root');
      ok('event.proof', { ...params, size, hashes: path.length });
    });
  });

  // Approvers' keys and ledger key rotations
  const keys = [];
  const links = [];
  for (const { n, position, e } of events) {
    const d = e.data ?? {};
    if (e.type === 'UserKeyRegistered') {
      const raw = base64Strict(d.publicKey);
      if (raw && ed25519Key(raw) && d.keyId === hexOf(sha256(raw)) && d.algorithm === 'ed25519') ok('event.key', { n, position, user: String(d.userId), keyId: d.keyId, custody: String(d.custody) });
      else bad('event.key', { n, position }, 'the registered key is not an Ed25519 key named by its SHA-256');
      const revoked = events.find((x) => x.position > position && x.e.type === 'UserKeyRevoked' && x.e.data?.userId === d.userId && x.e.data?.keyId === d.keyId);
      keys.push({ userId: String(d.userId), keyId: String(d.keyId), algorithm: String(d.algorithm), publicKey: String(d.publicKey), custody: String(d.custody), registeredAt: position, revokedAt: revoked ? revoked.position : null });
    } else if (e.type === 'CheckpointKeyRotated') {
      attempt('event.rotation', { n, position }, () => {
        const before = base64Strict(d.previousPublicKey);
        const after = base64Strict(d.publicKey);
        if (!before || !after || hexOf(sha256(before)) !== d.previousKeyId || hexOf(sha256(after)) !== d.keyId) throw new Error('the rotation does not name two keys by their SHA-256');
        const statement = canonicalJson({ algorithm: d.algorithm, keyId: d.keyId, origin: d.origin, previousKeyId: d.previousKeyId, previousPublicKey: d.previousPublicKey, publicKey: d.publicKey, rotatedAt: d.rotatedAt });
        const env = d.envelope ?? {};
        if (env.payloadType !== ROTATION_PAYLOAD_TYPE || base64Either(env.payload)?.toString('utf8') !== statement) throw new Error('the rotation envelope signs another statement');
        if (dsseSignedBy(env, new Map([[d.previousKeyId, ed25519Key(before)]])) === null) throw new Error('not signed by the previous key');
        if (dsseSignedBy(env, new Map([[d.keyId, ed25519Key(after)]])) === null) throw new Error('not signed by the new key');
        links.push([d.previousKeyId, d.keyId]);
        ok('event.rotation', { n, position, from: d.previousKeyId, to: d.keyId });
      });
    }
  }
  attempt('summary.approverKeys', {}, () => {
    if (canonicalJson(keys) !== canonicalJson(b.approverKeys ?? null)) throw new Error('approverKeys is not what the key events establish');
    ok('summary.approverKeys', { count: keys.length });
  });

  // Envelopes
  const refs = [];
  let envelopeCount = 0;
  for (const { n, position, e } of events) {
    const signer = e.metadata.actorId;
    const usable = new Map();
    for (const k of keys) {
      if (k.userId !== signer || k.registeredAt >= position || (k.revokedAt !== null && k.revokedAt <= position)) continue;
      const raw = base64Strict(k.publicKey);
      const key = raw ? ed25519Key(raw) : null;
      if (key) usable.set(k.keyId, key);
    }
    // A key rotation's envelope is the ledger's own, checked above; every other envelope is an approval.
    const found = e.type === 'CheckpointKeyRotated' ? [] : envelopesIn(e.data, '/data');
    for (const { path, envelope } of found) {
      envelopeCount++;
      const params = { n, position, path, signer, payloadType: envelope.payloadType };
      let signedBy = null;
      attempt('envelope', params, () => {
        if (usable.size === 0) throw new Error(`${signer} had no registered, unrevoked key at position ${position}`);
        signedBy = dsseSignedBy(envelope, usable);
        if (signedBy === null) throw new Error('no signature verifies under those keys');
        let statement = null;
        try {
          statement = JSON.parse(base64Either(envelope.payload).toString('utf8'));
        } catch {
          statement = null;
        }
        // A signed statement must say what the event records, field by field, wherever both name the field.
        const d = e.data ?? {};
        const recorded = { decision: d.decision, recordHash: d.recordHash, comment: d.comment, signer, recordStreamId: d.record?.streamId, recordVersion: d.record?.version };
        for (const field of Object.keys(recorded)) {
          if (statement && typeof statement === 'object' && statement[field] !== undefined && recorded[field] !== undefined && statement[field] !== recorded[field]) {
            throw new Error(`the envelope signs ${field} ${JSON.stringify(statement[field])}, the event records ${JSON.stringify(recorded[field])}`);
          }
        }
        const key = keys.find((k) => k.keyId === signedBy && k.userId === signer);
        ok('envelope', { ...params, keyId: signedBy, custody: key.custody, registeredAt: key.registeredAt });
      });
      const claimed = envelope.signatures.find((s) => typeof s?.keyid === 'string')?.keyid;
      refs.push({ position, path, signer, keyId: signedBy ?? dsseSignedBy(envelope, usable) ?? claimed ?? '' });
    }
  }
  refs.sort((a, c) => a.position - c.position || (a.path < c.path ? -1 : a.path > c.path ? 1 : 0));
  attempt('summary.envelopes', {}, () => {
    if (canonicalJson(refs) !== canonicalJson(b.envelopes ?? null)) throw new Error('envelopes is not what the events hold');
    ok('summary.envelopes', { count: refs.length });
  });

  // Latest checkpoint
  if (b.latest !== null) {
    const latest = typeof b.latest === 'object' && b.latest !== undefined ? b.latest : {};
    let later = null;
    attempt('latest.signature', { size: String(latest.size) }, () => {
      if (!ledgerKey) throw new Error('no usable ledger key');
      later = openCheckpointNote(latest.note, ledger.origin, ledgerRaw);
      if (later.size !== latest.size || hexOf(later.root) !== latest.rootHash) throw new Error('the stated size or root is not what the note signs');
      ok('latest.signature', { size: later.size, root: hexOf(later.root), time: later.time });
    });
    attempt('latest.consistency', { from: size, to: String(latest.size) }, () => {
      if (!later) throw new Error('no verified latest checkpoint');
      if (later.size <= size) throw new Error('the latest checkpoint is not newer');
      if (!Array.isArray(latest.consistencyProof)) throw new Error('no proof');
      const proof = latest.consistencyProof.map((h) => hash32(h) ?? (() => { throw new Error('proof element is not a 32-byte hex hash'); })());
      checkConsistency(size, later.size, proof, root, later.root);
      ok('latest.consistency', { from: size, to: later.size, hashes: proof.length });
    });
  }

  // The ledger's signature over the bundle
  attempt('export.signature', {}, () => {
    const { exportSignature, ...body } = b;
    if (exportSignature?.payloadType !== EXPORT_PAYLOAD_TYPE) throw new Error('another payload type');
    const message = pae(EXPORT_PAYLOAD_TYPE, Buffer.from(canonicalJson(body), 'utf8'));
    const sig = (Array.isArray(exportSignature.signatures) ? exportSignature.signatures : []).find((s) => s?.keyid === ledgerKeyId);
    if (!sig || !ed25519Verify(ledgerKey, message, base64Strict(sig.sig))) throw new Error('no valid signature by the ledger key over the bundle');
    ok('export.signature', { at: String(b.exportedAt), by: String(b.exportedBy?.actorId), role: String(b.exportedBy?.actorRole) });
  });

  // A pinned key: the bundle's, or joined to it by proven rotations (each signed by both keys).
  if (options.ledgerKey !== undefined) {
    const raw = base64Strict(options.ledgerKey);
    const pinnedId = raw && raw.length === 32 ? hexOf(sha256(raw)) : '';
    const joined = new Set([ledgerKeyId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [x, y] of links) {
        if (joined.has(x) !== joined.has(y)) {
          joined.add(x);
          joined.add(y);
          grew = true;
        }
      }
    }
    if (pinnedId && joined.has(pinnedId)) ok('ledger.pinned', { keyId: pinnedId });
    else bad('ledger.pinned', { keyId: pinnedId || String(options.ledgerKey) }, 'the bundle is not signed by the pinned key or a key joined to it by rotations');
  }

  return result(entries.length, envelopeCount);
}

// ── Report, in English, Vietnamese and Chinese ───────────────────────────────────────────────────────────────

const T = {
  'bundle.json': ['The file is a JSON evidence bundle', 'Tệp là một gói chứng cứ JSON', '文件为 JSON 格式的证据包', 'the file is not JSON', 'tệp không phải JSON', '文件不是 JSON'],
  'bundle.canonical': ['The file is byte for byte as exported (canonical JSON)', 'Tệp giữ nguyên từng byte như khi xuất (JSON chuẩn tắc)', '文件与导出时逐字节一致（规范化 JSON）', 'file form (re-formatted or edited)', 'dạng tệp (đã bị định dạng lại hoặc sửa)', '文件格式（已被重排或修改）'],
  'bundle.format': ['Format {format}', 'Định dạng {format}', '格式 {format}', 'format {format}', 'định dạng {format}', '格式 {format}'],
  'ledger.key': ['Ledger key {keyId}', 'Khóa sổ cái {keyId}', '台账密钥 {keyId}', 'ledger key', 'khóa sổ cái', '台账密钥'],
  'ledger.pinned': ['The ledger key is the one you gave ({keyId}) or joined to it by proven rotations', 'Khóa sổ cái là khóa bạn cung cấp ({keyId}) hoặc được nối với nó qua các lần thay khóa đã chứng minh', '台账密钥即您指定的密钥（{keyId}）或经已证明的轮换与之相连', 'pinned ledger key {keyId}', 'khóa sổ cái được chỉ định {keyId}', '指定的台账密钥 {keyId}'],
  'checkpoint.signature': ['Checkpoint of {size} events (root {root}, signed {time}): signature by the ledger key valid', 'Điểm kiểm chứng {size} sự kiện (gốc {root}, ký lúc {time}): chữ ký của sổ cái hợp lệ', '{size} 个事件的检查点（根 {root}，签署于 {time}）：台账签名有效', 'checkpoint signature', 'chữ ký điểm kiểm chứng', '检查点签名'],
  'event.record': ['Event {n} (position {position}): {type} on {stream} by {actor} at {at}', 'Sự kiện {n} (vị trí {position}): {type} trên {stream}, do {actor}, lúc {at}', '事件 {n}（位置 {position}）：{stream} 上的 {type}，{actor}，{at}', 'record of event {n}', 'bản ghi sự kiện {n}', '事件 {n} 的记录'],
  'event.leaf': ['Event {n}: leaf hash matches its canonical bytes', 'Sự kiện {n}: băm lá khớp với các byte chuẩn tắc', '事件 {n}：叶哈希与规范化字节一致', 'event {n} leaf', 'lá của sự kiện {n}', '事件 {n} 的叶哈希'],
  'event.proof': ['Event {n}: included in the checkpoint of {size} (proof of {hashes} hashes)', 'Sự kiện {n}: nằm trong điểm kiểm chứng {size} (bằng chứng {hashes} băm)', '事件 {n}：包含在规模 {size} 的检查点中（证明含 {hashes} 个哈希）', 'proof of event {n}', 'bằng chứng của sự kiện {n}', '事件 {n} 的包含证明'],
  'event.key': ['Event {n}: key {keyId} registered for {user} (custody: {custody})', 'Sự kiện {n}: khóa {keyId} đăng ký cho {user} (người giữ: {custody})', '事件 {n}：为 {user} 登记的密钥 {keyId}（保管：{custody}）', 'key of event {n}', 'khóa trong sự kiện {n}', '事件 {n} 中的密钥'],
  'event.rotation': ['Event {n}: ledger key rotated from {from} to {to}, signed by both', 'Sự kiện {n}: khóa sổ cái thay từ {from} sang {to}, có chữ ký của cả hai', '事件 {n}：台账密钥由 {from} 轮换为 {to}，双方签名', 'key rotation in event {n}', 'thay khóa trong sự kiện {n}', '事件 {n} 中的密钥轮换'],
  envelope: ['Envelope of event {n} ({path}): signed by {signer} with key {keyId} (custody: {custody})', 'Phong bì chữ ký của sự kiện {n} ({path}): {signer} ký bằng khóa {keyId} (người giữ: {custody})', '事件 {n} 的签名信封（{path}）：{signer} 以密钥 {keyId} 签名（保管：{custody}）', 'envelope of event {n}', 'phong bì chữ ký của sự kiện {n}', '事件 {n} 的签名信封'],
  'summary.approverKeys': ['Approvers’ keys: {count}, as the key events establish', 'Khóa người phê duyệt: {count}, đúng như các sự kiện khóa', '审批人密钥：{count} 把，与密钥事件一致', 'approvers’ key list', 'danh sách khóa người phê duyệt', '审批人密钥列表'],
  'summary.envelopes': ['Signatures listed: {count}, as found in the events', 'Chữ ký được liệt kê: {count}, đúng như trong sự kiện', '列出的签名：{count} 个，与事件一致', 'signature list', 'danh sách chữ ký', '签名列表'],
  'latest.signature': ['Latest checkpoint: {size} events (signed {time}), signature valid', 'Điểm kiểm chứng mới nhất: {size} sự kiện (ký lúc {time}), chữ ký hợp lệ', '最新检查点：{size} 个事件（签署于 {time}），签名有效', 'latest checkpoint signature', 'chữ ký điểm kiểm chứng mới nhất', '最新检查点签名'],
  'latest.consistency': ['The latest checkpoint ({to}) extends the bundle’s ({from})', 'Điểm kiểm chứng mới nhất ({to}) nối tiếp điểm của gói ({from})', '最新检查点（{to}）是证据包检查点（{from}）的延续', 'consistency proof', 'bằng chứng nhất quán', '一致性证明'],
  'export.signature': ['The ledger signed this export ({at}, requested by {by}, {role})', 'Sổ cái đã ký bản xuất này ({at}, do {by} yêu cầu, {role})', '台账已签署本次导出（{at}，由 {by}（{role}）申请）', 'export signature', 'chữ ký bản xuất', '导出签名'],
};
const WORDS = {
  title: ['Evidence bundle verification (standalone verifier)', 'Kiểm chứng gói chứng cứ (trình kiểm chứng độc lập)', '证据包验证（独立验证程序）'],
  failedPrefix: ['FAILED', 'KHÔNG ĐẠT', '未通过'],
  fromBundle: [
    'Note: the ledger key was taken from the bundle itself: this proves integrity, not the ledger’s identity. Compare {keyId} with the key the ledger publishes, or use --ledger-key.',
    'Lưu ý: khóa sổ cái được lấy từ chính gói: điều này chứng minh tính toàn vẹn, không chứng minh danh tính của sổ cái. Hãy đối chiếu {keyId} với khóa sổ cái công bố, hoặc dùng --ledger-key.',
    '注意：台账密钥取自证据包本身：这只证明完整性，不证明台账身份。请将 {keyId} 与台账公布的密钥核对，或使用 --ledger-key。',
  ],
  verified: ['RESULT: VERIFIED — {events} events, {envelopes} signatures', 'KẾT QUẢ: ĐÃ KIỂM CHỨNG — {events} sự kiện, {envelopes} chữ ký', '结论：验证通过 — {events} 个事件，{envelopes} 个签名'],
  failed: ['RESULT: FAILED — {count} check(s) failed: {names}', 'KẾT QUẢ: KHÔNG ĐẠT — {count} mục thất bại: {names}', '结论：验证失败 — {count} 项未通过：{names}'],
};
const LANGS = ['en', 'vi', 'zh'];
const fill = (s, p) => s.replace(/\{(\w+)\}/g, (w, k) => (p[k] === undefined ? w : String(p[k])));

export function renderReport(report, lang) {
  const i = Math.max(0, LANGS.indexOf(lang));
  const lines = [WORDS.title[i]];
  for (const c of report.checks) {
    const t = T[c.id];
    lines.push(c.ok ? `  ✓ ${fill(t[i], c.params)}` : `  ✗ ${WORDS.failedPrefix[i]}: ${fill(t[3 + i], c.params)} — ${c.reason}`);
  }
  const key = report.checks.find((c) => c.id === 'ledger.key' && c.ok);
  if (report.keySource === 'bundle' && key) lines.push(fill(WORDS.fromBundle[i], key.params));
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(failed.length === 0 ? fill(WORDS.verified[i], report.counts) : fill(WORDS.failed[i], { count: failed.length, names: failed.map((c) => fill(T[c.id][3 + i], c.params)).join(', ') }));
  return lines;
}

function languageOf(explicit) {
  for (const c of [explicit, process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG]) {
    if (!c) continue;
    const primary = c.toLowerCase().split(/[_.@-]/)[0];
    if (LANGS.includes(primary)) return primary;
    if (c === explicit) break;
  }
  return 'en';
}

function main(argv) {
  const args = { file: undefined, lang: undefined, ledgerKey: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lang') args.lang = argv[++i];
    else if (a === '--ledger-key') args.ledgerKey = argv[++i];
    else if (a === '--json') args.json = true;
    else if (!a.startsWith('--') && args.file === undefined) args.file = a;
    else {
      process.stderr.write(`unknown argument ${a}\n`);
      return 2;
    }
  }
  if (!args.file) {
    process.stderr.write('usage: node verify-evidence.mjs <bundle.json> [--ledger-key <base64>] [--lang en|vi|zh] [--json]\n');
    return 2;
  }
  let text;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    process.stderr.write(`cannot read ${args.file}: ${e.code ?? e.message}\n`);
    return 2;
  }
  const report = verifyBundle(text, { ledgerKey: args.ledgerKey });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, languageOf(args.lang)).join('\n')}\n`);
  return report.ok ? 0 : 1;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main(process.argv.slice(2));
