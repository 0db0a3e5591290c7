import { resolve } from 'node:path';
import { EventStoreError } from '../errors';

/** Checkpoint settings, read from the environment in one place (see the README's table). */
export interface CheckpointConfig {
  /** The log's name (`LEDGER_ORIGIN`): first line of every checkpoint and the signed note's key name. */
  readonly origin: string;
  /** `LEDGER_CHECKPOINT_KEY_FILE`: a PKCS#8 PEM Ed25519 key; unset: generated under the data directory. */
  readonly keyFile: string | undefined;
  readonly dataDir: string;
  /** Sign once this many events are not yet covered by a checkpoint. */
  readonly everyEvents: number;
  /** Or once this many seconds have passed since the last one, if any event is not covered. */
  readonly everySeconds: number;
  /** How often the API looks whether a checkpoint is due. */
  readonly pollMs: number;
}

export const DEFAULT_ORIGIN = 'accountability-ledger.local/log';

export function checkpointConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string, cwd = process.cwd()): CheckpointConfig {
  const origin = env.LEDGER_ORIGIN || DEFAULT_ORIGIN;
  const problem = originProblem(origin);
  if (problem) throw new EventStoreError('CONFIG.INVALID', `LEDGER_ORIGIN ${problem}, got '${origin}'`);
  return {
    origin,
    keyFile: env.LEDGER_CHECKPOINT_KEY_FILE ? resolve(cwd, env.LEDGER_CHECKPOINT_KEY_FILE) : undefined,
    dataDir,
    everyEvents: positive(env, 'LEDGER_CHECKPOINT_EVERY_EVENTS', 1000),
    everySeconds: positive(env, 'LEDGER_CHECKPOINT_EVERY_SECONDS', 60),
    pollMs: positive(env, 'LEDGER_CHECKPOINT_POLL_MS', 1000),
  };
}

/**
 * The origin is also the note's key name, so it follows both C2SP rules: a schema-less URL-like name, non-empty,
 * without spaces, plus signs or control characters.
 */
export function originProblem(origin: string): string | undefined {
  if (origin.length === 0 || origin.length > 255) return 'must be 1 to 255 characters';
  if (/[\s+\u0000-\u001f\u007f]/.test(origin)) return 'must not contain spaces, plus signs or control characters';
  if (!origin.isWellFormed()) return 'must be well-formed Unicode';
  return undefined;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new EventStoreError('CONFIG.INVALID', `${name} must be a positive integer, got '${raw}'`);
  return n;
}
