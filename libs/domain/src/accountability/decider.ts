import type { Jurisdiction } from '../appraisal/rule-set';
import { checkReferral } from '../referral/check-referral';
import { type ActorRef, actorRef } from '../shared/actor';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import type { Role } from '../shared/roles';
import { isDocumentNumber } from '../shared/streams';
import {
  checkEnvelope,
  isPersonId,
  optionalText,
  requireId,
  requireOneOf,
  requirePersonId,
  requireReason,
  requireSha256,
  requireText,
} from '../shared/validate';
import type {
  AppealCaseDecision,
  CaseCommand,
  CloseCase,
  DecideCase,
  DecideCaseAppeal,
  DismissCase,
  ExecuteCaseDecision,
  ExemptCase,
  ReferCase,
  StartCaseInvestigation,
  TakeCaseStatement,
} from './commands';
import { type CaseDecisionItem, type CaseEvent, EXEMPTION_BASES } from './events';
import { accountabilityForm } from './forms';

export type CaseStatus =
  | 'referred'
  | 'investigating'
  | 'statement_taken'
  | 'decided'
  | 'executed'
  | 'closed'
  | 'dismissed'
  | 'exempted';

export type CaseAppeal = { appealId: string; personId: string | null; decision: 'pending' | 'upheld' | 'varied' | 'rejected' };

export type CaseRecord = {
  status: CaseStatus;
  caseId: string;
  jurisdiction: Jurisdiction;
  subjectUnitId: string;
  /** The persons the referral names. */
  personIds: string[];
  statements: { statementId: string; personId: string }[];
  /** The decisions in force (appeals may annul or vary them). */
  decisions: CaseDecisionItem[];
  decidedBy: string | null;
  appeals: CaseAppeal[];
};

export type CaseState = { status: 'none' } | CaseRecord;

type Recorded = { caseId: string; at: string; by: ActorRef };

const COMMISSION: readonly Role[] = ['discipline_commissioner'];

/**
 * Only the discipline commission acts on a case; the referral may also come from the process manager, which runs
 * under the system account (administrator role) like the deadline watcher.
 */
export const CASE_DECIDER_ROLES = {
  ReferCase: ['administrator', 'discipline_commissioner'] as readonly Role[],
  StartCaseInvestigation: COMMISSION,
  TakeCaseStatement: COMMISSION,
  DecideCase: COMMISSION,
  ExecuteCaseDecision: COMMISSION,
  CloseCase: COMMISSION,
  DismissCase: COMMISSION,
  ExemptCase: COMMISSION,
  AppealCaseDecision: COMMISSION,
  DecideCaseAppeal: COMMISSION,
} as const;

/** Before a decision, the commission may still drop the case or exempt it. */
const UNDECIDED: readonly CaseStatus[] = ['referred', 'investigating', 'statement_taken'];

