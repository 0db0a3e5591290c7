import { type ActorRef, type Actor, actorRef } from '../shared/actor';
import { dateOf, isAfter, type IsoDate } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { isDocumentNumber } from '../shared/streams';
import {
  checkEnvelope,
  requireDate,
  requireId,
  requireIdList,
  requireOneOf,
  requireReason,
  requireText,
} from '../shared/validate';
import type { AmendDirective, DirectiveCommand, IssueDirective, WithdrawDirective } from './commands';
import {
  DIRECTIVE_KINDS,
  type DirectiveChange,
  type DirectiveEvent,
  type DirectiveKind,
  type Issuer,
  type Meeting,
} from './events';

export type DirectiveRecord = {
  status: 'issued' | 'withdrawn';
  directiveId: string;
  issuer: Issuer;
  documentNumber: string;
  kind: DirectiveKind;
  issuedOn: IsoDate;
  meeting: Meeting | null;
  title: string;
  body: string;
  taskIds: string[];
  amendments: number;
  withdrawal: { on: IsoDate; reason: string } | null;
};

export type DirectiveState = { status: 'none' } | DirectiveRecord;

type Recorded = { directiveId: string; at: string; by: ActorRef };

export const directiveDecider: Decider<DirectiveState, DirectiveCommand, DirectiveEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: DirectiveCommand, state: DirectiveState): DirectiveEvent[] {
  checkEnvelope(command);
  requireLeader(command.actor);
  const recorded: Recorded = {
    directiveId: requireId(command.directiveId, 'directiveId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  switch (command.type) {
    case 'IssueDirective':
      return issue(command, state, recorded);
    case 'AmendDirective':
      return amend(command, standing(state, command.directiveId), recorded);
    case 'WithdrawDirective':
      standing(state, command.directiveId);
      return withdraw(command, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown directive command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** Issuing, amending and withdrawing are a leader's acts (lãnh đạo / 领导), whoever else may draft them. */
function requireLeader(actor: Actor): void {
  if (actor.role !== 'leader') throw domainError('DIRECTIVE.LEADER_ONLY', {});
}

function issue(command: IssueDirective, state: DirectiveState, recorded: Recorded): DirectiveEvent[] {
  if (state.status !== 'none') throw domainError('DIRECTIVE.ALREADY_ISSUED', { directive: command.directiveId });
  const issuer: Issuer = {
    personId: command.actor.id,
    name: requireText(command.issuer?.name, 'issuer.name'),
    postTitle: requireText(command.issuer?.postTitle, 'issuer.postTitle'),
    unitId: requireId(command.issuerUnitId, 'issuerUnitId'),
  };
  if (!isDocumentNumber(command.documentNumber)) {
    throw domainError('DOCNO.NUMBER_INVALID', { field: 'documentNumber', value: String(command.documentNumber) });
  }
  const kind = requireOneOf(command.kind, DIRECTIVE_KINDS, 'kind');
  const issuedOn = requireDate(command.issuedOn, 'issuedOn');
  const today = dateOf(command.now);
  if (isAfter(issuedOn, today)) {
    throw domainError('DIRECTIVE.ISSUE_DATE_IN_FUTURE', { field: 'issuedOn', issuedOn, today });
  }
  const meeting = meetingOf(command.meeting, issuedOn);
  return [
    {
      type: 'DirectiveIssued',
      data: {
        ...recorded,
        issuer,
        documentNumber: command.documentNumber.normalize('NFC'),
        kind,
        issuedOn,
        meeting,
        title: requireText(command.title, 'title'),
        body: requireText(command.body, 'body'),
        taskIds: requireIdList(command.taskIds, 'taskIds'),
      },
    },
  ];
}

function amend(command: AmendDirective, directive: DirectiveRecord, recorded: Recorded): DirectiveEvent[] {
  const input = command.changes ?? {};
  const changes: DirectiveChange[] = [];
  if (input.title !== undefined) {
    const title = requireText(input.title, 'changes.title');
    if (title !== directive.title) changes.push({ field: 'title', from: directive.title, to: title });
  }
  if (input.body !== undefined) {
    const body = requireText(input.body, 'changes.body');
    if (body !== directive.body) changes.push({ field: 'body', from: directive.body, to: body });
  }
  if (input.meeting !== undefined) {
    const meeting = meetingOf(input.meeting, directive.issuedOn, 'changes.meeting');
    if (!sameMeeting(meeting, directive.meeting)) {
      changes.push({ field: 'meeting', from: directive.meeting, to: meeting });
    }
  }
  if (input.addTaskIds !== undefined) {
    const added = requireIdList(input.addTaskIds, 'changes.addTaskIds');
    const already = added.find((id) => directive.taskIds.includes(id));
    if (already !== undefined) {
      throw domainError('COMMON.DUPLICATE_VALUE', { field: 'changes.addTaskIds', value: already });
    }
    if (added.length > 0) {
      changes.push({ field: 'taskIds', from: directive.taskIds, to: [...directive.taskIds, ...added] });
    }
  }
  if (changes.length === 0) throw domainError('DIRECTIVE.NO_CHANGES', { field: 'changes' });
  const reason = requireReason(command.reason);
  return [{ type: 'DirectiveAmended', data: { ...recorded, changes, reason } }];
}

function withdraw(command: WithdrawDirective, recorded: Recorded): DirectiveEvent[] {
  const reason = requireReason(command.reason);
  return [{ type: 'DirectiveWithdrawn', data: { ...recorded, reason } }];
}

/** An issued directive that may still change. */
function standing(state: DirectiveState, directiveId: string): DirectiveRecord {
  if (state.status === 'none') throw domainError('DIRECTIVE.NOT_FOUND', { directive: directiveId });
  if (state.status === 'withdrawn') throw domainError('DIRECTIVE.WITHDRAWN', { directive: state.directiveId });
  return state;
}

function meetingOf(input: Readonly<Meeting> | null | undefined, issuedOn: IsoDate, field = 'meeting'): Meeting | null {
  if (input === null || input === undefined) return null;
  const meeting = { name: requireText(input.name, `${field}.name`), date: requireDate(input.date, `${field}.date`) };
  if (isAfter(meeting.date, issuedOn)) {
    throw domainError('DIRECTIVE.MEETING_AFTER_ISSUE', { field: `${field}.date`, meetingDate: meeting.date, issuedOn });
  }
  return meeting;
}

function sameMeeting(a: Meeting | null, b: Meeting | null): boolean {
  return a === b || (a !== null && b !== null && a.name === b.name && a.date === b.date);
}

function evolve(state: DirectiveState, event: DirectiveEvent): DirectiveState {
  switch (event.type) {
    case 'DirectiveIssued': {
      const { directiveId, issuer, documentNumber, kind, issuedOn, meeting, title, body, taskIds } = event.data;
      return {
        status: 'issued',
        directiveId,
        issuer,
        documentNumber,
        kind,
        issuedOn,
        meeting,
        title,
        body,
        taskIds,
        amendments: 0,
        withdrawal: null,
      };
    }
    case 'DirectiveAmended': {
      if (state.status === 'none') return state;
      let next: DirectiveRecord = { ...state, amendments: state.amendments + 1 };
      for (const change of event.data.changes) {
        switch (change.field) {
          case 'title':
            next = { ...next, title: change.to };
            break;
          case 'body':
            next = { ...next, body: change.to };
            break;
          case 'meeting':
            next = { ...next, meeting: change.to };
            break;
          case 'taskIds':
            next = { ...next, taskIds: change.to };
            break;
        }
      }
      return next;
    }
    case 'DirectiveWithdrawn':
      if (state.status === 'none') return state;
      return { ...state, status: 'withdrawn', withdrawal: { on: dateOf(event.data.at), reason: event.data.reason } };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}
