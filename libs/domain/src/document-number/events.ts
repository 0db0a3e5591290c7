import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * The only event of a `docno-<issuerUnit>-<year>-<slug>-<hash>` stream. Appended with expected version
 * 'no-stream', so the store refuses a second reservation of the same number by the same issuer in the same year.
 */
export type DocumentNumberReserved = DomainEvent<
  'DocumentNumberReserved',
  {
    issuerUnitId: string;
    year: number;
    /** In Unicode NFC: exactly the text the stream id's hash was computed over. */
    documentNumber: string;
    /** The record that carries the number, e.g. `directive-<id>`. */
    recordStreamId: string;
    at: IsoInstant;
    by: ActorRef;
  }
>;

export type DocumentNumberEvent = DocumentNumberReserved;
export type DocumentNumberEventType = DocumentNumberEvent['type'];