export const caseDecider: Decider<CaseState, CaseCommand, CaseEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: CaseCommand, state: CaseState): CaseEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = { caseId: requireId(command.caseId, 'caseId'), at: command.now, by: actorRef(command.actor) };
  if (!CASE_DECIDER_ROLES[command.type].includes(command.actor.role)) {
    throw domainError('CASE.ROLE_NOT_ALLOWED', { role: command.actor.role, command: command.type });
  }
  switch (command.type) {
    case 'ReferCase':
      return refer(command, state, recorded);
    case 'StartCaseInvestigation':
      return startInvestigation(command, state, recorded);
    case 'TakeCaseStatement':
      return takeStatement(command, state, recorded);
    case 'DecideCase':
      return decideCase(command, state, recorded);
    case 'ExecuteCaseDecision':
      return execute(command, state, recorded);
    case 'CloseCase':
      return close(command, state, recorded);
    case 'DismissCase':
      return dismiss(command, state, recorded);
    case 'ExemptCase':
      return exempt(command, state, recorded);
    case 'AppealCaseDecision':
      return appeal(command, state, recorded);
    case 'DecideCaseAppeal':
      return decideAppeal(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown case command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function at(state: CaseState, command: CaseCommand, allowed: readonly CaseStatus[]): CaseRecord {
  if (state.status === 'none') throw domainError('CASE.NOT_FOUND', { case: command.caseId });
  if (!allowed.includes(state.status)) {
    throw domainError('CASE.OUT_OF_ORDER', { step: command.type, case: state.caseId, status: state.status });
  }
  return state;
}

function refer(command: ReferCase, state: CaseState, recorded: Recorded): CaseEvent[] {
  if (state.status !== 'none') throw domainError('CASE.ALREADY_REFERRED', { case: command.caseId });
  const referral = checkReferral(command.referral);
  return [
    {
      type: 'CaseReferred',
      data: { ...recorded, jurisdiction: referral.jurisdiction, subjectUnitId: referral.subject.unitId, referral },
    },
  ];
}

function startInvestigation(command: StartCaseInvestigation, state: CaseState, recorded: Recorded): CaseEvent[] {
  at(state, command, ['referred']);
  return [{ type: 'CaseInvestigationStarted', data: { ...recorded, note: optionalText(command.note) } }];
}

function takeStatement(command: TakeCaseStatement, state: CaseState, recorded: Recorded): CaseEvent[] {
  const record = at(state, command, ['investigating', 'statement_taken']);
  const statementId = requireId(command.statementId, 'statementId');
  if (record.statements.some((statement) => statement.statementId === statementId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'statementId', value: statementId });
  }
  const personId = requirePersonId(command.personId, 'personId');
  const statementHash = requireSha256(command.statementHash, 'statementHash');
  const summary = requireText(command.summary, 'summary');
  return [{ type: 'CaseStatementTaken', data: { ...recorded, statementId, personId, statementHash, summary } }];
}

/**
 * A decision needs at least one statement taken (the persons concerned are heard first), names only persons of
 * the referral (or the unit, with a null person), once each, with forms from the jurisdiction's list.
 */
function decideCase(command: DecideCase, state: CaseState, recorded: Recorded): CaseEvent[] {
  const record = at(state, command, ['statement_taken']);
  if (!Array.isArray(command.decisions) || command.decisions.length === 0) {
    throw domainError('CASE.NO_DECISIONS', { field: 'decisions' });
  }
  const seen = new Set<string | null>();
  const decisions = command.decisions.map((item, index) => {
    const field = `decisions[${index}]`;
    const personId = item?.personId ?? null;
    if (personId !== null && (!isPersonId(personId) || !record.personIds.includes(personId))) {
      throw domainError('CASE.PERSON_NOT_SUBJECT', { field: `${field}.personId`, person: String(personId) });
    }
    if (seen.has(personId)) throw domainError('COMMON.DUPLICATE_VALUE', { field: 'decisions', value: personId ?? record.subjectUnitId });
    seen.add(personId);
    const form = requireForm(record.jurisdiction, item.form, `${field}.form`);
    const reason = requireReason(item.reason, `${field}.reason`);
    return { personId, form, reason };
  });
  const signOffId = requireId(command.signOffId, 'signOffId');
  return [{ type: 'CaseDecided', data: { ...recorded, decisions, signOffId } }];
}

function execute(command: ExecuteCaseDecision, state: CaseState, recorded: Recorded): CaseEvent[] {
  at(state, command, ['decided']);
  const documentNumber = command.documentNumber ?? null;
  if (documentNumber !== null && !isDocumentNumber(documentNumber)) {
    throw domainError('DOCNO.NUMBER_INVALID', { field: 'documentNumber', value: String(documentNumber) });
  }
  const note = requireText(command.note, 'note');
  return [
    {
      type: 'CaseDecisionExecuted',
      data: { ...recorded, documentNumber: documentNumber === null ? null : documentNumber.normalize('NFC'), note },
    },
  ];
}

function close(command: CloseCase, state: CaseState, recorded: Recorded): CaseEvent[] {
  const record = at(state, command, ['executed']);
  const pending = record.appeals.find((entry) => entry.decision === 'pending');
  if (pending) throw domainError('CASE.APPEAL_PENDING', { appeal: pending.appealId });
  return [{ type: 'CaseClosed', data: { ...recorded, note: optionalText(command.note) } }];
}

function dismiss(command: DismissCase, state: CaseState, recorded: Recorded): CaseEvent[] {
  at(state, command, UNDECIDED);
  return [{ type: 'CaseDismissed', data: { ...recorded, reason: requireReason(command.reason) } }];
}

/** 容错 or a confirmed objective cause: the exemption names what it rests on. */
function exempt(command: ExemptCase, state: CaseState, recorded: Recorded): CaseEvent[] {
  at(state, command, UNDECIDED);
  const basis = requireOneOf(command.basis, EXEMPTION_BASES, 'basis');
  const reason = requireReason(command.reason);
  if (!Array.isArray(command.refs) || command.refs.length === 0 || !command.refs.every(isPersonId)) {
    throw domainError('CASE.EXEMPTION_REFS_REQUIRED', { field: 'refs' });
  }
  return [{ type: 'CaseExempted', data: { ...recorded, basis, reason, refs: [...command.refs] } }];
}

/** An appeal against a decision in force; execution goes on while it is pending. */
function appeal(command: AppealCaseDecision, state: CaseState, recorded: Recorded): CaseEvent[] {
  const record = at(state, command, ['decided', 'executed']);
  const appealId = requireId(command.appealId, 'appealId');
  if (record.appeals.some((entry) => entry.appealId === appealId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'appealId', value: appealId });
  }
  const personId = command.personId ?? null;
  if (!record.decisions.some((decision) => decision.personId === personId)) {
    throw domainError('CASE.PERSON_NOT_DECIDED', { field: 'personId', person: personId ?? record.subjectUnitId });
  }
  const pending = record.appeals.find((entry) => entry.personId === personId && entry.decision === 'pending');
  if (pending) throw domainError('CASE.APPEAL_PENDING', { appeal: pending.appealId });
  const reason = requireReason(command.reason);
  return [{ type: 'CaseAppealed', data: { ...recorded, appealId, personId, reason } }];
}

