import fc from 'fast-check';
import { Map as IMap, List } from 'immutable';
import type { Actor } from '@ledger/domain';
import type { Notice, NoticeKind } from '@ledger/projections';
import type { QueryContext } from '../read-models/queries';
import type { ApiConfig } from '../shared/api-config';
import { LedgerTime } from '../shared/ledger-time';
import { OrganisationQueries, type NoticesQueryDto } from './organisation.queries';

/** GET /v1/units/:unitId/notices as prebuilt JSON: the text of JSON.stringify of the notices answer. */

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: fc.constantFrom('国', '😀', '"', '\\', '\n', '\u2028', '\ud800', '\udc00', 'é'), maxLength: 8 }));
const KINDS: NoticeKind[] = ['assignment', 'reminder', 'deadline_passed'];
const DAYS = ['2018-10-01', '2018-10-02', '2018-10-03'];
const noticeArb: fc.Arbitrary<Notice> = fc.record({
  eventId: fc.uuid(),
  position: fc.nat(),
  streamVersion: fc.nat(),
  type: fc.constantFrom('TaskAssigned', 'ReminderIssued'),
  actor: fc.record({ id: text, role: fc.constant('inspector' as const), unit: text }),
  // Some recorded on a later day than they occurred (late entries), read in +08:00.
  occurredAt: fc.constantFrom(...DAYS).map((day) => `${day}T09:00:00+08:00`),
  recordedAt: fc.constantFrom(...DAYS).map((day) => `${day}T20:00:00.000Z`),
  kind: fc.constantFrom(...KINDS),
  addressedAs: fc.constantFrom('lead' as const, 'co' as const),
  taskId: fc.oneof(fc.constant(null), text),
  directiveId: fc.oneof(fc.constant(null), text),
  details: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null))),
});
const queryArb: fc.Arbitrary<NoticesQueryDto> = fc.record(
  { before: fc.constantFrom(...DAYS), recordedBefore: fc.constantFrom(...DAYS), kind: fc.constantFrom(...KINDS) },
  { requiredKeys: [] },
);
const actor: Actor = { id: 'p-caller', role: 'administrator', unit: 'city' };

function queriesOver(state: { notices: Notice[] }): OrganisationQueries {
  const context = {
    for: () => ({
      models: { organisation: { units: IMap([['zh', {}]]) }, notices: { byUnit: IMap([['zh', List(state.notices)]]) } },
      scope: { unit: () => true, require: () => undefined },
    }),
  } as unknown as QueryContext;
  const time = new LedgerTime({ now: () => new Date('2018-10-04T00:00:00Z') }, { timeZoneOffset: '+08:00' } as ApiConfig);
  return new OrganisationQueries(context, time);
}

describe('unit notices as prebuilt JSON (the HTTP body)', () => {
  it('gives exactly the text of JSON.stringify of the answer, asked twice, as notices are added (any texts and filters)', () => {
    fc.assert(
      fc.property(fc.array(noticeArb, { maxLength: 12 }), fc.array(noticeArb, { maxLength: 4 }), fc.array(queryArb, { minLength: 1, maxLength: 3 }), (first, later, queries) => {
        const state = { notices: first };
        const organisation = queriesOver(state);
        for (const notices of [first, [...first, ...later]]) {
          state.notices = notices;
          for (const query of queries) {
            for (let round = 0; round < 2; round++) {
              const answer = organisation.notices(actor, 'zh', query);
              const prebuilt = organisation.noticesJson(actor, 'zh', query);
              expect([prebuilt.json === JSON.stringify(answer), prebuilt.version]).toEqual([true, undefined]);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an unknown unit as the object answer does', () => {
    const organisation = queriesOver({ notices: [] });
    expect(() => organisation.noticesJson(actor, 'nowhere', {})).toThrow(expect.objectContaining({ code: 'UNIT.NOT_FOUND' }));
  });
});
