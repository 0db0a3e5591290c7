import { createPublicKey } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  checkpointConfigFromEnv,
  checkpointKeyFromPem,
  Checkpointer,
  defaultCheckpointKeyPath,
  generateCheckpointKey,
  loadOrCreateCheckpointKey,
  storeConfigFromEnv,
  systemClock,
  verifyCheckpoints,
  writeKeyFileExclusive,
  type CheckpointKey,
  type CheckpointReport,
  type Clock,
  type LedgerStore,
  type VerifyReport,
} from '@ledger/event-store';
import { cliActor } from './users';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

/**
 * The CLI's checkpointer: the same key (LEDGER_CHECKPOINT_KEY_FILE, or the one generated under LEDGER_DATA_DIR)
 * and origin as the API, so a checkpoint signed here and one signed by the API belong to one chain. Its events are
 * recorded as the local administrator.
 */
export async function cliCheckpointer(store: LedgerStore, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Promise<Checkpointer> {
  const config = checkpointConfigFromEnv(env, storeConfigFromEnv(env).dataDir);
  const { key, created, path, warnings } = await loadOrCreateCheckpointKey(config);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (created) process.stderr.write(`generated the ledger's checkpoint key in ${path} (mode 0600)\n`);
  const actor = cliActor(env);
  return new Checkpointer({
    store,
    key,
    origin: config.origin,
    clock,
    everyEvents: config.everyEvents,
    everySeconds: config.everySeconds,
    actor: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit },
  });
}

/** `ledger checkpoint` (sign one now, or rotate the key) and `ledger checkpoints` (list, show one, public key). */
export function registerCheckpointCommands(program: Command, withStore: WithStore): void {
  program
    .command('checkpoint')
    .description('sign a checkpoint of the log now (if anything was appended since the last one) and print its signed note')
    .option('--json', 'print the stored checkpoint as JSON')
    .option('--rotate-key', "hand the ledger's signature over to a new key (recorded in the log, signed by the old key)")
    .option('--new-key-file <pem>', 'with --rotate-key: the new PKCS#8 PEM key (default: generate one in place of the current default key)')
    .action(async (opts: { json?: boolean; rotateKey?: boolean; newKeyFile?: string }) => {
      await withStore(async (store) => {
        const checkpointer = await cliCheckpointer(store);
        if (opts.rotateKey) await rotate(checkpointer, opts.newKeyFile);
        const { checkpoint, signed } = await checkpointer.signNow();
        if (!checkpoint) {
          process.stderr.write('the log is empty: nothing to sign\n');
          return;
        }
        process.stderr.write(
          signed
            ? `signed checkpoint of size ${checkpoint.size} (event at position ${checkpoint.position})\n`
            : `nothing appended since the checkpoint of size ${checkpoint.size}: not signing an unchanged tree\n`,
        );
        if (opts.json) console.log(JSON.stringify(checkpoint, null, 2));
        else process.stdout.write(checkpoint.note);
      });
    });

  program
    .command('checkpoints')
    .description('list the signed checkpoints stored in the log; --size prints the signed note of one')
    .option('--size <n>', 'print the note of the checkpoint of this tree size')
    .option('--public-key', "print the ledger's current public key (base64 of the raw Ed25519 key) and its key id")
    .option('--json', 'print JSON')
    .action(async (opts: { size?: string; publicKey?: boolean; json?: boolean }) => {
      await withStore(async (store) => {
        const checkpointer = await cliCheckpointer(store);
        const log = checkpointer.log;
        await log.refresh();
        if (opts.publicKey) {
          const key = { algorithm: 'ed25519', keyId: checkpointer.key.keyId, publicKey: checkpointer.key.publicKeyBase64, origin: checkpointer.origin };
          console.log(opts.json ? JSON.stringify(key, null, 2) : `${key.publicKey}\t${key.keyId}\t${key.origin}`);
          return;
        }
        if (opts.size !== undefined) {
          const found = log.bySize(Number(opts.size));
          if (!found) throw Object.assign(new Error(`no checkpoint of size ${opts.size}`), { code: 'CHECKPOINT.NOT_FOUND' });
          if (opts.json) console.log(JSON.stringify(found, null, 2));
          else process.stdout.write(found.note);
          return;
        }
        const rows = log.checkpoints().map((c) => ({ size: c.size, rootHash: c.rootHash, signedAt: c.signedAt, keyId: c.keyId, position: c.position }));
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else for (const r of rows) console.log([r.size, r.rootHash, r.signedAt, r.keyId.slice(0, 16), `@${r.position}`].join('\t'));
      });
    });
}

