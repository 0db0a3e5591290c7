import { type ActorRef, actorRef } from '../shared/actor';
import { type IsoDate, isBefore } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { UNIT_KINDS, type UnitKind } from '../shared/organisation';
import {
  checkEnvelope,
  optionalText,
  requireDate,
  requireId,
  requireIdList,
  requireOneOf,
  requirePersonId,
  requireReason,
  requireText,
} from '../shared/validate';
import type {
  AppointDeputy,
  AppointHead,
  MergeUnit,
  MoveUnit,
  RecordDeputyLeaving,
  RecordHeadLeaving,
  RegisterCadre,
  RegisterUnit,
  RenameUnit,
  SplitUnit,
  SupersedeUnit,
  TransferResponsibilities,
  UnitCommand,
  UnitNamesInput,
} from './commands';
import {
  TRANSFERRED_ITEM_KINDS,
  type DeputyLeft,
  type HeadLeft,
  type PostHolder,
  type TransferredItem,
  type UnitEvent,
  type UnitNames,
} from './events';
import { currentHead } from './queries';

/** A period in a post. `to` is the last day in post, null while in post. */
export type Tenure = PostHolder & { from: IsoDate; to: IsoDate | null };
export type DeputyTenure = Tenure & { portfolio: string };
export type Cadre = PostHolder & { from: IsoDate };
export type Dissolution = {
  how: 'merged' | 'split' | 'superseded';
  on: IsoDate;
  successorIds: string[];
  reason: string;
};

export type UnitRecord = {
  status: 'active' | 'dissolved';
  unitId: string;
  names: UnitNames;
  kind: UnitKind;
  parentId: string | null;
  /** Every head the unit has had, in order of appointment: the tenure history `headOn` answers from. */
  heads: Tenure[];
  deputies: DeputyTenure[];
  cadres: Cadre[];
  dissolution: Dissolution | null;
  transferred: (TransferredItem & { successorId: string })[];
};

export type UnitState = { status: 'unregistered' } | UnitRecord;

type Recorded = { unitId: string; at: string; by: ActorRef };

export const unitDecider: Decider<UnitState, UnitCommand, UnitEvent> = {
  initialState: () => ({ status: 'unregistered' }),
  evolve,
  decide,
};

