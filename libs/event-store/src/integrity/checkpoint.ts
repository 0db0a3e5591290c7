/**
 * Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note), the format transparency-log
 * witnesses and monitors already read, so the ledger's tree heads can be cosigned and gossiped without a custom
 * format.
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]*
 *   \n
 *   — <key name> <base64(4-byte key ID ‖ signature)>\n   (one or more)
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import { rawPublicKey, signEd25519, verifyEd25519 } from './ed25519';
import { sha256 } from './hash';
import { failed } from './proof-check';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  extensions: string[];
}

export type CheckpointParse = { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

/** signed-note signature type 0x01: Ed25519 over the note text. */
export const NOTE_ALG_ED25519 = 0x01;

/**
 * One signature type. Only Ed25519 is implemented; another (e.g. ML-DSA-44 cosignatures) is added by writing a
 * suite and registering it under its node:crypto key type.
 */
interface NoteSuite {
  readonly algorithm: number;
  /** The public key bytes that go into the key ID. */
  publicKeyBytes(publicKey: KeyObject): Buffer;
  sign(privateKey: KeyObject, text: Buffer): Buffer;
  verify(publicKey: KeyObject, text: Buffer, sig: Buffer): boolean;
}

const SUITES: ReadonlyMap<string, NoteSuite> = new Map([
  [
    'ed25519',
    {
      algorithm: NOTE_ALG_ED25519,
      publicKeyBytes: rawPublicKey,
      sign: signEd25519,
      verify: verifyEd25519,
    },
  ],
]);

const HASH_BYTES = 32;
const KEY_ID_BYTES = 4;
const EM_DASH_SPACE = '\u2014 ';
/** signed-note requires accepting at least 16; this matches golang.org/x/mod/sumdb/note. */
const MAX_SIGNATURES = 100;
const MAX_NOTE_CHARS = 1 << 20;
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const BAD_KEY_NAME = /[\s+]/;

interface Es2024String {
  isWellFormed(): boolean;
}

/** The key ID: SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], i.e. signed-note's recommended one. */
export function noteKeyHash(name: string, rawPublicKey: Uint8Array, algorithm: number = NOTE_ALG_ED25519): Buffer {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), Buffer.of(algorithm), rawPublicKey).subarray(0, KEY_ID_BYTES);
}

