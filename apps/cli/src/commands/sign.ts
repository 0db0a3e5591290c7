import { createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, open, readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  isStreamId,
  optionalText,
  parseStreamId,
  SIGN_OFF_DECISIONS,
  SIGN_OFF_PAYLOAD_TYPE,
  userKeyIdOf,
  type SignOffDecision,
  type SignOffStatement,
} from '@ledger/domain';
import { canonicalize, generateEd25519, rawPublicKey, signEnvelope, systemClock, type Clock, type DsseEnvelope, type LedgerStore } from '@ledger/event-store';
import { recordForms, recordHashOf } from '@ledger/projections';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

export interface SignOptions {
  /** PKCS#8 PEM of the approver's Ed25519 private key. */
  readonly key: string;
  readonly record: string;
  readonly decision: SignOffDecision;
  readonly comment?: string;
  /** The approver's user id; with `url` it defaults to the token's user (`GET /v1/me`). */
  readonly signer?: string;
  /** The version the approver saw; default: the record's current version. */
  readonly version?: number;
  /** The ledger's API (`https://ledger.example/`): the record is read from it as GET serves it. Else the local store. */
  readonly url?: string;
  readonly token?: string;
  /** POST the signed sign-off to `url` and print the ledger's answer instead of the envelope. */
  readonly submit?: boolean;
  readonly signOffId?: string;
}

export interface SignResult {
  readonly statement: SignOffStatement;
  readonly envelope: DsseEnvelope;
  /** With `submit`: the ledger's status and answer. */
  readonly submitted?: { readonly status: number; readonly body: unknown };
}

const PLURAL: Readonly<Record<string, string>> = { task: 'tasks', directive: 'directives', unit: 'units' };

/**
 * `ledger sign`: the approver signs a sign-off with their own key, which never leaves their machine. The statement
 * is what the ledger will check: decision, record, version, the SHA-256 of the record's canonical form at that
 * version (as `GET /v1/<records>/<id>` serves it, or folded from the local store), comment, signer and time, as
 * RFC 8785 canonical JSON in a DSSE v1 envelope. The key id is the hex SHA-256 of the raw public key, the id the
 * ledger gave the key when it was registered.
 */
export async function signSignOff(options: SignOptions, deps: { withStore?: WithStore; clock?: Clock; fetch?: typeof fetch } = {}): Promise<SignResult> {
  const http = deps.fetch ?? fetch;
  if (!isStreamId(options.record) || PLURAL[parseStreamId(options.record)!.kind] === undefined) {
    throw new CliError(`--record must be a task, directive or unit stream id (task-…, directive-…, unit-…), got ${JSON.stringify(options.record)}`);
  }
  const privateKey = await readPrivateKey(options.key);
  const keyid = userKeyIdOf(rawPublicKey(privateKey));
  const base = options.url?.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    if (!base) throw new CliError('--url is needed to talk to the ledger');
    const res = await http(`${base}${path}`, {
      method,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed };
  };

  let current: { version: number; hash: string };
  let signer = options.signer;
  if (base) {
    const { kind, id } = parseStreamId(options.record)!;
    const res = await call('GET', `/v1/${PLURAL[kind]}/${encodeURIComponent(id)}`);
    if (res.status !== 200) throw new CliError(`reading ${options.record}: ${res.status} ${JSON.stringify(res.body)}`);
    const representation = res.body as { version: number };
    current = { version: representation.version, hash: recordHashOf(representation) };
    if (signer === undefined) {
      const me = await call('GET', '/v1/me');
      if (me.status !== 200) throw new CliError(`asking the ledger who the token belongs to: ${me.status} ${JSON.stringify(me.body)}`);
      signer = (me.body as { id: string }).id;
    }
  } else {
    if (!deps.withStore) throw new CliError('give --url (the ledger API) or run where the store is configured');
    if (signer === undefined) throw new CliError('--signer <user id> is needed when signing from the local store');
    const forms = await deps.withStore((store) => store.readStream(options.record)).then((events) => recordForms(options.record, events));
    const last = forms.at(-1);
    if (!last) throw new CliError(`${options.record} has no events`);
    current = { version: last.version, hash: last.hash };
  }
  if (options.version !== undefined && options.version !== current.version) {
    throw new CliError(`${options.record} is at version ${current.version}, not ${options.version}: read it again before signing`);
  }

  const now = (deps.clock ?? systemClock).now().toISOString();
  const statement: SignOffStatement = {
    decision: options.decision,
    recordStreamId: options.record,
    recordVersion: current.version,
    recordHash: current.hash,
    comment: optionalText(options.comment),
    signer: signer!,
    signedAt: `${now.slice(0, 19)}Z`,
  };
  const envelope = signEnvelope(SIGN_OFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement), 'utf8'), { keyid, privateKey });
  if (!options.submit) return { statement, envelope };
  const submitted = await call('POST', '/v1/signoffs', {
    ...(options.signOffId ? { signOffId: options.signOffId } : {}),
    record: { streamId: options.record, version: current.version },
    decision: options.decision,
    ...(statement.comment === null ? {} : { comment: statement.comment }),
    signature: envelope,
  });
  return { statement, envelope, submitted };
}

