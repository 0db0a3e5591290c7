import { type ActorRef, actorRef } from '../shared/actor';
import { dateOf, type IsoDate } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { cloneJson, isJsonObject } from '../shared/json';
import type { Role } from '../shared/roles';
import { isDocumentNumber } from '../shared/streams';
import {
  checkEnvelope,
  requireId,
  requireIdList,
  requireOneOf,
  requireReason,
  requireSha256,
  requireText,
} from '../shared/validate';
import type {
  AmendResponsibilityLetter,
  DraftResponsibilityLetter,
  ResponsibilityLetterCommand,
  SignResponsibilityLetter,
  WithdrawResponsibilityLetter,
} from './commands';
import { LETTER_PARTIES, type LetterParty, type ResponsibilityLetterEvent } from './events';

export type LetterSignature = { party: LetterParty; signerId: string; letterHash: string; signedOn: IsoDate };

export type ResponsibilityLetterRecord = {
  /** draft until both parties have signed (then signed), or withdrawn. */
  status: 'draft' | 'signed' | 'withdrawn';
  letterId: string;
  year: number;
  upperUnitId: string;
  lowerUnitId: string;
  documentNumber: string | null;
  title: string;
  objectiveIds: string[];
  signatures: LetterSignature[];
  /** The day the second party signed. */
  inForceFrom: IsoDate | null;
};

export type ResponsibilityLetterState = { status: 'none' } | ResponsibilityLetterRecord;

type Recorded = { letterId: string; at: string; by: ActorRef };

/** Who signs for each party: a leader of the upper unit, the head of the lower unit. */
const SIGNER_ROLE: { readonly [P in LetterParty]: Role } = { upper: 'leader', lower: 'unit_head' };

const SIGNER_ROLES: readonly Role[] = ['leader', 'unit_head'];
const WITHDRAWER_ROLES: readonly Role[] = ['leader'];

/** The roles the letter decider itself insists on, whatever the authorization table says (it must agree). */
export const LETTER_DECIDER_ROLES = {
  SignResponsibilityLetter: SIGNER_ROLES,
  WithdrawResponsibilityLetter: WITHDRAWER_ROLES,
} as const;

export const responsibilityLetterDecider: Decider<
  ResponsibilityLetterState,
  ResponsibilityLetterCommand,
  ResponsibilityLetterEvent
> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: ResponsibilityLetterCommand, state: ResponsibilityLetterState): ResponsibilityLetterEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = { letterId: requireId(command.letterId, 'letterId'), at: command.now, by: actorRef(command.actor) };
  switch (command.type) {
    case 'DraftResponsibilityLetter':
      return draft(command, state, recorded);
    case 'AmendResponsibilityLetter':
      return amend(command, state, recorded);
    case 'SignResponsibilityLetter':
      return sign(command, state, recorded);
    case 'WithdrawResponsibilityLetter':
      return withdraw(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown letter command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function live(state: ResponsibilityLetterState, letterId: string): ResponsibilityLetterRecord {
  if (state.status === 'none') throw domainError('LETTER.NOT_FOUND', { letter: letterId });
  if (state.status === 'withdrawn') throw domainError('LETTER.WITHDRAWN', { letter: state.letterId });
  return state;
}

function draft(command: DraftResponsibilityLetter, state: ResponsibilityLetterState, recorded: Recorded): ResponsibilityLetterEvent[] {
  if (state.status !== 'none') throw domainError('LETTER.ALREADY_DRAFTED', { letter: command.letterId });
  const year = command.year;
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw domainError('LETTER.YEAR_INVALID', { field: 'year', value: String(year) });
  }
  const upperUnitId = requireId(command.upperUnitId, 'upperUnitId');
  const lowerUnitId = requireId(command.lowerUnitId, 'lowerUnitId');
  if (upperUnitId === lowerUnitId) throw domainError('LETTER.SAME_UNIT', { field: 'lowerUnitId', unit: lowerUnitId });
  const documentNumber = command.documentNumber ?? null;
  if (documentNumber !== null && !isDocumentNumber(documentNumber)) {
    throw domainError('DOCNO.NUMBER_INVALID', { field: 'documentNumber', value: String(documentNumber) });
  }
  const title = requireText(command.title, 'title');
  const objectiveIds = requireIdList(command.objectiveIds, 'objectiveIds');
  return [
    {
      type: 'ResponsibilityLetterDrafted',
      data: {
        ...recorded,
        year,
        upperUnitId,
        lowerUnitId,
        documentNumber: documentNumber === null ? null : documentNumber.normalize('NFC'),
        title,
        objectiveIds,
      },
    },
  ];
}

/** A signature is over a text; changing the text after someone signed it would make the signature lie. */
function amend(command: AmendResponsibilityLetter, state: ResponsibilityLetterState, recorded: Recorded): ResponsibilityLetterEvent[] {
  const letter = live(state, command.letterId);
  if (letter.signatures.length > 0) throw domainError('LETTER.ALREADY_SIGNED', { letter: letter.letterId });
  const title = requireText(command.title, 'title');
  const objectiveIds = requireIdList(command.objectiveIds, 'objectiveIds');
  const reason = requireReason(command.reason);
  if (title === letter.title && sameList(objectiveIds, letter.objectiveIds)) {
    throw domainError('LETTER.NO_CHANGES', { letter: letter.letterId });
  }
  return [
    {
      type: 'ResponsibilityLetterAmended',
      data: {
        ...recorded,
        title,
        objectiveIds,
        previousTitle: letter.title,
        previousObjectiveIds: letter.objectiveIds,
        reason,
      },
    },
  ];
}

/**
 * Each party signs once, in person: a leader of the upper unit, the head of the lower unit. The two signers must
 * be different people (one person holding both credentials cannot commit a unit to themself), and both must sign
 * the same text.
 */
function sign(command: SignResponsibilityLetter, state: ResponsibilityLetterState, recorded: Recorded): ResponsibilityLetterEvent[] {
  const letter = live(state, command.letterId);
  const party = requireOneOf(command.party, LETTER_PARTIES, 'party');
  if (letter.objectiveIds.length === 0) throw domainError('LETTER.NO_OBJECTIVES', { letter: letter.letterId });
  if (letter.signatures.some((signature) => signature.party === party)) {
    throw domainError('LETTER.PARTY_ALREADY_SIGNED', { letter: letter.letterId, party });
  }
  const unitId = party === 'upper' ? letter.upperUnitId : letter.lowerUnitId;
  if (command.actor.role !== SIGNER_ROLE[party] || command.actor.unit !== unitId) {
    throw domainError('LETTER.SIGNER_NOT_PARTY', { party, unit: unitId, role: SIGNER_ROLE[party] });
  }
  const other = letter.signatures[0];
  if (other !== undefined && other.signerId === command.actor.id) throw domainError('LETTER.SAME_SIGNER', {});
  const letterHash = requireSha256(command.letterHash, 'letterHash');
  if (other !== undefined && other.letterHash !== letterHash) {
    throw domainError('LETTER.HASH_MISMATCH', { field: 'letterHash', party: other.party });
  }
  const signature = command.signature ?? null;
  if (signature !== null && !isJsonObject(signature)) throw domainError('LETTER.SIGNATURE_INVALID', { field: 'signature' });
  return [
    {
      type: 'ResponsibilityLetterSigned',
      data: {
        ...recorded,
        party,
        unitId,
        letterHash,
        signature: signature === null ? null : cloneJson(signature),
        signedOn: dateOf(command.now),
        inForce: other !== undefined,
      },
    },
  ];
}

function withdraw(command: WithdrawResponsibilityLetter, state: ResponsibilityLetterState, recorded: Recorded): ResponsibilityLetterEvent[] {
  live(state, command.letterId);
  if (!WITHDRAWER_ROLES.includes(command.actor.role)) {
    throw domainError('LETTER.WITHDRAW_REQUIRES_LEADER', {});
  }
  const reason = requireReason(command.reason);
  return [{ type: 'ResponsibilityLetterWithdrawn', data: { ...recorded, reason } }];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function evolve(state: ResponsibilityLetterState, event: ResponsibilityLetterEvent): ResponsibilityLetterState {
  if (event.type === 'ResponsibilityLetterDrafted') {
    const { letterId, year, upperUnitId, lowerUnitId, documentNumber, title, objectiveIds } = event.data;
    return {
      status: 'draft',
      letterId,
      year,
      upperUnitId,
      lowerUnitId,
      documentNumber,
      title,
      objectiveIds,
      signatures: [],
      inForceFrom: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ResponsibilityLetterAmended':
      return { ...state, title: event.data.title, objectiveIds: event.data.objectiveIds };
    case 'ResponsibilityLetterSigned': {
      const { party, letterHash, signedOn, inForce, by } = event.data;
      return {
        ...state,
        status: inForce ? 'signed' : state.status,
        signatures: [...state.signatures, { party, signerId: by.id, letterHash, signedOn }],
        inForceFrom: inForce ? signedOn : state.inForceFrom,
      };
    }
    case 'ResponsibilityLetterWithdrawn':
      return { ...state, status: 'withdrawn' };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}
