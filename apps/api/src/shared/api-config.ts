import { EventStoreError, type StoreKind } from '@ledger/event-store';

/** The application's own settings, read from the environment in one place (see the README's table). */
export interface ApiConfig {
  /** The jurisdiction's UTC offset (`+08:00`): commands' `now`, and "today" for deadlines, are read in it. */
  readonly timeZoneOffset: string;
  /** Lets every role (not only administrators) enter an earlier occurred-at with X-Occurred-At: an import window. */
  readonly allowBackdating: boolean;
  /** Whether this API process also runs the deadline watcher (the projector's job in a multi-process deployment). */
  readonly embeddedProjector: boolean;
  /**
   * LEDGER_EMBEDDED_PROJECTOR_THREAD (default false): true runs the embedded projection worker on a worker thread with
   * its own connections and models, so encoding and writing read-model documents never holds up a request — at the
   * cost of a second copy of the read models (~650 MB RSS at 50,000 tasks) for a few per cent of the event loop (3-12 %
   * measured at 50k tasks); false: on the event loop, writing the API's own in-memory models. An in-memory store
   * (':memory:') always runs it in process.
   */
  readonly embeddedProjectorThread: boolean;
  readonly deadlineCheckIntervalMs: number;
  /** How often the in-process read models look for appends made by other processes. */
  readonly readModelPollMs: number;
}

export const API_CONFIG = Symbol('API_CONFIG');

const OFFSET = /^(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new EventStoreError('CONFIG.INVALID', `${name} must be true or false, got '${env[name]}'`);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new EventStoreError('CONFIG.INVALID', `${name} must be a positive integer, got '${raw}'`);
  return n;
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const timeZoneOffset = env.LEDGER_TIME_ZONE_OFFSET ?? '+08:00';
  if (!OFFSET.test(timeZoneOffset)) {
    throw new EventStoreError('CONFIG.INVALID', `LEDGER_TIME_ZONE_OFFSET must look like +08:00, -05:00 or Z, got '${timeZoneOffset}'`);
  }
  const store = (env.LEDGER_STORE ?? 'sqlite') as StoreKind;
  return {
    timeZoneOffset,
    allowBackdating: flag(env, 'LEDGER_ALLOW_BACKDATING', false),
    embeddedProjector: flag(env, 'LEDGER_EMBEDDED_PROJECTOR', store === 'sqlite'),
    embeddedProjectorThread: flag(env, 'LEDGER_EMBEDDED_PROJECTOR_THREAD', false),
    deadlineCheckIntervalMs: positive(env, 'LEDGER_DEADLINE_CHECK_INTERVAL_MS', 60_000),
    readModelPollMs: positive(env, 'LEDGER_READ_MODEL_POLL_MS', 200),
  };
}
