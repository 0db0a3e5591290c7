import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@ledger/domain';
import { noteKeyHash, type LedgerStore, type StoredCheckpoint } from '@ledger/event-store';
import { findEventsById } from '@ledger/evidence';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { requireAuditReader } from './audit-access';
import { auditError } from './audit-errors';
import { translateEvidenceError } from './evidence-export';
import { LedgerCheckpoints } from './ledger-checkpoints.service';
import type { CheckpointResponse, ConsistencyProofResponse, InclusionProofResponse, PublicKeyResponse } from './log.dto';

/**
 * Checkpoints and proofs. Unlike the other queries these read the store, not the read models: a proof is the
 * log's own Merkle tree (O(log n) stored nodes, no rehash), and a checkpoint is an event of `checkpoint-ledger`.
 */
@Injectable()
export class LogQueries {
  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly checkpoints: LedgerCheckpoints,
  ) {}

  publicKey(): PublicKeyResponse {
    const { key, origin } = this.checkpoints.checkpointer;
    const verifierKey = Buffer.concat([Buffer.of(0x01), key.rawPublicKey]).toString('base64');
    return {
      origin,
      algorithm: key.algorithm,
      keyId: key.keyId,
      publicKey: key.publicKeyBase64,
      noteVerifierKey: `${origin}+${noteKeyHash(origin, key.rawPublicKey).toString('hex')}+${verifierKey}`,
    };
  }

  async latest(actor: Actor): Promise<CheckpointResponse> {
    requireAuditReader(actor, 'ReadCheckpoints');
    const log = await this.log();
    const latest = log.latest();
    if (!latest) throw auditError('CHECKPOINT.NOT_FOUND', { what: 'yet' });
    return latest;
  }

  async list(actor: Actor, query: { size?: number; after?: number; limit?: number }): Promise<CheckpointResponse[]> {
    requireAuditReader(actor, 'ReadCheckpoints');
    const log = await this.log();
    if (query.size !== undefined) {
      const found = log.bySize(query.size);
      if (!found) throw auditError('CHECKPOINT.NOT_FOUND', { what: `of size ${query.size}` }, 'size');
      return [found];
    }
    const after = query.after ?? -1;
    return log.checkpoints().filter((c) => c.size > after).slice(0, query.limit ?? 100);
  }

  async inclusion(actor: Actor, query: { position?: number; eventId?: string; treeSize?: number }): Promise<InclusionProofResponse> {
    requireAuditReader(actor, 'ReadProofs');
    if ((query.position === undefined) === (query.eventId === undefined)) throw auditError('PROOF.EVENT_REQUIRED', {}, 'position');
    const position = query.position ?? (await findEventsById(this.store, [query.eventId!]).catch((e: unknown) => Promise.reject(translateEvidenceError(e))))[0].position;
    const log = await this.log();
    const covering = query.treeSize === undefined ? latestCovering(log.checkpoints(), position) : undefined;
    const treeSize = query.treeSize ?? covering?.size;
    const proof = await this.store.inclusionProof(position, treeSize);
    const [event] = await this.store.readAll({ fromPosition: position, limit: 1 });
    return { ...proof, proof: [...proof.proof], eventId: event.id, checkpoint: log.bySize(proof.treeSize) ?? null };
  }

  async consistency(actor: Actor, query: { from: number; to: number }): Promise<ConsistencyProofResponse> {
    requireAuditReader(actor, 'ReadProofs');
    const proof = await this.store.consistencyProof(query.from, query.to);
    const log = await this.log();
    return { from: query.from, to: query.to, proof, fromCheckpoint: log.bySize(query.from) ?? null, toCheckpoint: log.bySize(query.to) ?? null };
  }

  private async log() {
    const log = this.checkpoints.checkpointer.log;
    await log.refresh();
    return log;
  }
}

function latestCovering(checkpoints: readonly StoredCheckpoint[], position: number): StoredCheckpoint | undefined {
  const latest = checkpoints[checkpoints.length - 1];
  return latest && latest.size >= position ? latest : undefined;
}
