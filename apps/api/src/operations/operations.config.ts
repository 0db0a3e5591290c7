import { EventStoreError } from '@ledger/event-store';

/** Operations settings (health, metrics, logs, scheduled verify, shutdown), read from the environment once (see the README's table). */
export interface OperationsConfig {
  /** Ready only while the read models are at most this many events behind the store's head. */
  readonly readyMaxLag: number;
  /** When set, `/metrics` needs `Authorization: Bearer <this>`; unset, it answers loopback callers only. */
  readonly metricsToken: string | undefined;
  /** Verify the whole log every this many seconds in the background (0: never). */
  readonly verifyEverySeconds: number;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  readonly logLevel: string;
  /** How long a SIGTERM waits for in-flight requests before it closes the store anyway. */
  readonly shutdownTimeoutMs: number;
}

export const OPERATIONS_CONFIG = Symbol('OPERATIONS_CONFIG');

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new EventStoreError('CONFIG.INVALID', `${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

export function operationsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OperationsConfig {
  const logLevel = (env.LEDGER_LOG_LEVEL || 'info').toLowerCase();
  if (!LEVELS.includes(logLevel)) throw new EventStoreError('CONFIG.INVALID', `LEDGER_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got '${env.LEDGER_LOG_LEVEL}'`);
  const metricsToken = env.LEDGER_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new EventStoreError('CONFIG.INVALID', 'LEDGER_METRICS_TOKEN must be at least 16 characters');
  }
  return {
    readyMaxLag: nonNegative(env, 'LEDGER_READY_MAX_LAG', 1000),
    metricsToken,
    verifyEverySeconds: nonNegative(env, 'LEDGER_VERIFY_EVERY_SECONDS', 0),
    logLevel,
    shutdownTimeoutMs: nonNegative(env, 'LEDGER_SHUTDOWN_TIMEOUT_MS', 25_000),
  };
}
