import { EventStoreError } from '@ledger/event-store';

/** Settings of the audit queries (see the README's table). */
export interface AuditQueriesConfig {
  /**
   * `LEDGER_LATE_ENTRY_SECONDS` (default 3600): an event recorded more than this after it occurred is a late entry.
   * A query may pass its own `lateAfterSeconds`.
   */
  readonly lateEntrySeconds: number;
}

export const AUDIT_QUERIES_CONFIG = Symbol('AUDIT_QUERIES_CONFIG');

export function auditQueriesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditQueriesConfig {
  const raw = env.LEDGER_LATE_ENTRY_SECONDS;
  if (raw === undefined || raw === '') return { lateEntrySeconds: 3600 };
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new EventStoreError('CONFIG.INVALID', `LEDGER_LATE_ENTRY_SECONDS must be a whole number of seconds, got '${raw}'`);
  return { lateEntrySeconds: n };
}
