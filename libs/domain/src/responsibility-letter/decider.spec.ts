import { AUTHORIZATION } from '../authorization/permissions';
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import { headOf, hengyang, inspector, mayor } from '../testing/hengyang.fixtures';
import type { DraftResponsibilityLetter, ResponsibilityLetterCommand } from './commands';
import { LETTER_DECIDER_ROLES, responsibilityLetterDecider } from './decider';
import type { ResponsibilityLetterDrafted, ResponsibilityLetterSigned } from './events';

const LETTER = 'l-2018-zh';
const HASH = 'b'.repeat(64);
const head = headOf('zh');
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const recorded = (actor: Actor, time: string) => ({ letterId: LETTER, at: hengyang('2018-09-10', time), by: by(actor) });
const envelope = (actor: Actor, time: string) => ({ letterId: LETTER, now: hengyang('2018-09-10', time), actor });

const spec = DeciderSpecification.for(responsibilityLetterDecider);

const draft: DraftResponsibilityLetter = {
  ...envelope(mayor, '09:00:00'),
  type: 'DraftResponsibilityLetter',
  year: 2018,
  upperUnitId: 'city',
  lowerUnitId: 'zh',
  documentNumber: 'DEMO-衡责〔2018〕3号',
  title: '2018 land-work responsibility letter',
  objectiveIds: ['o-2018-zh-t4'],
};
const drafted: ResponsibilityLetterDrafted = {
  type: 'ResponsibilityLetterDrafted',
  data: {
    ...recorded(mayor, '09:00:00'),
    year: 2018,
    upperUnitId: 'city',
    lowerUnitId: 'zh',
    documentNumber: 'DEMO-衡责〔2018〕3号',
    title: '2018 land-work responsibility letter',
    objectiveIds: ['o-2018-zh-t4'],
  },
};
const signUpper: ResponsibilityLetterCommand = { ...envelope(mayor, '10:00:00'), type: 'SignResponsibilityLetter', party: 'upper', letterHash: HASH };
const signLower: ResponsibilityLetterCommand = { ...envelope(head, '10:30:00'), type: 'SignResponsibilityLetter', party: 'lower', letterHash: HASH };
const upperSigned: ResponsibilityLetterSigned = {
  type: 'ResponsibilityLetterSigned',
  data: { ...recorded(mayor, '10:00:00'), party: 'upper', unitId: 'city', letterHash: HASH, signature: null, signedOn: '2018-09-10', inForce: false },
};
const lowerSigned: ResponsibilityLetterSigned = {
  type: 'ResponsibilityLetterSigned',
  data: { ...recorded(head, '10:30:00'), party: 'lower', unitId: 'zh', letterHash: HASH, signature: null, signedOn: '2018-09-10', inForce: true },
};
const withdraw: ResponsibilityLetterCommand = { ...envelope(mayor, '11:00:00'), type: 'WithdrawResponsibilityLetter', reason: 'Superseded by a new letter' };
const withdrawn = { type: 'ResponsibilityLetterWithdrawn' as const, data: { ...recorded(mayor, '11:00:00'), reason: 'Superseded by a new letter' } };

