import fc from 'fast-check';
import { canRead, READ_SCOPE, UNIT_KINDS, type Actor, type OrgUnits, type Role } from '@ledger/domain';
import { emptyReadModels } from '@ledger/projections';
import { ReadScope } from './read-scope';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

/** Any organisation: parents that may be missing from it, cycles, dissolved units, every kind. */
const orgArb: fc.Arbitrary<OrgUnits> = fc
  .array(fc.record({ parentId: fc.option(fc.constantFrom(...IDS, 'missing'), { nil: null }), kind: fc.constantFrom(...UNIT_KINDS), dissolved: fc.boolean(), present: fc.boolean() }), { minLength: IDS.length, maxLength: IDS.length })
  .map((entries) => Object.fromEntries(entries.flatMap((entry, i) => (entry.present ? [[IDS[i], { id: IDS[i], parentId: entry.parentId, kind: entry.kind, dissolved: entry.dissolved }]] : []))));

describe('read scope over units', () => {
  it('reads a unit exactly when canRead does, for every role and caller unit (any organisation, asked twice)', () => {
    fc.assert(
      fc.property(orgArb, (units) => {
        const models = emptyReadModels();
        for (const role of Object.keys(READ_SCOPE) as Role[]) {
          for (const unit of [...IDS, 'missing']) {
            const actor: Actor = { id: 'p', role, unit };
            for (const scope of [new ReadScope(actor, models, units), new ReadScope(actor, models, units)]) {
              for (const target of [...IDS, 'missing']) expect({ role, unit, target, read: scope.unit(target) }).toEqual({ role, unit, target, read: canRead(actor, target, units) });
            }
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
