import type { DocumentChange, ModelDocument } from './codec';

/**
 * The read-model store: where projections keep their documents and checkpoints, beside (not inside) the log.
 *
 * A projection is owned by one worker at a time through a lease (PostgreSQL: a session advisory lock; SQLite: an
 * owner and an expiry on its checkpoint row). Every write is fenced: a flush is a compare-and-set on the previous
 * checkpoint position *and* the owner, in the same transaction as the documents, so a worker that lost its lease
 * (paused, partitioned, presumed dead) can never write, and a checkpoint never runs ahead of or behind its documents.
 */
export interface ProjectionCheckpoint {
  readonly projection: string;
  /** Last log position folded into the documents (0: nothing yet). */
  readonly position: number;
  /** Id of the event at `position`: tells a read store that belongs to another log (or a rewritten one). */
  readonly eventId: string | null;
  /** The projection's definition (name, version, model shape): a change means rebuild from 0. */
  readonly definition: string;
  readonly updatedAt: string;
  readonly owner: string | null;
}

export interface Lease {
  readonly projection: string;
  readonly owner: string;
}

export interface FlushRequest {
  /** The checkpoint position this owner last wrote (or loaded): the compare of the compare-and-set. */
  readonly expectedPosition: number;
  readonly position: number;
  readonly eventId: string | null;
  readonly definition: string;
  readonly changes: readonly DocumentChange[];
}

export interface ProjectionSnapshot {
  readonly checkpoint: ProjectionCheckpoint | null;
  /** Every document, in (collection, key) order: read in the same transaction as the checkpoint. */
  readonly documents: ModelDocument[];
}

/** The live tables, or the shadow ones `ledger rebuild` writes before comparing (and, with --replace, swapping). */
export type TableSet = 'live' | 'shadow';

export interface ReadModelStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for logs and banners (no credentials). */
  readonly description: string;
  /** Takes the projection's lease for `owner` (creating its checkpoint at 0 if new), or null while another holds it. */
  acquire(projection: string, owner: string): Promise<Lease | null>;
  /** Whether the lease is still this owner's (SQLite: also extends it). */
  renew(lease: Lease): Promise<boolean>;
  release(lease: Lease): Promise<void>;
  /** Fenced: checkpoint and documents of this owner's projection, in one transaction. False when fenced off. */
  flush(lease: Lease, request: FlushRequest): Promise<boolean>;
  /** Fenced: forget the documents and start again from position 0 under `definition`. */
  reset(lease: Lease, definition: string): Promise<boolean>;
  /** The checkpoint and every document, one consistent snapshot. */
  load(projection: string, tables?: TableSet): Promise<ProjectionSnapshot>;
  checkpoints(tables?: TableSet): Promise<ProjectionCheckpoint[]>;
  /**
   * A projection's documents page by page, in (collection, key) byte order. Not one snapshot: for tables nobody
   * writes meanwhile (the shadow ones, which only `ledger rebuild` writes), so a large projection is read without
   * holding all of it.
   */
  documentPages(projection: string, tables: TableSet, pageSize?: number): AsyncIterable<ModelDocument[]>;
  /** Replaces the shadow copy of a projection (rebuild output), taking the documents as they come. */
  writeShadow(projection: string, checkpoint: { position: number; eventId: string | null; definition: string }, documents: Iterable<ModelDocument>): Promise<void>;
  /** Fenced: the shadow copy becomes the live one, checkpoint included. */
  promoteShadow(lease: Lease): Promise<boolean>;
  close(): Promise<void>;
}

export class ReadStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadStoreError';
  }
}
