/**
 * The organisation read model shape the pure authorization rules work over: each unit with its parent and kind.
 * The projections build it from the unit streams (`toOrgUnit` in `unit/queries.ts` gives one entry); tests write it
 * by hand.
 */

export const UNIT_KINDS = ['city', 'district', 'ward', 'county', 'department', 'office', 'commission'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Levels of government with a territory. Offices, commissions and departments belong to one of them. */
export const TERRITORIAL_UNIT_KINDS: readonly UnitKind[] = ['city', 'district', 'ward', 'county'];

export type OrgUnit = {
  readonly id: string;
  readonly parentId: string | null;
  readonly kind: UnitKind;
  readonly dissolved: boolean;
};

/** Units by id. */
export type OrgUnits = { readonly [unitId: string]: OrgUnit };

/**
 * The unit and its ancestors, nearest first, up to the root. Stops at a unit missing from the model and at a cycle
 * (a corrupt model must not hang the guard).
 */
export function ancestorsOf(unitId: string, units: OrgUnits): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  let current: string | null = unitId;
  while (current !== null && !seen.has(current) && Object.hasOwn(units, current)) {
    chain.push(current);
    seen.add(current);
    current = units[current].parentId;
  }
  return chain;
}

/** True when `unitId` is `ancestorId` or lies below it. A unit missing from the model is in no subtree. */
export function isInSubtree(unitId: string, ancestorId: string, units: OrgUnits): boolean {
  return ancestorsOf(unitId, units).includes(ancestorId);
}

/**
 * The root of the territory an oversight office acts for: the nearest territorial unit at or above `unitId`.
 * The municipal inspection office (an office under the city) inspects the whole city, not only itself; a
 * district's inspection office, the district. A unit with no territorial ancestor is its own root.
 */
export function jurisdictionRootOf(unitId: string, units: OrgUnits): string {
  const chain = ancestorsOf(unitId, units);
  return chain.find((id) => TERRITORIAL_UNIT_KINDS.includes(units[id].kind)) ?? unitId;
}