/** Reviewed by a commissioner who did not decide the case. */
function decideAppeal(command: DecideCaseAppeal, state: CaseState, recorded: Recorded): CaseEvent[] {
  const record = at(state, command, ['decided', 'executed']);
  const pending = record.appeals.find((entry) => entry.appealId === command.appealId && entry.decision === 'pending');
  if (!pending) throw domainError('CASE.NO_PENDING_APPEAL', { field: 'appealId', appeal: String(command.appealId) });
  if (command.actor.id === record.decidedBy) throw domainError('CASE.SELF_REVIEW', {});
  const decision = requireOneOf(command.decision, ['upheld', 'varied', 'rejected'] as const, 'decision');
  let form: string | null = null;
  if (decision === 'varied') {
    if (command.form === undefined || command.form === null) throw domainError('CASE.FORM_REQUIRED', { field: 'form' });
    form = requireForm(record.jurisdiction, command.form, 'form');
  }
  const reason = requireReason(command.reason);
  return [{ type: 'CaseAppealDecided', data: { ...recorded, appealId: pending.appealId, decision, form, reason } }];
}

function requireForm(jurisdiction: Jurisdiction, value: unknown, field: string): string {
  if (typeof value !== 'string' || accountabilityForm(jurisdiction, value) === null) {
    throw domainError('CASE.FORM_NOT_ALLOWED', { field, form: String(value), jurisdiction });
  }
  return value;
}

function evolve(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseReferred') {
    const { caseId, jurisdiction, subjectUnitId, referral } = event.data;
    return {
      status: 'referred',
      caseId,
      jurisdiction,
      subjectUnitId,
      personIds: referral.subject.persons.map((person) => person.personId),
      statements: [],
      decisions: [],
      decidedBy: null,
      appeals: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CaseInvestigationStarted':
      return { ...state, status: 'investigating' };
    case 'CaseStatementTaken': {
      const { statementId, personId } = event.data;
      return { ...state, status: 'statement_taken', statements: [...state.statements, { statementId, personId }] };
    }
    case 'CaseDecided':
      return { ...state, status: 'decided', decisions: event.data.decisions, decidedBy: event.data.by.id };
    case 'CaseDecisionExecuted':
      return { ...state, status: 'executed' };
    case 'CaseClosed':
      return { ...state, status: 'closed' };
    case 'CaseDismissed':
      return { ...state, status: 'dismissed' };
    case 'CaseExempted':
      return { ...state, status: 'exempted' };
    case 'CaseAppealed': {
      const { appealId, personId } = event.data;
      return { ...state, appeals: [...state.appeals, { appealId, personId, decision: 'pending' }] };
    }
    case 'CaseAppealDecided': {
      const { appealId, decision, form } = event.data;
      const appealed = state.appeals.find((entry) => entry.appealId === appealId);
      const appeals = state.appeals.map((entry) => (entry.appealId === appealId ? { ...entry, decision } : entry));
      if (appealed === undefined || decision === 'rejected') return { ...state, appeals };
      const decisions =
        decision === 'upheld'
          ? state.decisions.filter((item) => item.personId !== appealed.personId)
          : state.decisions.map((item) => (item.personId === appealed.personId && form !== null ? { ...item, form } : item));
      return { ...state, appeals, decisions };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}