function decide(command: UnitCommand, state: UnitState): UnitEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = {
    unitId: requireId(command.unitId, 'unitId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  switch (command.type) {
    case 'RegisterUnit':
      return registerUnit(command, state, recorded);
    case 'RenameUnit':
      return renameUnit(command, activeUnit(state, command.unitId), recorded);
    case 'MoveUnit':
      return moveUnit(command, activeUnit(state, command.unitId), recorded);
    case 'AppointHead':
      return appointHead(command, activeUnit(state, command.unitId), recorded);
    case 'RecordHeadLeaving':
      return recordHeadLeaving(command, activeUnit(state, command.unitId), recorded);
    case 'AppointDeputy':
      return appointDeputy(command, activeUnit(state, command.unitId), recorded);
    case 'RecordDeputyLeaving':
      return recordDeputyLeaving(command, activeUnit(state, command.unitId), recorded);
    case 'RegisterCadre':
      return registerCadre(command, activeUnit(state, command.unitId), recorded);
    case 'MergeUnit':
      return mergeUnit(command, activeUnit(state, command.unitId), recorded);
    case 'SplitUnit':
      return splitUnit(command, activeUnit(state, command.unitId), recorded);
    case 'SupersedeUnit':
      return supersedeUnit(command, activeUnit(state, command.unitId), recorded);
    case 'TransferResponsibilities':
      return transferResponsibilities(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown unit command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

// ── Registration and structure ────────────────────────────────────────────────────────────────────────────────

function registerUnit(command: RegisterUnit, state: UnitState, recorded: Recorded): UnitEvent[] {
  if (state.status !== 'unregistered') throw domainError('UNIT.ALREADY_REGISTERED', { unit: command.unitId });
  const names = namesOf(command.names);
  const kind = requireOneOf(command.kind, UNIT_KINDS, 'kind');
  checkParent(command.unitId, command.parentId, command.parentChain);
  return [{ type: 'UnitRegistered', data: { ...recorded, names, kind, parentId: command.parentId } }];
}

function renameUnit(command: RenameUnit, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const names = namesOf(command.names);
  return [{ type: 'UnitRenamed', data: { ...recorded, names, previousNames: unit.names } }];
}

function moveUnit(command: MoveUnit, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  if (command.parentId === unit.parentId) {
    throw domainError('UNIT.PARENT_UNCHANGED', { field: 'parentId', unit: unit.unitId, parent: unit.parentId ?? '—' });
  }
  checkParent(unit.unitId, command.parentId, command.parentChain);
  return [{ type: 'UnitMoved', data: { ...recorded, parentId: command.parentId, previousParentId: unit.parentId } }];
}

/** The parent chain is the new parent and its ancestors; the unit must not be among them. */
function checkParent(unitId: string, parentId: string | null, parentChain: readonly string[]): void {
  if (parentId === null) {
    if (!Array.isArray(parentChain) || parentChain.length > 0) {
      throw domainError('UNIT.PARENT_CHAIN_INVALID', { field: 'parentChain' });
    }
    return;
  }
  requireId(parentId, 'parentId');
  const chain = requireIdList(parentChain, 'parentChain');
  if (chain[0] !== parentId) throw domainError('UNIT.PARENT_CHAIN_INVALID', { field: 'parentChain' });
  if (chain.includes(unitId)) {
    throw domainError('UNIT.PARENT_CYCLE', { field: 'parentId', unit: unitId, parent: parentId });
  }
}

function namesOf(input: UnitNamesInput): UnitNames {
  const names = { en: optionalText(input?.en), vi: optionalText(input?.vi), zh: optionalText(input?.zh) };
  if (names.en === null && names.vi === null && names.zh === null) {
    throw domainError('UNIT.NAME_REQUIRED', { field: 'names' });
  }
  return names;
}

// ── Posts ─────────────────────────────────────────────────────────────────────────────────────────────────────

function postHolderOf(command: { personId: string; name: string; postTitle: string }): PostHolder {
  return {
    personId: requirePersonId(command.personId, 'personId'),
    name: requireText(command.name, 'name'),
    postTitle: requireText(command.postTitle, 'postTitle'),
  };
}

function appointHead(command: AppointHead, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const holder = postHolderOf(command);
  const from = requireDate(command.from, 'from');
  const inPost = currentHead(unit);
  const events: UnitEvent[] = [];
  if (inPost) {
    // Replacing is explicit so that a second appointment by mistake cannot silently end a tenure.
    if (command.replace !== true || inPost.personId === holder.personId) {
      throw domainError('UNIT.HEAD_IN_POST', { unit: unit.unitId, person: inPost.personId });
    }
    events.push(headLeft(inPost, from, recorded));
  } else {
    const previous = unit.heads.at(-1);
    if (previous?.to && isBefore(from, previous.to)) {
      throw domainError('UNIT.APPOINTMENT_BEFORE_PREVIOUS_TENURE', { field: 'from', from, previousTo: previous.to });
    }
  }
  events.push({ type: 'HeadAppointed', data: { ...recorded, ...holder, from } });
  return events;
}

function recordHeadLeaving(command: RecordHeadLeaving, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const personId = requirePersonId(command.personId, 'personId');
  const to = requireDate(command.to, 'to');
  const inPost = currentHead(unit);
  if (!inPost) throw domainError('UNIT.NO_HEAD_IN_POST', { unit: unit.unitId });
  if (inPost.personId !== personId) {
    throw domainError('UNIT.NOT_CURRENT_HEAD', { field: 'personId', unit: unit.unitId, person: personId });
  }
  return [headLeft(inPost, to, recorded)];
}

function headLeft(tenure: Tenure, to: IsoDate, recorded: Recorded): HeadLeft {
  if (isBefore(to, tenure.from)) {
    throw domainError('UNIT.LEAVE_BEFORE_APPOINTMENT', { person: tenure.personId, to, from: tenure.from });
  }
  return { type: 'HeadLeft', data: { ...recorded, personId: tenure.personId, to } };
}

function appointDeputy(command: AppointDeputy, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const holder = postHolderOf(command);
  const portfolio = requireText(command.portfolio, 'portfolio');
  const from = requireDate(command.from, 'from');
  if (openDeputy(unit, holder.personId)) {
    throw domainError('UNIT.DEPUTY_IN_POST', { unit: unit.unitId, person: holder.personId });
  }
  return [{ type: 'DeputyAppointed', data: { ...recorded, ...holder, portfolio, from } }];
}

function recordDeputyLeaving(command: RecordDeputyLeaving, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const personId = requirePersonId(command.personId, 'personId');
  const to = requireDate(command.to, 'to');
  const tenure = openDeputy(unit, personId);
  if (!tenure) throw domainError('UNIT.DEPUTY_NOT_IN_POST', { field: 'personId', unit: unit.unitId, person: personId });
  return [deputyLeft(tenure, to, recorded)];
}

function deputyLeft(tenure: DeputyTenure, to: IsoDate, recorded: Recorded): DeputyLeft {
  if (isBefore(to, tenure.from)) {
    throw domainError('UNIT.LEAVE_BEFORE_APPOINTMENT', { person: tenure.personId, to, from: tenure.from });
  }
  return { type: 'DeputyLeft', data: { ...recorded, personId: tenure.personId, to } };
}

function openDeputy(unit: UnitRecord, personId: string): DeputyTenure | undefined {
  return unit.deputies.find((tenure) => tenure.personId === personId && tenure.to === null);
}

function registerCadre(command: RegisterCadre, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const holder = postHolderOf(command);
  const from = requireDate(command.from, 'from');
  if (unit.cadres.some((cadre) => cadre.personId === holder.personId)) {
    throw domainError('UNIT.CADRE_ALREADY_REGISTERED', { unit: unit.unitId, person: holder.personId });
  }
  return [{ type: 'CadreRegistered', data: { ...recorded, ...holder, from } }];
}

// ── Dissolution and succession ────────────────────────────────────────────────────────────────────────────────

/** Everyone still in post leaves on the dissolution day, so `headOn` after it answers "nobody". */
function endTenures(unit: UnitRecord, on: IsoDate, recorded: Recorded): UnitEvent[] {
  const head = currentHead(unit);
  const deputies = unit.deputies.filter((tenure) => tenure.to === null);
  return [
    ...(head ? [headLeft(head, on, recorded)] : []),
    ...deputies.map((tenure) => deputyLeft(tenure, on, recorded)),
  ];
}

function requireSuccessor(unit: UnitRecord, successorId: string, field: string): string {
  requireId(successorId, field);
  if (successorId === unit.unitId) throw domainError('UNIT.SUCCESSOR_INVALID', { field, unit: unit.unitId });
  return successorId;
}

function mergeUnit(command: MergeUnit, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const successorId = requireSuccessor(unit, command.successorId, 'successorId');
  const mergedWith = requireIdList(command.mergedWith, 'mergedWith');
  if (mergedWith.includes(unit.unitId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'mergedWith', value: unit.unitId });
  }
  const on = requireDate(command.on, 'on');
  const reason = requireReason(command.reason);
  return [
    ...endTenures(unit, on, recorded),
    { type: 'UnitsMerged', data: { ...recorded, successorId, mergedWith, on, reason } },
  ];
}

function splitUnit(command: SplitUnit, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const successorIds = requireIdList(command.successorIds, 'successorIds');
  successorIds.forEach((id, index) => requireSuccessor(unit, id, `successorIds[${index}]`));
  if (successorIds.length < 2) throw domainError('UNIT.SPLIT_NEEDS_SUCCESSORS', { field: 'successorIds' });
  const on = requireDate(command.on, 'on');
  const reason = requireReason(command.reason);
  return [...endTenures(unit, on, recorded), { type: 'UnitSplit', data: { ...recorded, successorIds, on, reason } }];
}

function supersedeUnit(command: SupersedeUnit, unit: UnitRecord, recorded: Recorded): UnitEvent[] {
  const successorId = requireSuccessor(unit, command.successorId, 'successorId');
  const on = requireDate(command.on, 'on');
  const reason = requireReason(command.reason);
  return [
    ...endTenures(unit, on, recorded),
    { type: 'UnitSuperseded', data: { ...recorded, successorId, on, reason } },
  ];
}

function transferResponsibilities(
  command: TransferResponsibilities,
  state: UnitState,
  recorded: Recorded,
): UnitEvent[] {
  if (state.status === 'unregistered') throw domainError('UNIT.NOT_FOUND', { unit: command.unitId });
  if (state.status === 'active' || state.dissolution === null) {
    throw domainError('UNIT.NOT_DISSOLVED', { unit: state.unitId });
  }
  const successorId = requireId(command.successorId, 'successorId');
  if (!state.dissolution.successorIds.includes(successorId)) {
    throw domainError('UNIT.NOT_A_SUCCESSOR', { field: 'successorId', unit: state.unitId, successor: successorId });
  }
  if (!Array.isArray(command.items) || command.items.length === 0) {
    throw domainError('UNIT.NOTHING_TO_TRANSFER', { field: 'items' });
  }
  const items = command.items.map((item, index): TransferredItem => ({
    kind: requireOneOf(item?.kind, TRANSFERRED_ITEM_KINDS, `items[${index}].kind`),
    id: requireId(item?.id, `items[${index}].id`),
  }));
  const keys = new Set<string>();
  for (const item of items) {
    const key = `${item.kind} ${item.id}`;
    if (keys.has(key)) throw domainError('COMMON.DUPLICATE_VALUE', { field: 'items', value: key });
    keys.add(key);
    if (state.transferred.some((done) => done.kind === item.kind && done.id === item.id)) {
      throw domainError('UNIT.ALREADY_TRANSFERRED', { item: key, unit: state.unitId });
    }
  }
  const reason = requireReason(command.reason);
  return [{ type: 'ResponsibilitiesTransferred', data: { ...recorded, successorId, items, reason } }];
}

function activeUnit(state: UnitState, unitId: string): UnitRecord {
  if (state.status === 'unregistered') throw domainError('UNIT.NOT_FOUND', { unit: unitId });
  if (state.status === 'dissolved') {
    throw domainError('UNIT.DISSOLVED', { unit: state.unitId, on: state.dissolution?.on ?? '—' });
  }
  return state;
}

// ── Evolve ────────────────────────────────────────────────────────────────────────────────────────────────────

function evolve(state: UnitState, event: UnitEvent): UnitState {
  if (event.type === 'UnitRegistered') {
    const { unitId, names, kind, parentId } = event.data;
    return {
      status: 'active',
      unitId,
      names,
      kind,
      parentId,
      heads: [],
      deputies: [],
      cadres: [],
      dissolution: null,
      transferred: [],
    };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'UnitRenamed':
      return { ...state, names: event.data.names };
    case 'UnitMoved':
      return { ...state, parentId: event.data.parentId };
    case 'HeadAppointed': {
      const { personId, name, postTitle, from } = event.data;
      return { ...state, heads: [...state.heads, { personId, name, postTitle, from, to: null }] };
    }
    case 'HeadLeft':
      return { ...state, heads: closeTenure(state.heads, event.data.personId, event.data.to) };
    case 'DeputyAppointed': {
      const { personId, name, postTitle, portfolio, from } = event.data;
      return { ...state, deputies: [...state.deputies, { personId, name, postTitle, portfolio, from, to: null }] };
    }
    case 'DeputyLeft':
      return { ...state, deputies: closeTenure(state.deputies, event.data.personId, event.data.to) };
    case 'CadreRegistered': {
      const { personId, name, postTitle, from } = event.data;
      return { ...state, cadres: [...state.cadres, { personId, name, postTitle, from }] };
    }
    case 'UnitsMerged': {
      const { successorId, on, reason } = event.data;
      return { ...state, status: 'dissolved', dissolution: { how: 'merged', on, successorIds: [successorId], reason } };
    }
    case 'UnitSplit': {
      const { successorIds, on, reason } = event.data;
      return {
        ...state,
        status: 'dissolved',
        dissolution: { how: 'split', on, successorIds: [...successorIds], reason },
      };
    }
    case 'UnitSuperseded': {
      const { successorId, on, reason } = event.data;
      return {
        ...state,
        status: 'dissolved',
        dissolution: { how: 'superseded', on, successorIds: [successorId], reason },
      };
    }
    case 'ResponsibilitiesTransferred': {
      const { successorId, items } = event.data;
      return { ...state, transferred: [...state.transferred, ...items.map((item) => ({ ...item, successorId }))] };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function closeTenure<T extends Tenure>(tenures: T[], personId: string, to: IsoDate): T[] {
  return tenures.map((tenure) => (tenure.personId === personId && tenure.to === null ? { ...tenure, to } : tenure));
}
