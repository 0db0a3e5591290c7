import type { RuleSet } from '../rule-set';
import { CN_2019 } from './cn-2019';
import { VN_2020 } from './vn-2020';
import { VN_2026 } from './vn-2026';

export { CN_2019, VN_2020, VN_2026 };

/** Every rule set the ledger ships, by id. A correction is added under a new id; none is ever edited in place. */
export const RULE_SETS: { readonly [id: string]: RuleSet } = {
  [VN_2026.id]: VN_2026,
  [VN_2020.id]: VN_2020,
  [CN_2019.id]: CN_2019,
};

export const RULE_SET_IDS = Object.keys(RULE_SETS);

export function ruleSetById(id: string): RuleSet | null {
  return Object.hasOwn(RULE_SETS, id) ? RULE_SETS[id] : null;
}