/** `ledger keygen`: a new Ed25519 key in a PKCS#8 PEM file (mode 0600), and what to register. */
export async function generateSigningKey(out: string): Promise<{ keyId: string; publicKey: string; file: string }> {
  const pair = generateEd25519();
  const handle = await open(out, 'wx', 0o600);
  try {
    await handle.writeFile(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'utf8');
  } finally {
    await handle.close();
  }
  await chmod(out, 0o600);
  const raw = rawPublicKey(pair.publicKey);
  return { keyId: userKeyIdOf(raw), publicKey: raw.toString('base64'), file: out };
}

export class CliError extends Error {
  readonly code = 'CLI.USAGE';
}

async function readPrivateKey(path: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: await readFile(path), format: 'pem' });
  } catch {
    // The parser's message can quote the file: say only which file.
    throw new CliError(`${path} is not a PKCS#8 PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CliError(`${path} holds a ${String(key.asymmetricKeyType)} key; sign-offs are signed with Ed25519`);
  return key;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`--version must be a positive integer, got '${value}'`);
  return n;
}

export function registerSignCommands(program: Command, withStore: WithStore): void {
  program
    .command('sign')
    .description('sign a sign-off with your own Ed25519 key: prints the DSSE envelope, or submits the sign-off with --submit')
    .requiredOption('--key <pkcs8.pem>', 'your private key (PKCS#8 PEM; ledger keygen makes one)')
    .requiredOption('--record <streamId>', 'the record to approve or reject: task-…, directive-…, unit-…')
    .addOption(new Option('--decision <decision>', 'approve or reject').choices(SIGN_OFF_DECISIONS).makeOptionMandatory())
    .option('--comment <text>', 'your comment (needed for a rejection)')
    .option('--version <n>', 'the version you read (default: the current one)', positiveInt)
    .option('--signer <userId>', 'your user id (default with --url: the token\'s user)')
    .option('--url <url>', 'the ledger API (default LEDGER_URL); without it the record is read from the local store')
    .option('--token <token>', 'your API token (default LEDGER_TOKEN)')
    .option('--submit', 'POST the signed sign-off to the ledger and print its answer')
    .option('--signoff-id <id>', 'with --submit: the sign-off id (default: chosen by the ledger)')
    .option('--out <file>', 'write the envelope to this file instead of stdout')
    .action(async (opts: Omit<SignOptions, 'signOffId'> & { signoffId?: string; out?: string }) => {
      const result = await signSignOff(
        { ...opts, url: opts.url ?? process.env.LEDGER_URL, token: opts.token ?? process.env.LEDGER_TOKEN, signOffId: opts.signoffId },
        { withStore },
      );
      process.stderr.write(`signed ${result.statement.decision} of ${result.statement.recordStreamId} v${result.statement.recordVersion} (hash ${result.statement.recordHash}) as ${result.statement.signer} with key ${result.envelope.signatures[0].keyid}\n`);
      if (result.submitted) {
        console.log(JSON.stringify(result.submitted.body, null, 2));
        if (result.submitted.status >= 300) {
          process.stderr.write(`the ledger refused the sign-off (${result.submitted.status})\n`);
          process.exitCode = 1;
        }
        return;
      }
      const text = `${JSON.stringify(result.envelope, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, text, 'utf8');
      else process.stdout.write(text);
    });

  program
    .command('keygen')
    .description('make a new Ed25519 signing key (PKCS#8 PEM, mode 0600) and print its id and public key to register')
    .requiredOption('--out <file>', 'where to write the private key (must not exist)')
    .action(async (opts: { out: string }) => {
      const key = await generateSigningKey(opts.out);
      process.stderr.write(`wrote ${key.file}; register the public key with POST /v1/users/<you>/keys {"publicKey": "${key.publicKey}"}\n`);
      console.log(JSON.stringify({ keyId: key.keyId, algorithm: 'ed25519', publicKey: key.publicKey }));
    });
}
