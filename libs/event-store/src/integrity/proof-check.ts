/**
 * The outcome of checking untrusted evidence (a proof, an envelope, a signed note). Verifiers return it instead of
 * throwing, because a failed check is an expected answer, not a bug; `reason` is for logs and audit reports.
 */
export type ProofCheck = { ok: true } | { ok: false; reason: string };

export const PASSED: { ok: true } = Object.freeze({ ok: true }) as { ok: true };

export function failed(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