/**
 * Rotation with the default key file: the new key is written beside it first (`.next.pem`), the rotation is
 * appended, then the old file is kept as `.<old key id>.retired.pem` and the new one takes its place. With
 * LEDGER_CHECKPOINT_KEY_FILE the operator supplies the new key and points the variable at it afterwards.
 */
async function rotate(checkpointer: Checkpointer, newKeyFile: string | undefined): Promise<void> {
  const env = process.env;
  let next: CheckpointKey;
  if (newKeyFile) {
    next = checkpointKeyFromPem(await readFile(newKeyFile), newKeyFile);
    await checkpointer.rotateKey(next);
    process.stderr.write(`rotated the checkpoint key to ${next.keyId}; set LEDGER_CHECKPOINT_KEY_FILE=${newKeyFile} for the API and the CLI\n`);
    return;
  }
  if (env.LEDGER_CHECKPOINT_KEY_FILE) {
    throw Object.assign(new Error('LEDGER_CHECKPOINT_KEY_FILE is set: give the new key with --new-key-file'), { code: 'CHECKPOINT.KEY_FILE_NEEDED' });
  }
  const path = defaultCheckpointKeyPath(storeConfigFromEnv(env).dataDir);
  const staged = join(dirname(path), 'checkpoint-ed25519.next.pem');
  next = generateCheckpointKey();
  await writeKeyFileExclusive(staged, next);
  const previous = checkpointer.key;
  await checkpointer.rotateKey(next);
  await rename(path, join(dirname(path), `checkpoint-ed25519.${previous.keyId.slice(0, 16)}.retired.pem`));
  await rename(staged, path);
  process.stderr.write(`rotated the checkpoint key to ${next.keyId}; the previous key is kept as retired in ${dirname(path)}\n`);
}

export interface VerifyOptions {
  readonly json?: boolean;
  /** Files holding checkpoints obtained out of band (signed notes). */
  readonly against?: readonly string[];
  /** The ledger key the verifier trusts (base64 of the raw Ed25519 key). */
  readonly ledgerKey?: string;
  /**
   * A file holding the ledger key an auditor pinned (base64 of the raw key, `ledger checkpoints --public-key`
   * output or its --json, or a PEM public key): checkpoints and witness notes are judged against it, not against
   * the key the database claims.
   */
  readonly pinnedKey?: string;
}

/** Thrown for a pinned-key file that holds no Ed25519 public key (its content is never quoted: it may be anything). */
export class PinnedKeyError extends Error {
  readonly code = 'VERIFY.PINNED_KEY_INVALID';
}

