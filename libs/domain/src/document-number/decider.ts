import { actorRef } from '../shared/actor';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { documentNumberStreamId, isStreamId } from '../shared/streams';
import { checkEnvelope, requireId } from '../shared/validate';
import type { DocumentNumberCommand } from './commands';
import type { DocumentNumberEvent } from './events';

export type DocumentNumberState =
  | { status: 'free' }
  | { status: 'reserved'; issuerUnitId: string; year: number; documentNumber: string; recordStreamId: string };

/**
 * The reservation of a document number. The store's 'no-stream' check is what makes it race-free; the decider
 * gives the same answer as a domain error when the application reads the stream first (and validates the input).
 */
export const documentNumberDecider: Decider<DocumentNumberState, DocumentNumberCommand, DocumentNumberEvent> = {
  initialState: () => ({ status: 'free' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'DocumentNumberReserved': {
        const { issuerUnitId, year, documentNumber, recordStreamId } = event.data;
        return { status: 'reserved', issuerUnitId, year, documentNumber, recordStreamId };
      }
      default: {
        const _exhaustive: never = event.type; // one-member union: narrow the discriminant
        return _state;
      }
    }
  },
  decide: (command, state) => {
    checkEnvelope(command);
    switch (command.type) {
      case 'ReserveDocumentNumber': {
        requireId(command.issuerUnitId, 'issuerUnitId');
        // Validates year and number with the same rule that names the stream.
        documentNumberStreamId(command.issuerUnitId, command.year, command.documentNumber);
        if (!isStreamId(command.recordStreamId)) {
          throw domainError('STREAM.ID_INVALID', { field: 'recordStreamId', value: String(command.recordStreamId) });
        }
        const documentNumber = command.documentNumber.normalize('NFC');
        if (state.status === 'reserved') {
          throw domainError('DOCNO.TAKEN', { documentNumber, issuerUnit: command.issuerUnitId, year: command.year });
        }
        return [
          {
            type: 'DocumentNumberReserved',
            data: {
              issuerUnitId: command.issuerUnitId,
              year: command.year,
              documentNumber,
              recordStreamId: command.recordStreamId,
              at: command.now,
              by: actorRef(command.actor),
            },
          },
        ];
      }
      default: {
        const _exhaustive: never = command.type; // one-member union: narrow the discriminant
        throw new Error(`unknown document number command ${String(_exhaustive)}`);
      }
    }
  },
};
