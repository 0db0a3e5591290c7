import { domainError, type Actor, type Role } from '@ledger/domain';

/**
 * Who may read proofs, checkpoints and evidence: auditors and administrators (everything), and the discipline
 * commission (it needs evidence for the cases referred to it). Kept simple on purpose: proofs reveal hashes and
 * positions, evidence reveals whole records, and both are logged as `AuditDataViewed`.
 */
export const AUDIT_READERS: readonly Role[] = ['auditor', 'administrator', 'discipline_commissioner'];

export function requireAuditReader(actor: Actor, query: string): void {
  if (!AUDIT_READERS.includes(actor.role)) throw domainError('AUTH.ROLE_NOT_ALLOWED', { role: actor.role, command: query });
}
