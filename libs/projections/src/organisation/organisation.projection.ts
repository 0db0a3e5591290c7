import { List, Map as IMap } from 'immutable';
import type { RecordedEvent } from '@ledger/event-store';
import {
  isUnitEvent,
  toOrgUnit,
  unitDecider,
  UNIT_EVENT_TYPES,
  type OrgUnits,
  type UnitEvent,
  type UnitRecord,
  type UnitState,
} from '@ledger/domain';
import { domainEventOf, traceOf, type EventTrace, type Projection } from '../projection';

/** One unit as the organisation read model keeps it: the domain's own unit record, its version and last event. */
export type UnitView = {
  readonly unitId: string;
  /** The version of `unit-<id>`: the ETag, and what a sign-off names. */
  readonly version: number;
  readonly record: UnitRecord;
  readonly registered: EventTrace;
  readonly lastEvent: EventTrace;
};

/** A unit that was dissolved into this one (merger, split, supersession). */
export type PredecessorLink = { readonly unitId: string; readonly how: 'merged' | 'split' | 'superseded'; readonly on: string };

export type OrganisationModel = {
  readonly units: IMap<string, UnitView>;
  /** Successor links read backwards, by successor id (a successor may be registered after the dissolution). */
  readonly predecessors: IMap<string, List<PredecessorLink>>;
};

/** The unit stream's view from its own events only (the same evolve the projection applies). */
export function evolveUnitView(view: UnitView | undefined, event: RecordedEvent): UnitView | undefined {
  if (!isUnitEvent(event)) return view;
  const before: UnitState = view ? view.record : unitDecider.initialState();
  const after = unitDecider.evolve(before, domainEventOf<UnitEvent>(event));
  if (after.status === 'unregistered') return view;
  const trace = traceOf(event);
  return { unitId: after.unitId, version: event.streamVersion, record: after, registered: view?.registered ?? trace, lastEvent: trace };
}

function evolve(model: OrganisationModel, event: RecordedEvent): OrganisationModel {
  if (!isUnitEvent(event)) return model;
  const { unitId } = event.data as { unitId: string };
  const view = evolveUnitView(model.units.get(unitId), event);
  let next: OrganisationModel = view === undefined ? model : { ...model, units: model.units.set(unitId, view) };
  const link = (successorId: string, how: PredecessorLink['how'], on: string) => {
    next = {
      ...next,
      predecessors: next.predecessors.update(successorId, List<PredecessorLink>(), (links) => links.push({ unitId, how, on })),
    };
  };
  switch (event.type) {
    case 'UnitsMerged': {
      const { successorId, on } = event.data as { successorId: string; on: string };
      if (successorId !== unitId) link(successorId, 'merged', on);
      break;
    }
    case 'UnitSplit': {
      const { successorIds, on } = event.data as { successorIds: string[]; on: string };
      for (const id of successorIds) link(id, 'split', on);
      break;
    }
    case 'UnitSuperseded': {
      const { successorId, on } = event.data as { successorId: string; on: string };
      link(successorId, 'superseded', on);
      break;
    }
  }
  return next;
}

export const OrganisationProjection: Projection<OrganisationModel> = {
  name: 'organisation',
  eventTypes: new Set(UNIT_EVENT_TYPES),
  initialState: () => ({ units: IMap(), predecessors: IMap() }),
  evolve,
};

/** The shape the authorization rules read (`authorize`, `canRead`). */
export function orgUnitsOf(model: OrganisationModel): OrgUnits {
  const units: Record<string, ReturnType<typeof toOrgUnit> & object> = {};
  for (const [id, view] of model.units) {
    const entry = toOrgUnit(view.record);
    if (entry) units[id] = entry;
  }
  return units;
}

/** Ids of `unitId` and every unit below it (by current parent links). */
export function subtreeOf(model: OrganisationModel, unitId: string): Set<string> {
  const children = new globalThis.Map<string, string[]>();
  for (const view of model.units.values()) {
    const parent = view.record.parentId;
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), view.unitId]);
  }
  const result = new Set<string>();
  const queue = [unitId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (result.has(id)) continue;
    result.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return result;
}