/** The base64 raw Ed25519 public key in a pinned-key file (see `VerifyOptions.pinnedKey` for the formats). */
export async function readPinnedKey(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PinnedKeyError(`cannot read the pinned key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parsePinnedKey(text, file);
}

/** The base64 raw Ed25519 public key in the text of a pinned-key file; `file` names it in errors. */
export function parsePinnedKey(content: string, file: string): string {
  const text = content.trim();
  // Canonical standard base64 of exactly 32 bytes (the form `ledger checkpoints --public-key` prints).
  const rawBase64 = (candidate: unknown): string | undefined =>
    typeof candidate === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(candidate) && Buffer.from(candidate, 'base64').toString('base64') === candidate ? candidate : undefined;
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) {
    try {
      const key = createPublicKey({ key: text, format: 'pem' });
      if (key.asymmetricKeyType === 'ed25519') {
        const x = key.export({ format: 'jwk' }).x;
        if (typeof x === 'string') return Buffer.from(x, 'base64url').toString('base64');
      }
    } catch {
      // reported below
    }
    throw new PinnedKeyError(`the pinned key file ${file} holds a PEM public key that is not Ed25519`);
  }
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const key = rawBase64((parsed as { publicKey?: unknown } | undefined)?.publicKey);
    if (key) return key;
    throw new PinnedKeyError(`the pinned key file ${file} is JSON without a "publicKey" of 32 bytes in base64`);
  }
  const key = rawBase64(text.split(/\s+/)[0]);
  if (key) return key;
  throw new PinnedKeyError(`the pinned key file ${file} holds no Ed25519 public key (base64 of 32 bytes, \`ledger checkpoints --public-key\` output, or PEM)`);
}

/**
 * `ledger verify`: every leaf and stored node (the store's own check), then every stored checkpoint — signature
 * by the ledger's key chain, root equal to the recomputed root at its size, consistency with the one before it,
 * no two of one size with different roots — and each `--against` checkpoint. Returns the exit code: 0 or 1.
 */
export async function verifyLedger(store: LedgerStore, opts: VerifyOptions): Promise<number> {
  const pinned = opts.pinnedKey === undefined ? undefined : await readPinnedKey(opts.pinnedKey);
  if (pinned !== undefined && opts.ledgerKey !== undefined && opts.ledgerKey !== pinned) {
    throw Object.assign(new Error(`--ledger-key and the key in ${opts.pinnedKey} differ: pin one ledger key`), { code: 'VERIFY.PINNED_KEY_CONFLICT' });
  }
  const witnesses = await Promise.all((opts.against ?? []).map(async (file) => ({ source: file, note: await readFile(file, 'utf8') })));
  const report = await store.verify({
    onProgress: (checked, total) => {
      if (!opts.json && process.stderr.isTTY) process.stderr.write(`\rverifying ${checked}/${total}`);
    },
  });
  if (process.stderr.isTTY && !opts.json) process.stderr.write('\n');
  const checkpoints = await verifyCheckpoints(store, { pinnedKey: pinned ?? opts.ledgerKey, witnesses });
  if (opts.json) console.log(JSON.stringify({ ...report, ok: report.ok && checkpoints.ok, checkpoints }, null, 2));
  else for (const line of [...describeLog(report), ...describeCheckpoints(checkpoints)]) console.log(line);
  return report.ok && checkpoints.ok ? 0 : 1;
}

function describeLog(report: VerifyReport): string[] {
  if (report.ok) return [`OK: ${report.eventsChecked} events verified; tree size ${report.treeHead.size}, root ${report.treeHead.rootHash}`];
  const [first, ...rest] = report.problems;
  return [
    `FAILED at position ${first.position}: ${first.code}: ${first.message}`,
    ...rest.map((p) => `  also position ${p.position}: ${p.code}: ${p.message}`),
  ];
}

const WITNESS_CODES: readonly string[] = ['WITNESS_INVALID', 'WITNESS_MISMATCH', 'WITNESS_KEY'];

function describeCheckpoints(report: CheckpointReport): string[] {
  const lines: string[] = [];
  if (report.checkpoints === 0 && report.rotations === 0) {
    lines.push('no signed checkpoint in the log yet (sign one with `ledger checkpoint`)');
  } else {
    const current = report.keys.at(-1);
    const trust =
      report.trust === 'pinned'
        ? 'the pinned ledger key is in the chain'
        : `ledger key ${current?.keyId ?? '?'} was taken from the log itself: this proves the checkpoints hang together, not whose key it is (pin it with --pinned-key <file> or --ledger-key)`;
    const status = report.problems.some((p) => !WITNESS_CODES.includes(p.code)) ? 'FAILED' : 'OK';
    lines.push(
      `${status}: ${report.checkpoints} checkpoint(s) checked (signature, root at their size, consistency), ${report.rotations} key rotation(s); ${trust}`,
    );
    if (report.latest) lines.push(`  latest: size ${report.latest.size}, root ${report.latest.rootHash}`);
  }
  if (report.witnesses > 0) {
    const failed = report.problems.filter((p) => WITNESS_CODES.includes(p.code)).length;
    const against = report.trust === 'pinned' ? 'against it and the pinned ledger key' : "against it (signatures under the log's own keys: pin the ledger key to check whose they are)";
    lines.push(`${failed === 0 ? 'OK' : 'FAILED'}: ${report.witnesses} checkpoint(s) from outside the log checked ${against}`);
  }
  for (const p of report.problems) lines.push(`  ${p.code}: ${p.message}`);
  return lines;
}
