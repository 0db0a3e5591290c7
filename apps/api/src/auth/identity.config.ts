import { isId } from '@ledger/domain';

/** Identity settings, read from the environment once (see the README's table). */
export interface IdentityConfig {
  /** The unit of the administrator created on first start. */
  readonly adminUnit: string;
  /** Where to write the first administrator's token (mode 0600) instead of printing it. */
  readonly bootstrapTokenFile: string | undefined;
  /** Authentication failures one client address may have per window before it is refused with 429. */
  readonly authFailureLimit: number;
  readonly authFailureWindowMs: number;
  /** How often the identity index looks for users and tokens changed by other processes (the CLI, other replicas). */
  readonly pollIntervalMs: number;
}

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const adminUnit = env.LEDGER_ADMIN_UNIT || 'root';
  if (!isId(adminUnit)) {
    throw configError(`LEDGER_ADMIN_UNIT must be a unit id (lower-case letters, digits, inner hyphens), got '${adminUnit}'`);
  }
  return {
    adminUnit,
    bootstrapTokenFile: env.LEDGER_BOOTSTRAP_TOKEN_FILE || undefined,
    authFailureLimit: positiveInt(env, 'LEDGER_AUTH_FAILURE_LIMIT', 20),
    authFailureWindowMs: positiveInt(env, 'LEDGER_AUTH_FAILURE_WINDOW_SECONDS', 300) * 1000,
    pollIntervalMs: 1000,
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw configError(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

function configError(message: string): Error {
  return Object.assign(new Error(message), { code: 'CONFIG.INVALID' });
}
