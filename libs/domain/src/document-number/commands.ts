import type { CommandEnvelope } from '../shared/actor';

export type ReserveDocumentNumber = Readonly<{
  type: 'ReserveDocumentNumber';
  issuerUnitId: string;
  year: number;
  documentNumber: string;
  recordStreamId: string;
}> &
  CommandEnvelope;

export type DocumentNumberCommand = ReserveDocumentNumber;
export type DocumentNumberCommandType = DocumentNumberCommand['type'];
