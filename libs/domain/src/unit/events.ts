import type { ActorRef } from '../shared/actor';
import type { DomainEvent } from '../shared/decider';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { UnitKind } from '../shared/organisation';

/** Names in the three working languages; null where not given (at least one is given). */
export type UnitNames = { en: string | null; vi: string | null; zh: string | null };

/** A person in a post, named as the appointment names them (persons may be named by post only). */
export type PostHolder = { personId: string; name: string; postTitle: string };

/** What every unit event carries: the unit, when (`at`, the command's `now`) and who recorded it (`by`). */
type Recorded = { unitId: string; at: IsoInstant; by: ActorRef };

export type UnitRegistered = DomainEvent<
  'UnitRegistered',
  Recorded & { names: UnitNames; kind: UnitKind; parentId: string | null }
>;
export type UnitRenamed = DomainEvent<'UnitRenamed', Recorded & { names: UnitNames; previousNames: UnitNames }>;
export type UnitMoved = DomainEvent<
  'UnitMoved',
  Recorded & { parentId: string | null; previousParentId: string | null }
>;

/** `from` is the first day in post. */
export type HeadAppointed = DomainEvent<'HeadAppointed', Recorded & PostHolder & { from: IsoDate }>;
/** `to` is the last day in post (a successor may start on the same day: see `headOn`). */
export type HeadLeft = DomainEvent<'HeadLeft', Recorded & { personId: string; to: IsoDate }>;
export type DeputyAppointed = DomainEvent<
  'DeputyAppointed',
  Recorded & PostHolder & { portfolio: string; from: IsoDate }
>;
export type DeputyLeft = DomainEvent<'DeputyLeft', Recorded & { personId: string; to: IsoDate }>;
export type CadreRegistered = DomainEvent<'CadreRegistered', Recorded & PostHolder & { from: IsoDate }>;

/** This unit and `mergedWith` were merged into `successorId` (which may be one of them, or a new unit). */
export type UnitsMerged = DomainEvent<
  'UnitsMerged',
  Recorded & { successorId: string; mergedWith: string[]; on: IsoDate; reason: string }
>;
export type UnitSplit = DomainEvent<
  'UnitSplit',
  Recorded & { successorIds: string[]; on: IsoDate; reason: string }
>;
export type UnitSuperseded = DomainEvent<
  'UnitSuperseded',
  Recorded & { successorId: string; on: IsoDate; reason: string }
>;

export type TransferredItem = { kind: 'task' | 'objective'; id: string };
export const TRANSFERRED_ITEM_KINDS = ['task', 'objective'] as const;

/** Tasks and objectives of a dissolved unit, moved to one of its successors. The unit's own history is kept. */
export type ResponsibilitiesTransferred = DomainEvent<
  'ResponsibilitiesTransferred',
  Recorded & { successorId: string; items: TransferredItem[]; reason: string }
>;

export type UnitEvent =
  | UnitRegistered
  | UnitRenamed
  | UnitMoved
  | HeadAppointed
  | HeadLeft
  | DeputyAppointed
  | DeputyLeft
  | CadreRegistered
  | UnitsMerged
  | UnitSplit
  | UnitSuperseded
  | ResponsibilitiesTransferred;

export type UnitEventType = UnitEvent['type'];
