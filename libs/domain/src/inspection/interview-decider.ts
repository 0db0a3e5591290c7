import { actorRef } from '../shared/actor';
import { dateOf, isAfter } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import type { Role } from '../shared/roles';
import {
  checkEnvelope,
  optionalText,
  requireDate,
  requireId,
  requireIdList,
  requirePersonId,
  requireSha256,
  requireText,
} from '../shared/validate';
import type { InterviewCommand, RecordInterview } from './interview-commands';
import type { InterviewAttendee, InterviewEvent, InterviewHeld } from './interview-events';

/** Recorded once, never changed (a further interview is a new stream). */
export type InterviewState = { status: 'none' } | ({ status: 'recorded' } & InterviewHeld['data']);

/** Those who call a unit in: leaders, the inspection office, the discipline commission. */
const INTERVIEWER_ROLES: readonly Role[] = ['leader', 'inspector', 'discipline_commissioner'];

export const INTERVIEW_DECIDER_ROLES = { RecordInterview: INTERVIEWER_ROLES } as const;

export const interviewDecider: Decider<InterviewState, InterviewCommand, InterviewEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'InterviewHeld':
        return { status: 'recorded', ...event.data };
      default: {
        const _exhaustive: never = event.type; // one-member union: narrow the discriminant
        return state;
      }
    }
  },
  decide: (command, state) => {
    checkEnvelope(command);
    switch (command.type) {
      case 'RecordInterview':
        return recordInterview(command, state);
      default: {
        const _exhaustive: never = command.type; // one-member union: narrow the discriminant
        throw new Error(`unknown interview command ${String(_exhaustive)}`);
      }
    }
  },
};

function recordInterview(command: RecordInterview, state: InterviewState): InterviewEvent[] {
  const interviewId = requireId(command.interviewId, 'interviewId');
  if (state.status === 'recorded') throw domainError('INTERVIEW.ALREADY_RECORDED', { interview: interviewId });
  if (!INTERVIEWER_ROLES.includes(command.actor.role)) {
    throw domainError('INTERVIEW.ROLE_NOT_ALLOWED', { role: command.actor.role });
  }
  const subjectUnitId = requireId(command.subjectUnitId, 'subjectUnitId');
  const heldOn = requireDate(command.heldOn, 'heldOn');
  const today = dateOf(command.now);
  if (isAfter(heldOn, today)) throw domainError('INTERVIEW.HELD_IN_FUTURE', { field: 'heldOn', heldOn, today });
  const subject = requireText(command.subject, 'subject');
  const attendees = requireAttendees(command.attendees);
  const minutesHash = requireSha256(command.minutesHash, 'minutesHash');
  const related = command.related ?? {};
  return [
    {
      type: 'InterviewHeld',
      data: {
        interviewId,
        subjectUnitId,
        heldOn,
        subject,
        attendees,
        minutesHash,
        minutesText: optionalText(command.minutesText),
        related: {
          inspectionId: related.inspectionId ? requireId(related.inspectionId, 'related.inspectionId') : null,
          noticeId: related.noticeId ? requireId(related.noticeId, 'related.noticeId') : null,
          taskIds: related.taskIds === undefined ? [] : requireIdList(related.taskIds, 'related.taskIds'),
          objectiveIds: related.objectiveIds === undefined ? [] : requireIdList(related.objectiveIds, 'related.objectiveIds'),
        },
        at: command.now,
        by: actorRef(command.actor),
      },
    },
  ];
}

function requireAttendees(value: unknown): InterviewAttendee[] {
  if (!Array.isArray(value)) throw domainError('COMMON.LIST_REQUIRED', { field: 'attendees' });
  if (value.length === 0) throw domainError('INTERVIEW.NO_ATTENDEES', { field: 'attendees' });
  const seen = new Set<string>();
  return value.map((item: Partial<InterviewAttendee> | null, index) => {
    const field = `attendees[${index}]`;
    const personId = requirePersonId(item?.personId, `${field}.personId`);
    if (seen.has(personId)) throw domainError('COMMON.DUPLICATE_VALUE', { field: 'attendees', value: personId });
    seen.add(personId);
    return {
      personId,
      name: requireText(item?.name, `${field}.name`),
      postTitle: requireText(item?.postTitle, `${field}.postTitle`),
      unitId: requireId(item?.unitId, `${field}.unitId`),
    };
  });
}