describe('responsibility letter decider', () => {
  describe('DraftResponsibilityLetter', () => {
    it('drafts a letter for a year between two units, listing objectives', () => {
      spec.given([]).when(draft).then([drafted]);
    });

    it('drafts an unnumbered letter, and one with no objectives yet', () => {
      spec.given([]).when({ ...draft, documentNumber: undefined, objectiveIds: [] }).then([
        { type: 'ResponsibilityLetterDrafted', data: { ...drafted.data, documentNumber: null, objectiveIds: [] } },
      ]);
    });

    it('keeps the document number in NFC', () => {
      const nfd = 'Số 12/CK-UBND'.normalize('NFD');
      const [event] = spec.given([]).when({ ...draft, documentNumber: nfd }).then([
        { type: 'ResponsibilityLetterDrafted', data: { ...drafted.data, documentNumber: 'Số 12/CK-UBND'.normalize('NFC') } },
      ]);
      expect(event.type).toBe('ResponsibilityLetterDrafted');
    });

    it('refuses a letter of a unit with itself, a bad year or number, a repeated objective, a second draft', () => {
      spec.given([]).when({ ...draft, lowerUnitId: 'city' }).thenThrows('LETTER.SAME_UNIT');
      spec.given([]).when({ ...draft, year: 2018.5 }).thenThrows('LETTER.YEAR_INVALID');
      spec.given([]).when({ ...draft, documentNumber: ' 3 ' }).thenThrows('DOCNO.NUMBER_INVALID');
      spec.given([]).when({ ...draft, objectiveIds: ['o-1', 'o-1'] }).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given([]).when({ ...draft, title: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'title' });
      spec.given([drafted]).when(draft).thenThrows('LETTER.ALREADY_DRAFTED');
    });
  });

  describe('AmendResponsibilityLetter', () => {
    const amend: ResponsibilityLetterCommand = {
      ...envelope(mayor, '09:30:00'),
      type: 'AmendResponsibilityLetter',
      title: drafted.data.title,
      objectiveIds: ['o-2018-zh-t4', 'o-2018-zh-t1'],
      reason: 'T1 added',
    };

    it('replaces the objectives before anyone signed, keeping what it replaced', () => {
      spec.given([drafted]).when(amend).then([
        {
          type: 'ResponsibilityLetterAmended',
          data: {
            ...recorded(mayor, '09:30:00'),
            title: drafted.data.title,
            objectiveIds: ['o-2018-zh-t4', 'o-2018-zh-t1'],
            previousTitle: drafted.data.title,
            previousObjectiveIds: ['o-2018-zh-t4'],
            reason: 'T1 added',
          },
        },
      ]);
    });

    it('refuses an amendment after a signature, one that changes nothing, one without a reason', () => {
      spec.given([drafted, upperSigned]).when(amend).thenThrows('LETTER.ALREADY_SIGNED');
      spec.given([drafted]).when({ ...amend, objectiveIds: ['o-2018-zh-t4'] }).thenThrows('LETTER.NO_CHANGES');
      spec.given([drafted]).when({ ...amend, reason: ' ' }).thenThrows('COMMON.REASON_REQUIRED');
      spec.given([]).when(amend).thenThrows('LETTER.NOT_FOUND');
    });
  });

  describe('SignResponsibilityLetter (both signatures required, by two different people, over the same text)', () => {
    it('records the upper party, then the lower party, which puts the letter in force', () => {
      spec.given([drafted]).when(signUpper).then([upperSigned]);
      spec.given([drafted, upperSigned]).when(signLower).then([lowerSigned]);
      expect(fold(responsibilityLetterDecider, [drafted, upperSigned])).toMatchObject({ status: 'draft' });
      expect(fold(responsibilityLetterDecider, [drafted, upperSigned, lowerSigned])).toMatchObject({ status: 'signed', inForceFrom: '2018-09-10' });
    });

    it('accepts the lower party first, with a signature envelope', () => {
      const signature = { payloadType: 'application/vnd.ledger.letter+json', payload: 'e30', signatures: [{ keyid: 'k', sig: 'c2ln' }] };
      spec.given([drafted]).when({ ...signLower, signature } as ResponsibilityLetterCommand).then([
        { type: 'ResponsibilityLetterSigned', data: { ...lowerSigned.data, signature, inForce: false } },
      ]);
    });

    it('refuses a signer who is not the party: a non-leader for the upper unit, another unit’s head for the lower', () => {
      spec.given([drafted]).when({ ...signUpper, actor: inspector }).thenThrows('LETTER.SIGNER_NOT_PARTY');
      spec.given([drafted]).when({ ...signLower, actor: headOf('zx') }).thenThrows('LETTER.SIGNER_NOT_PARTY');
      spec.given([drafted]).when({ ...signUpper, actor: { ...mayor, unit: 'zh' } }).thenThrows('LETTER.SIGNER_NOT_PARTY');
    });

    it('refuses the same person signing for both parties (segregation), a second signature of a party, a different text', () => {
      const sameLeaderAsHead: Actor = { id: 'p-mayor', role: 'unit_head', unit: 'zh' };
      spec.given([drafted, upperSigned]).when({ ...signLower, actor: sameLeaderAsHead }).thenThrows('LETTER.SAME_SIGNER');
      spec.given([drafted, upperSigned]).when(signUpper).thenThrows('LETTER.PARTY_ALREADY_SIGNED');
      spec.given([drafted, upperSigned]).when({ ...signLower, letterHash: 'c'.repeat(64) }).thenThrows('LETTER.HASH_MISMATCH');
      spec.given([drafted]).when({ ...signLower, letterHash: 'xyz' }).thenThrows('COMMON.HASH_INVALID');
      spec.given([drafted]).when({ ...signLower, signature: [1] as never }).thenThrows('LETTER.SIGNATURE_INVALID');
      spec.given([drafted]).when({ ...signLower, party: 'middle' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
    });

    it('refuses to sign a letter with no objectives', () => {
      spec.given([{ type: 'ResponsibilityLetterDrafted', data: { ...drafted.data, objectiveIds: [] } }]).when(signUpper).thenThrows('LETTER.NO_OBJECTIVES');
    });
  });

  describe('WithdrawResponsibilityLetter', () => {
    it('withdraws with a reason, by a leader; nothing more is recorded after', () => {
      spec.given([drafted, upperSigned, lowerSigned]).when(withdraw).then([withdrawn]);
      spec.given([drafted, withdrawn]).when(signUpper).thenThrows('LETTER.WITHDRAWN');
      spec.given([drafted, withdrawn]).when(withdraw).thenThrows('LETTER.WITHDRAWN');
    });

    it('refuses a withdrawal by anyone but a leader, or without a reason', () => {
      spec.given([drafted]).when({ ...withdraw, actor: head }).thenThrows('LETTER.WITHDRAW_REQUIRES_LEADER');
      spec.given([drafted]).when({ ...withdraw, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });
  });

  it('the authorization table never allows a role the decider refuses', () => {
    for (const [command, roles] of Object.entries(LETTER_DECIDER_ROLES)) {
      for (const role of Object.keys(AUTHORIZATION[command as keyof typeof LETTER_DECIDER_ROLES].allow)) {
        expect({ command, role, allowed: (roles as readonly string[]).includes(role) }).toEqual({ command, role, allowed: true });
      }
    }
  });
});
