import { createHash } from 'node:crypto';
import { canonicalize } from '@ledger/event-store';
import { registerEntryOf, type DirectiveView, type RecordView, type TaskView, type UnitView } from '@ledger/projections';
import type { CaseRecord } from '@ledger/domain';

/**
 * What GET serves for a single record: the record as its own stream's events make it, plus the stream version.
 * A pure function of that stream up to that version — nothing joined from other streams, no "as of today" — so the
 * SHA-256 a sign-off records can be recomputed by anyone from the log: fold the stream to the version, take this
 * representation, canonicalise it (RFC 8785) and hash it (`recordHashOf`).
 */
export const taskRepresentation = (view: TaskView) => ({ ...view.record, version: view.version });
export const directiveRepresentation = (view: DirectiveView) => ({ ...view.record, version: view.version });
export const unitRepresentation = (view: UnitView) => ({ ...view.record, version: view.version });

/** GET /v1/cases/{id}: the register entry (a pure function of the case's stream) and the case record. */
export const caseRepresentation = (view: RecordView<CaseRecord>) => ({ ...registerEntryOf(view), record: view.record });

export type TaskRepresentation = ReturnType<typeof taskRepresentation>;

/** SHA-256 (lower-case hex) of the RFC 8785 canonical JSON of a representation: "what exactly they saw". */
export function recordHashOf(representation: object): string {
  return createHash('sha256').update(canonicalize(representation), 'utf8').digest('hex');
}