/** Throws on a checkpoint that could not be parsed back: writing a malformed one is a bug, not an input error. */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  const lineProblem = (line: string): string | undefined =>
    line === '' ? 'is empty' : /[\u0000-\u001f]/.test(line) ? 'contains a control character or newline' : undefined;
  const originProblem = lineProblem(origin);
  if (originProblem !== undefined) throw new RangeError(`checkpoint origin ${originProblem}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`checkpoint size ${size} is not a non-negative safe integer`);
  if (rootHash.length !== HASH_BYTES) throw new RangeError(`checkpoint root hash is ${rootHash.length} bytes, expected ${HASH_BYTES}`);
  extensions.forEach((line, i) => {
    const problem = lineProblem(line);
    if (problem !== undefined) throw new RangeError(`checkpoint extension line ${i} ${problem}`);
  });
  const text = [origin, String(size), rootHash.toString('base64'), ...extensions].join('\n') + '\n';
  if (!(text as unknown as Es2024String).isWellFormed()) throw new RangeError('checkpoint text contains a lone surrogate');
  return text;
}

export function parseCheckpointBody(text: string): CheckpointParse {
  const problem = noteTextProblem(text);
  if (problem !== undefined) return failed(problem);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return failed(`checkpoint has ${lines.length} lines, needs origin, size and root hash`);
  const empty = lines.indexOf('');
  if (empty !== -1) return failed(`checkpoint line ${empty + 1} is empty`);
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!DECIMAL.test(sizeText)) return failed('tree size is not a decimal number without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return failed('tree size is beyond 2^53−1');
  const rootHash = decodeBase64Strict(rootText);
  if (rootHash === undefined) return failed('root hash is not canonical standard base64');
  if (rootHash.length !== HASH_BYTES) return failed(`root hash is ${rootHash.length} bytes, expected ${HASH_BYTES}`);
  return { ok: true, checkpoint: { origin, size, rootHash, extensions } };
}

/** Sign a note text (e.g. a checkpoint body) and return the whole signed note. */
export function signNote(body: string, name: string, privateKey: KeyObject): string {
  const problem = noteTextProblem(body) ?? keyNameProblem(name);
  if (problem !== undefined) throw new RangeError(problem);
  const suite = suiteFor(privateKey);
  if (suite === undefined) throw new TypeError(`no signed-note signature type for ${String(privateKey.asymmetricKeyType)} keys`);
  const keyId = noteKeyHash(name, suite.publicKeyBytes(createPublicKey(privateKey)), suite.algorithm);
  const sig = suite.sign(privateKey, Buffer.from(body, 'utf8'));
  return `${body}\n${EM_DASH_SPACE}${name} ${Buffer.concat([keyId, sig]).toString('base64')}\n`;
}

export interface NoteSignature {
  name: string;
  /** The 4-byte key ID that starts the signature blob. */
  keyId: Buffer;
  signature: Buffer;
}

export type NoteParse = { ok: true; text: string; signatures: NoteSignature[] } | { ok: false; reason: string };

/** Split a signed note into its text and signature lines, checking only the syntax. Nothing here is verified. */
export function parseNote(noteText: string): NoteParse {
  if (typeof noteText !== 'string') return failed('note is not a string');
  if (noteText.length > MAX_NOTE_CHARS) return failed('note is too large');
  // The text ends at the last blank line; signature lines never contain one.
  const split = noteText.lastIndexOf('\n\n');
  if (split === -1) return failed('note has no blank line before its signatures');
  const text = noteText.slice(0, split + 1);
  const problem = noteTextProblem(text);
  if (problem !== undefined) return failed(problem);
  const block = noteText.slice(split + 2);
  if (block === '') return failed('note has no signatures');
  if (!block.endsWith('\n')) return failed('signature block does not end with a newline');
  if (CONTROL.test(block) || !(block as unknown as Es2024String).isWellFormed()) {
    return failed('signature block contains a control character or invalid Unicode');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return failed(`note has more than ${MAX_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(EM_DASH_SPACE)) return failed(`signature line ${i + 1} does not start with "— "`);
    const parts = line.slice(EM_DASH_SPACE.length).split(' ');
    if (parts.length !== 2) return failed(`signature line ${i + 1} is not "— <name> <signature>"`);
    const [name, blob] = parts;
    const nameProblem = keyNameProblem(name);
    if (nameProblem !== undefined) return failed(`signature line ${i + 1}: ${nameProblem}`);
    const bytes = decodeBase64Strict(blob);
    if (bytes === undefined || bytes.length <= KEY_ID_BYTES) {
      return failed(`signature line ${i + 1}: signature is not canonical base64 of a key ID and a signature`);
    }
    signatures.push({ name, keyId: bytes.subarray(0, KEY_ID_BYTES), signature: bytes.subarray(KEY_ID_BYTES) });
  }
  return { ok: true, text, signatures };
}

/**
 * Check that the note carries a valid signature by (name, publicKey) and return its text. As signed-note
 * prescribes, signatures by other keys are ignored, and one failing signature by this key rejects the note.
 */
export function openNote(
  noteText: string,
  name: string,
  publicKey: KeyObject,
): { ok: true; text: string } | { ok: false; reason: string } {
  const suite = suiteFor(publicKey);
  if (suite === undefined) return failed(`no signed-note signature type for ${String(publicKey.asymmetricKeyType)} keys`);
  const note = parseNote(noteText);
  if (!note.ok) return note;
  const keyId = noteKeyHash(name, suite.publicKeyBytes(publicKey), suite.algorithm);
  const mine = note.signatures.filter((s) => s.name === name && s.keyId.equals(keyId));
  if (mine.length === 0) return failed(`no signature by ${name}+${keyId.toString('hex')}`);
  const signed = Buffer.from(note.text, 'utf8');
  for (const s of mine) {
    if (!suite.verify(publicKey, signed, s.signature)) return failed(`signature by ${name} does not verify`);
  }
  return { ok: true, text: note.text };
}

/** openNote, then parse the text as a checkpoint. The caller still decides whether the origin is the expected log. */
export function verifyNote(noteText: string, name: string, publicKey: KeyObject): CheckpointParse {
  const opened = openNote(noteText, name, publicKey);
  if (!opened.ok) return opened;
  return parseCheckpointBody(opened.text);
}

function suiteFor(key: KeyObject): NoteSuite | undefined {
  return key.asymmetricKeyType === undefined ? undefined : SUITES.get(key.asymmetricKeyType);
}

function noteTextProblem(text: string): string | undefined {
  if (typeof text !== 'string') return 'note text is not a string';
  if (text === '' || !text.endsWith('\n')) return 'note text does not end with a newline';
  if (CONTROL.test(text)) return 'note text contains a control character other than newline';
  if (!(text as unknown as Es2024String).isWellFormed()) return 'note text contains a lone surrogate';
  return undefined;
}

function keyNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return 'key name is empty';
  if (BAD_KEY_NAME.test(name)) return 'key name contains a space or a plus sign';
  if (CONTROL.test(name) || name.includes('\n')) return 'key name contains a control character';
  return undefined;
}
