import { Inject, Injectable } from '@nestjs/common';
import { isStreamId, type Actor } from '@ledger/domain';
import { EventStoreError, type Clock, type LedgerStore } from '@ledger/event-store';
import { buildEvidenceBundle, EvidenceError } from '@ledger/evidence';
import { CLOCK, LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { ApiError } from '../shared/api-error';
import { requireAuditReader } from './audit-access';
import { auditError } from './audit-errors';
import { LedgerCheckpoints } from './ledger-checkpoints.service';

export interface EvidenceQuery {
  readonly streams: readonly string[];
  readonly eventIds: readonly string[];
  readonly checkpointSize?: number;
}

const NOT_FOUND = new Set(['EVIDENCE.NOT_FOUND', 'EVIDENCE.CHECKPOINT_NOT_FOUND']);

/** Builds an evidence bundle (libs/evidence) for the caller, who is named in it as the exporter. */
@Injectable()
export class EvidenceExport {
  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly checkpoints: LedgerCheckpoints,
  ) {}

  async export(actor: Actor, query: EvidenceQuery): Promise<string> {
    requireAuditReader(actor, 'ExportEvidence');
    if (query.streams.length === 0 && query.eventIds.length === 0) throw auditError('EVIDENCE.REQUEST_INVALID', { reason: 'name at least one stream or event' }, 'stream');
    const bad = query.streams.find((s) => !isStreamId(s));
    if (bad) throw auditError('EVIDENCE.REQUEST_INVALID', { reason: `${bad} is not a stream id` }, 'stream');
    try {
      return await buildEvidenceBundle(
        { store: this.store, checkpointer: this.checkpoints.checkpointer, clock: this.clock },
        { ...query, exportedBy: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit } },
      );
    } catch (error) {
      throw translateEvidenceError(error);
    }
  }
}

/**
 * The builder's refusals as API errors (404 for what does not exist, 400 for what cannot be proven as asked), and a
 * checkpointer that may not sign (its key or origin is not the log's) as 503 saying why: the operator must act.
 */
export function translateEvidenceError(error: unknown): unknown {
  if (error instanceof EventStoreError && error.code.startsWith('CHECKPOINT.')) return new ApiError(503, error.code, error.message);
  if (!(error instanceof EvidenceError) || error.code === 'EVIDENCE.STORE_MISMATCH') return error;
  return NOT_FOUND.has(error.code)
    ? auditError('EVIDENCE.NOT_FOUND', { reason: error.message })
    : auditError('EVIDENCE.REQUEST_INVALID', { reason: error.message });
}
