import { type IsoDate } from '../shared/dates';
import type { OrgUnit } from '../shared/organisation';
import type { DeputyTenure, Tenure, UnitState } from './decider';

/**
 * Who held a post on a day. Tenures are inclusive of both ends: `from` is the first day in post and `to` the
 * last. A successor may start on the day the predecessor leaves (a handover day), so on that one day two
 * tenures cover the date.
 *
 * Deadline-day semantics: a deadline D is met or missed at the end of D, and the head who answers for it is the
 * one in post on D. On a handover day that is the outgoing head (the one in post when D began): the incoming head
 * had no working day to act, and the referral must name who held the post while the work was due. `tenuresOn`
 * lists both for a referral that wants the full picture.
 */
export function headOn(state: UnitState, date: IsoDate): Tenure | null {
  return tenuresOn(state, date)[0] ?? null;
}

/** Every head tenure covering `date`, in order of appointment (two on a handover day). */
export function tenuresOn(state: UnitState, date: IsoDate): Tenure[] {
  if (state.status === 'unregistered') return [];
  return state.heads.filter((tenure) => covers(tenure, date));
}

/** The head in post now (an open tenure), whatever the date. */
export function currentHead(state: UnitState): Tenure | null {
  if (state.status === 'unregistered') return null;
  return state.heads.find((tenure) => tenure.to === null) ?? null;
}

/** Deputies in post on `date`, with their portfolios. */
export function deputiesOn(state: UnitState, date: IsoDate): DeputyTenure[] {
  if (state.status === 'unregistered') return [];
  return state.deputies.filter((tenure) => covers(tenure, date));
}

/** The unit's entry in the organisation read model used by the authorization rules. */
export function toOrgUnit(state: UnitState): OrgUnit | null {
  if (state.status === 'unregistered') return null;
  return { id: state.unitId, parentId: state.parentId, kind: state.kind, dissolved: state.status === 'dissolved' };
}

function covers(tenure: Tenure, date: IsoDate): boolean {
  return tenure.from <= date && (tenure.to === null || date <= tenure.to);
}
