import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { UnitKind } from '../shared/organisation';
import type { TransferredItem } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; unitId: string } & Fields> & CommandEnvelope;

/** Names as entered: any subset of the three languages, at least one non-blank. */
export type UnitNamesInput = Readonly<{ en?: string | null; vi?: string | null; zh?: string | null }>;

/**
 * `parentChain` is resolved by the application from the organisation read model: the new parent first, then its
 * parent, and so on up to the root (empty when `parentId` is null). The decider refuses a parent that would put
 * the unit inside itself.
 */
export type RegisterUnit = Shape<
  'RegisterUnit',
  { names: UnitNamesInput; kind: UnitKind; parentId: string | null; parentChain: readonly string[] }
>;
export type RenameUnit = Shape<'RenameUnit', { names: UnitNamesInput }>;
export type MoveUnit = Shape<'MoveUnit', { parentId: string | null; parentChain: readonly string[] }>;

/**
 * With `replace: true` the head in post (if any) leaves on `from`, the day the new head starts; without it,
 * appointing over a head in post is refused.
 */
export type AppointHead = Shape<
  'AppointHead',
  { personId: string; name: string; postTitle: string; from: IsoDate; replace?: boolean }
>;
export type RecordHeadLeaving = Shape<'RecordHeadLeaving', { personId: string; to: IsoDate }>;
export type AppointDeputy = Shape<
  'AppointDeputy',
  { personId: string; name: string; postTitle: string; portfolio: string; from: IsoDate }
>;
export type RecordDeputyLeaving = Shape<'RecordDeputyLeaving', { personId: string; to: IsoDate }>;
export type RegisterCadre = Shape<
  'RegisterCadre',
  { personId: string; name: string; postTitle: string; from: IsoDate }
>;

/** Dissolutions: the head and deputies still in post leave on `on`, then the unit is dissolved. */
export type MergeUnit = Shape<
  'MergeUnit',
  { successorId: string; mergedWith: readonly string[]; on: IsoDate; reason: string }
>;
export type SplitUnit = Shape<'SplitUnit', { successorIds: readonly string[]; on: IsoDate; reason: string }>;
export type SupersedeUnit = Shape<'SupersedeUnit', { successorId: string; on: IsoDate; reason: string }>;
export type TransferResponsibilities = Shape<
  'TransferResponsibilities',
  { successorId: string; items: readonly Readonly<TransferredItem>[]; reason: string }
>;

export type UnitCommand =
  | RegisterUnit
  | RenameUnit
  | MoveUnit
  | AppointHead
  | RecordHeadLeaving
  | AppointDeputy
  | RecordDeputyLeaving
  | RegisterCadre
  | MergeUnit
  | SplitUnit
  | SupersedeUnit
  | TransferResponsibilities;

export type UnitCommandType = UnitCommand['type'];
