import {
  ancestorsOf,
  domainError,
  headOn,
  unitDecider,
  unitStreamId,
  type IsoDate,
  type ResponsiblePerson,
  type UnitCommand,
  type UnitCommandType,
  type UnitEvent,
  type UnitState,
} from '@ledger/domain';
import type { LedgerReadModels } from '@ledger/projections';
import type { OrgUnits } from '@ledger/domain';
import type { Envelope, StreamCommand } from '../shared/command-runner';

/** A command on `unit-<id>`, judged against that unit (AUTHORIZATION target `unit`). */
export function onUnit(
  unitId: string,
  commandType: UnitCommandType,
  build: (state: UnitState, envelope: Envelope) => UnitCommand,
): StreamCommand<UnitState, UnitCommand, UnitEvent> {
  return {
    decider: unitDecider,
    streamId: unitStreamId(unitId),
    aggregateId: unitId,
    notFound: () => domainError('UNIT.NOT_FOUND', { unit: unitId }),
    steps: [{ commandType, targetUnit: () => unitId, build }],
  };
}

/** 404 UNIT.NOT_FOUND unless the organisation read model knows the unit. */
export function requireKnownUnit(models: LedgerReadModels, unitId: string, field?: string): void {
  if (!models.organisation.units.has(unitId)) throw domainError('UNIT.NOT_FOUND', { unit: unitId, ...(field ? { field } : {}) });
}

/** The parent and its ancestors, nearest first: what RegisterUnit and MoveUnit need (empty for a root). */
export function parentChainOf(models: LedgerReadModels, units: OrgUnits, parentId: string | null): string[] {
  if (parentId === null) return [];
  requireKnownUnit(models, parentId, 'parentId');
  return ancestorsOf(parentId, units);
}

/** "Clear person": the unit's head on `date` (null when nobody is in post, which the task decider refuses). */
export function responsibleHeadOf(models: LedgerReadModels, unitId: string, date: IsoDate): ResponsiblePerson | null {
  const view = models.organisation.units.get(unitId);
  if (!view) throw domainError('UNIT.NOT_FOUND', { unit: unitId });
  const tenure = headOn(view.record, date);
  return tenure ? { unitId, personId: tenure.personId, name: tenure.name, postTitle: tenure.postTitle } : null;
}
