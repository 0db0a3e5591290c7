import type { Actor } from '../shared/actor';
import { documentNumberStreamId } from '../shared/streams';
import { DeciderSpecification } from '../testing/decider-spec';
import type { ReserveDocumentNumber } from './commands';
import { documentNumberDecider } from './decider';
import type { DocumentNumberReserved } from './events';

const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
const now = '2018-09-06T15:00:00+08:00';
const spec = DeciderSpecification.for(documentNumberDecider);

const reserve: ReserveDocumentNumber = {
  type: 'ReserveDocumentNumber',
  now,
  actor: mayor,
  issuerUnitId: 'city',
  year: 2018,
  documentNumber: 'DEMO-衡督〔2018〕1号',
  recordStreamId: 'directive-d-2018-1',
};
const reserved: DocumentNumberReserved = {
  type: 'DocumentNumberReserved',
  data: {
    issuerUnitId: 'city',
    year: 2018,
    documentNumber: 'DEMO-衡督〔2018〕1号',
    recordStreamId: 'directive-d-2018-1',
    at: now,
    by: { id: 'p-mayor', role: 'leader', unit: 'city' },
  },
};

describe('document number reservation', () => {
  it('reserves a free number for the record that carries it', () => {
    spec.given([]).when(reserve).then([reserved]);
  });

  it('refuses a number already reserved by the issuer that year', () => {
    const error = spec.given([reserved]).when({ ...reserve, recordStreamId: 'directive-d-2018-2' }).thenThrows('DOCNO.TAKEN');
    expect(error.messages.zh).toBe('文号 DEMO-衡督〔2018〕1号 已被单位 city 在 2018 年使用。');
  });

  it('refuses a malformed number, year, issuer or record stream', () => {
    spec.given([]).when({ ...reserve, documentNumber: '1号\n' }).thenThrows('DOCNO.NUMBER_INVALID');
    spec.given([]).when({ ...reserve, year: 18 }).thenThrows('DOCNO.YEAR_INVALID');
    spec.given([]).when({ ...reserve, issuerUnitId: 'City Hall' }).thenThrows('COMMON.ID_INVALID', { field: 'issuerUnitId' });
    spec.given([]).when({ ...reserve, recordStreamId: 'directive d-1' }).thenThrows('STREAM.ID_INVALID');
  });

  it('is appended to the stream named by documentNumberStreamId', () => {
    expect(documentNumberStreamId('city', 2018, 'DEMO-衡督〔2018〕1号')).toMatch(/^docno-city-2018-demo-2018-1-[0-9a-f]{16}$/);
  });
});
