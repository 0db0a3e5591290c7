import type { Actor } from '../shared/actor';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '../shared/domain-error';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import type { UnitCommand } from './commands';
import { unitDecider } from './decider';
import type {
  CadreRegistered,
  DeputyAppointed,
  HeadAppointed,
  HeadLeft,
  UnitEvent,
  UnitRegistered,
  UnitSplit,
  UnitsMerged,
} from './events';
import { currentHead, deputiesOn, headOn, tenuresOn, toOrgUnit } from './queries';

const admin: Actor = { id: 'admin-1', role: 'administrator', unit: 'city' };
const now = '2018-11-15T09:00:00+08:00';
const recorded = { unitId: 'zh', at: now, by: { id: 'admin-1', role: 'administrator' as const, unit: 'city' } };
const envelope = { unitId: 'zh', now, actor: admin };

const spec = DeciderSpecification.for(unitDecider);

const zhRegistered: UnitRegistered = {
  type: 'UnitRegistered',
  data: {
    ...recorded,
    names: { en: 'Zhuhui District', vi: null, zh: '珠晖区' },
    kind: 'district',
    parentId: 'city',
  },
};
const headC: HeadAppointed = {
  type: 'HeadAppointed',
  data: { ...recorded, personId: 'p-head-c', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01' },
};
const headCLeft: HeadLeft = { type: 'HeadLeft', data: { ...recorded, personId: 'p-head-c', to: '2018-11-15' } };
const headC2: HeadAppointed = {
  type: 'HeadAppointed',
  data: { ...recorded, personId: 'p-head-c2', name: 'District Head C2', postTitle: 'District Head', from: '2018-11-15' },
};
const deputyLand: DeputyAppointed = {
  type: 'DeputyAppointed',
  data: {
    ...recorded,
    personId: 'p-deputy',
    name: 'Deputy District Head',
    postTitle: 'Deputy District Head',
    portfolio: 'land and resources',
    from: '2018-03-01',
  },
};
const cadre: CadreRegistered = {
  type: 'CadreRegistered',
  data: { ...recorded, personId: 'p-clerk', name: 'Land clerk', postTitle: 'Clerk', from: '2018-01-01' },
};
const mergedIntoHy: UnitsMerged = {
  type: 'UnitsMerged',
  data: { ...recorded, successorId: 'hy', mergedWith: ['sg'], on: '2018-12-31', reason: 'Reorganisation of districts' },
};
const splitInTwo: UnitSplit = {
  type: 'UnitSplit',
  data: { ...recorded, successorIds: ['zh-east', 'zh-west'], on: '2018-12-31', reason: 'Split of the district' },
};

describe('unit decider', () => {
  describe('RegisterUnit', () => {
    const register: UnitCommand = {
      ...envelope,
      type: 'RegisterUnit',
      names: { en: '  Zhuhui District ', zh: '珠晖区', vi: '  ' },
      kind: 'district',
      parentId: 'city',
      parentChain: ['city'],
    };

    it('registers a unit under its parent, with trimmed names and null for names not given', () => {
      spec.given([]).when(register).then([zhRegistered]);
    });

    it('registers a root unit with no parent', () => {
      spec
        .given([])
        .when({ ...register, unitId: 'city', parentId: null, parentChain: [], kind: 'city', names: { zh: '衡阳市人民政府' } })
        .then([
          {
            type: 'UnitRegistered',
            data: {
              ...recorded,
              unitId: 'city',
              names: { en: null, vi: null, zh: '衡阳市人民政府' },
              kind: 'city',
              parentId: null,
            },
          },
        ]);
    });

    it('refuses a unit registered twice', () => {
      spec.given([zhRegistered]).when(register).thenThrows('UNIT.ALREADY_REGISTERED');
    });

    it('refuses a unit without any name', () => {
      spec.given([]).when({ ...register, names: { en: ' ', vi: null } }).thenThrows('UNIT.NAME_REQUIRED', { field: 'names' });
    });

    it('refuses an unknown kind', () => {
      spec
        .given([])
        .when({ ...register, kind: 'province' as never })
        .thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'kind' });
    });

    it('refuses a parent chain that does not start with the parent', () => {
      spec.given([]).when({ ...register, parentChain: ['land', 'city'] }).thenThrows('UNIT.PARENT_CHAIN_INVALID');
    });

    it('refuses a parent chain for a root unit', () => {
      spec.given([]).when({ ...register, parentId: null, parentChain: ['city'] }).thenThrows('UNIT.PARENT_CHAIN_INVALID');
    });

    it('refuses a parent whose chain contains the unit itself', () => {
      spec
        .given([])
        .when({ ...register, parentId: 'zh-ward', parentChain: ['zh-ward', 'zh', 'city'] })
        .thenThrows('UNIT.PARENT_CYCLE', { field: 'parentId' });
    });

    it('refuses the unit as its own parent', () => {
      spec.given([]).when({ ...register, parentId: 'zh', parentChain: ['zh', 'city'] }).thenThrows(RuleViolationError);
    });

    it('refuses an id that cannot be part of a stream id', () => {
      spec.given([]).when({ ...register, unitId: 'Zhuhui District' }).thenThrows('COMMON.ID_INVALID', { field: 'unitId' });
    });

    it('refuses a command without a valid actor', () => {
      spec
        .given([])
        .when({ ...register, actor: { id: '', role: 'administrator', unit: 'city' } })
        .thenThrows('COMMON.ACTOR_INVALID');
      spec
        .given([])
        .when({ ...register, actor: { id: 'a', role: 'mayor' as never, unit: 'city' } })
        .thenThrows('COMMON.ACTOR_INVALID');
    });

    it('refuses a command whose now is not an instant with an offset', () => {
      spec.given([]).when({ ...register, now: '2018-11-15T09:00:00' }).thenThrows('COMMON.INSTANT_INVALID', { field: 'now' });
    });
  });

  describe('RenameUnit', () => {
    it('renames, keeping the previous names in the event', () => {
      spec
        .given([zhRegistered])
        .when({ ...envelope, type: 'RenameUnit', names: { en: 'Zhuhui District', vi: 'Quận Châu Huy', zh: '珠晖区' } })
        .then([
          {
            type: 'UnitRenamed',
            data: {
              ...recorded,
              names: { en: 'Zhuhui District', vi: 'Quận Châu Huy', zh: '珠晖区' },
              previousNames: zhRegistered.data.names,
            },
          },
        ]);
    });

    it('refuses a unit that is not registered', () => {
      spec.given([]).when({ ...envelope, type: 'RenameUnit', names: { en: 'X' } }).thenThrows(NotFoundError);
    });

    it('refuses blank names', () => {
      spec.given([zhRegistered]).when({ ...envelope, type: 'RenameUnit', names: {} }).thenThrows('UNIT.NAME_REQUIRED');
    });

    it('refuses a dissolved unit', () => {
      spec
        .given([zhRegistered, mergedIntoHy])
        .when({ ...envelope, type: 'RenameUnit', names: { en: 'X' } })
        .thenThrows('UNIT.DISSOLVED');
    });
  });

  describe('MoveUnit', () => {
    it('moves the unit under a new parent', () => {
      spec
        .given([zhRegistered])
        .when({ ...envelope, type: 'MoveUnit', parentId: 'land', parentChain: ['land', 'city'] })
        .then([{ type: 'UnitMoved', data: { ...recorded, parentId: 'land', previousParentId: 'city' } }]);
    });

    it('refuses a move under one of its own descendants', () => {
      spec
        .given([zhRegistered])
        .when({ ...envelope, type: 'MoveUnit', parentId: 'zh-ward-1', parentChain: ['zh-ward-1', 'zh', 'city'] })
        .thenThrows('UNIT.PARENT_CYCLE');
    });

    it('refuses a move to the parent it already has', () => {
      spec
        .given([zhRegistered])
        .when({ ...envelope, type: 'MoveUnit', parentId: 'city', parentChain: ['city'] })
        .thenThrows('UNIT.PARENT_UNCHANGED');
    });

    it('refuses a dissolved unit', () => {
      spec
        .given([zhRegistered, mergedIntoHy])
        .when({ ...envelope, type: 'MoveUnit', parentId: 'land', parentChain: ['land', 'city'] })
        .thenThrows(ConflictError);
    });
  });

  describe('AppointHead', () => {
    const appointC2: UnitCommand = {
      ...envelope,
      type: 'AppointHead',
      personId: 'p-head-c2',
      name: 'District Head C2',
      postTitle: 'District Head',
      from: '2018-11-15',
    };

    describe('when no head is in post', () => {
      it('appoints the head', () => {
        spec.given([zhRegistered]).when(appointC2).then([headC2]);
      });

      it('appoints from the day the previous head left (a same-day handover)', () => {
        spec.given([zhRegistered, headC, headCLeft]).when(appointC2).then([headC2]);
      });

      it('refuses an appointment that starts before the previous head left', () => {
        spec
          .given([zhRegistered, headC, headCLeft])
          .when({ ...appointC2, from: '2018-11-14' })
          .thenThrows('UNIT.APPOINTMENT_BEFORE_PREVIOUS_TENURE', { field: 'from' });
      });

      it('refuses a blank name and a malformed date', () => {
        spec.given([zhRegistered]).when({ ...appointC2, name: ' ' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'name' });
        spec.given([zhRegistered]).when({ ...appointC2, from: '2018-11-31' }).thenThrows('COMMON.DATE_INVALID', { field: 'from' });
      });
    });

    describe('when a head is in post', () => {
      it('refuses to appoint over them', () => {
        spec.given([zhRegistered, headC]).when(appointC2).thenThrows('UNIT.HEAD_IN_POST');
      });

      it('replaces them when asked to: the outgoing head leaves on the day the new head starts', () => {
        spec.given([zhRegistered, headC]).when({ ...appointC2, replace: true }).then([headCLeft, headC2]);
      });

      it('refuses a replacement dated before the outgoing head was appointed', () => {
        spec
          .given([zhRegistered, headC])
          .when({ ...appointC2, replace: true, from: '2017-12-31' })
          .thenThrows('UNIT.LEAVE_BEFORE_APPOINTMENT');
      });

      it('refuses to "replace" the head with the same person', () => {
        spec
          .given([zhRegistered, headC])
          .when({ ...appointC2, personId: 'p-head-c', replace: true })
          .thenThrows('UNIT.HEAD_IN_POST');
      });
    });

    it('refuses a unit that is not registered', () => {
      spec.given([]).when(appointC2).thenThrows('UNIT.NOT_FOUND');
    });

    it('refuses a dissolved unit', () => {
      spec.given([zhRegistered, headC, headCLeft, mergedIntoHy]).when(appointC2).thenThrows('UNIT.DISSOLVED');
    });
  });

  describe('RecordHeadLeaving', () => {
    const leave: UnitCommand = { ...envelope, type: 'RecordHeadLeaving', personId: 'p-head-c', to: '2018-11-15' };

    it('ends the tenure of the head in post', () => {
      spec.given([zhRegistered, headC]).when(leave).then([headCLeft]);
    });

    it('lets a head leave on the day of appointment', () => {
      spec
        .given([zhRegistered, headC])
        .when({ ...leave, to: '2018-01-01' })
        .then([{ type: 'HeadLeft', data: { ...recorded, personId: 'p-head-c', to: '2018-01-01' } }]);
    });

    it('refuses when nobody is in post', () => {
      spec.given([zhRegistered]).when(leave).thenThrows('UNIT.NO_HEAD_IN_POST');
      spec.given([zhRegistered, headC, headCLeft]).when(leave).thenThrows('UNIT.NO_HEAD_IN_POST');
    });

    it('refuses a person who is not the head in post', () => {
      spec.given([zhRegistered, headC]).when({ ...leave, personId: 'p-head-c2' }).thenThrows('UNIT.NOT_CURRENT_HEAD');
    });

    it('refuses leaving before the appointment date', () => {
      spec
        .given([zhRegistered, headC])
        .when({ ...leave, to: '2017-12-31' })
        .thenThrows('UNIT.LEAVE_BEFORE_APPOINTMENT');
    });
  });

  describe('AppointDeputy and RecordDeputyLeaving', () => {
    const appointDeputy: UnitCommand = {
      ...envelope,
      type: 'AppointDeputy',
      personId: 'p-deputy',
      name: 'Deputy District Head',
      postTitle: 'Deputy District Head',
      portfolio: 'land and resources',
      from: '2018-03-01',
    };
    const deputyLeaves: UnitCommand = { ...envelope, type: 'RecordDeputyLeaving', personId: 'p-deputy', to: '2018-06-30' };

    it('appoints a deputy with a portfolio, alongside the head', () => {
      spec.given([zhRegistered, headC]).when(appointDeputy).then([deputyLand]);
    });

    it('refuses a deputy already in post', () => {
      spec.given([zhRegistered, deputyLand]).when(appointDeputy).thenThrows('UNIT.DEPUTY_IN_POST');
    });

    it('refuses a deputy without a portfolio', () => {
      spec
        .given([zhRegistered])
        .when({ ...appointDeputy, portfolio: '' })
        .thenThrows('COMMON.TEXT_REQUIRED', { field: 'portfolio' });
    });

    it('records a deputy leaving', () => {
      spec
        .given([zhRegistered, deputyLand])
        .when(deputyLeaves)
        .then([{ type: 'DeputyLeft', data: { ...recorded, personId: 'p-deputy', to: '2018-06-30' } }]);
    });

    it('refuses a deputy who is not in post', () => {
      spec.given([zhRegistered]).when(deputyLeaves).thenThrows('UNIT.DEPUTY_NOT_IN_POST', { field: 'personId' });
    });

    it('refuses a deputy leaving before appointment', () => {
      spec
        .given([zhRegistered, deputyLand])
        .when({ ...deputyLeaves, to: '2018-02-28' })
        .thenThrows('UNIT.LEAVE_BEFORE_APPOINTMENT');
    });
  });

  describe('RegisterCadre', () => {
    const registerCadre: UnitCommand = {
      ...envelope,
      type: 'RegisterCadre',
      personId: 'p-clerk',
      name: 'Land clerk',
      postTitle: 'Clerk',
      from: '2018-01-01',
    };

    it('registers a cadre of the unit', () => {
      spec.given([zhRegistered]).when(registerCadre).then([cadre]);
    });

    it('refuses a cadre registered twice', () => {
      spec.given([zhRegistered, cadre]).when(registerCadre).thenThrows('UNIT.CADRE_ALREADY_REGISTERED');
    });
  });

  describe('dissolution', () => {
    const merge: UnitCommand = {
      ...envelope,
      type: 'MergeUnit',
      successorId: 'hy',
      mergedWith: ['sg'],
      on: '2018-12-31',
      reason: 'Reorganisation of districts',
    };
    const split: UnitCommand = {
      ...envelope,
      type: 'SplitUnit',
      successorIds: ['zh-east', 'zh-west'],
      on: '2018-12-31',
      reason: 'Split of the district',
    };
    const supersede: UnitCommand = {
      ...envelope,
      type: 'SupersedeUnit',
      successorId: 'zh-new',
      on: '2018-12-31',
      reason: 'Renamed and re-established',
    };

    it('merges a unit: everyone still in post leaves on the day, then the unit is dissolved', () => {
      spec
        .given([zhRegistered, headC2, deputyLand])
        .when(merge)
        .then([
          { type: 'HeadLeft', data: { ...recorded, personId: 'p-head-c2', to: '2018-12-31' } },
          { type: 'DeputyLeft', data: { ...recorded, personId: 'p-deputy', to: '2018-12-31' } },
          mergedIntoHy,
        ]);
    });

    it('refuses a merger into itself, or listing itself among the merged', () => {
      spec.given([zhRegistered]).when({ ...merge, successorId: 'zh' }).thenThrows('UNIT.SUCCESSOR_INVALID');
      spec.given([zhRegistered]).when({ ...merge, mergedWith: ['sg', 'zh'] }).thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('refuses a dissolution without a reason', () => {
      spec.given([zhRegistered]).when({ ...merge, reason: ' ' }).thenThrows('COMMON.REASON_REQUIRED', { field: 'reason' });
    });

    it('refuses a dissolution dated before the head in post was appointed', () => {
      spec.given([zhRegistered, headC2]).when({ ...merge, on: '2018-11-14' }).thenThrows('UNIT.LEAVE_BEFORE_APPOINTMENT');
    });

    it('refuses to dissolve a unit twice', () => {
      spec.given([zhRegistered, mergedIntoHy]).when(split).thenThrows('UNIT.DISSOLVED');
    });

    it('splits a unit into successors', () => {
      spec.given([zhRegistered]).when(split).then([splitInTwo]);
    });

    it('refuses a split into fewer than two units, into itself, or into the same unit twice', () => {
      spec.given([zhRegistered]).when({ ...split, successorIds: ['zh-east'] }).thenThrows('UNIT.SPLIT_NEEDS_SUCCESSORS');
      spec.given([zhRegistered]).when({ ...split, successorIds: ['zh', 'zh-west'] }).thenThrows('UNIT.SUCCESSOR_INVALID');
      spec
        .given([zhRegistered])
        .when({ ...split, successorIds: ['zh-east', 'zh-east'] })
        .thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('supersedes a unit by an explicit successor', () => {
      spec
        .given([zhRegistered])
        .when(supersede)
        .then([
          {
            type: 'UnitSuperseded',
            data: { ...recorded, successorId: 'zh-new', on: '2018-12-31', reason: 'Renamed and re-established' },
          },
        ]);
    });

    it('refuses to supersede a unit that is not registered', () => {
      spec.given([]).when(supersede).thenThrows('UNIT.NOT_FOUND');
    });

    it('keeps the unit, its heads and deputies in its history after dissolution', () => {
      const state = fold(unitDecider, [zhRegistered, headC, headCLeft, headC2, deputyLand, ...mergeEvents()]);
      expect(state.status).toBe('dissolved');
      expect(headOn(state, '2018-10-31')?.name).toBe('District Head C');
      expect(headOn(state, '2018-12-31')?.name).toBe('District Head C2');
      expect(headOn(state, '2019-01-01')).toBeNull();
      expect(currentHead(state)).toBeNull();
      expect(toOrgUnit(state)).toEqual({ id: 'zh', parentId: 'city', kind: 'district', dissolved: true });
    });

    function mergeEvents(): UnitEvent[] {
      return unitDecider.decide(merge, fold(unitDecider, [zhRegistered, headC, headCLeft, headC2, deputyLand]));
    }
  });

  describe('TransferResponsibilities', () => {
    const transfer: UnitCommand = {
      ...envelope,
      type: 'TransferResponsibilities',
      successorId: 'zh-east',
      items: [
        { kind: 'task', id: 't4-zh' },
        { kind: 'objective', id: 'obj-2018-zh' },
      ],
      reason: 'The eastern part keeps the land work',
    };
    const transferred: UnitEvent = {
      type: 'ResponsibilitiesTransferred',
      data: {
        ...recorded,
        successorId: 'zh-east',
        items: [
          { kind: 'task', id: 't4-zh' },
          { kind: 'objective', id: 'obj-2018-zh' },
        ],
        reason: 'The eastern part keeps the land work',
      },
    };

    it('moves tasks and objectives of a dissolved unit to one of its successors', () => {
      spec.given([zhRegistered, splitInTwo]).when(transfer).then([transferred]);
    });

    it('refuses a unit that is still active', () => {
      spec.given([zhRegistered]).when(transfer).thenThrows('UNIT.NOT_DISSOLVED');
    });

    it('refuses a unit that is not registered', () => {
      spec.given([]).when(transfer).thenThrows('UNIT.NOT_FOUND');
    });

    it('refuses a unit that is not a successor', () => {
      spec.given([zhRegistered, splitInTwo]).when({ ...transfer, successorId: 'sg' }).thenThrows('UNIT.NOT_A_SUCCESSOR');
    });

    it('refuses an empty list, an unknown kind of item and an item listed twice', () => {
      spec.given([zhRegistered, splitInTwo]).when({ ...transfer, items: [] }).thenThrows('UNIT.NOTHING_TO_TRANSFER');
      spec
        .given([zhRegistered, splitInTwo])
        .when({ ...transfer, items: [{ kind: 'letter' as never, id: 'x' }] })
        .thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'items[0].kind' });
      spec
        .given([zhRegistered, splitInTwo])
        .when({ ...transfer, items: [transfer.items[0], transfer.items[0]] })
        .thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('refuses an item transferred before', () => {
      spec
        .given([zhRegistered, splitInTwo, transferred])
        .when({ ...transfer, successorId: 'zh-west', items: [{ kind: 'task', id: 't4-zh' }] })
        .thenThrows('UNIT.ALREADY_TRANSFERRED');
    });

    it('refuses a transfer without a reason', () => {
      spec.given([zhRegistered, splitInTwo]).when({ ...transfer, reason: '' }).thenThrows(ValidationError);
    });
  });
});

describe('headOn: who headed the unit on a day', () => {
  // Hengyang, Zhuhui District: Head C until 2018-11-15, then Head C2 (from the same day).
  const zh = fold(unitDecider, [zhRegistered, headC, deputyLand, headCLeft, headC2]);

  it('names the head in post on the day', () => {
    expect(headOn(zh, '2018-10-31')?.personId).toBe('p-head-c');
    expect(headOn(zh, '2018-11-16')?.personId).toBe('p-head-c2');
  });

  it('names the outgoing head on a handover day, and lists both tenures', () => {
    expect(headOn(zh, '2018-11-15')?.personId).toBe('p-head-c');
    expect(tenuresOn(zh, '2018-11-15').map((tenure) => tenure.personId)).toEqual(['p-head-c', 'p-head-c2']);
  });

  it('answers nobody before the first appointment and for an unregistered unit', () => {
    expect(headOn(zh, '2017-12-31')).toBeNull();
    expect(headOn(unitDecider.initialState(), '2018-10-31')).toBeNull();
  });

  it('keeps the whole tenure history', () => {
    expect(zh.status !== 'unregistered' && zh.heads).toEqual([
      { personId: 'p-head-c', name: 'District Head C', postTitle: 'District Head', from: '2018-01-01', to: '2018-11-15' },
      { personId: 'p-head-c2', name: 'District Head C2', postTitle: 'District Head', from: '2018-11-15', to: null },
    ]);
    expect(currentHead(zh)?.personId).toBe('p-head-c2');
  });

  it('lists the deputies in post on a day', () => {
    expect(deputiesOn(zh, '2018-10-31').map((tenure) => tenure.portfolio)).toEqual(['land and resources']);
    expect(deputiesOn(zh, '2018-02-28')).toEqual([]);
  });
});
