import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * An interview (约谈 / làm việc, chất vấn): a leader, the inspection office or the discipline commission calls in a
 * unit's head over a failing. One stream per interview (`interview-<id>`), one event: interviews are held by
 * leaders and the commission as well as the inspection office, with or without an inspection behind them, so they
 * do not belong to an inspection's stream; `related` links them to what they were about.
 */
export type InterviewAttendee = { personId: string; name: string; postTitle: string; unitId: string };

export type InterviewRelated = {
  inspectionId: string | null;
  noticeId: string | null;
  taskIds: string[];
  objectiveIds: string[];
};

/**
 * `heldOn` is the day of the interview; the event's `at` is when it was recorded (the minutes may be recorded
 * days later). `minutesHash` is the SHA-256 of the signed minutes; `minutesText` their text when it is kept in the
 * log, else null.
 */
export type InterviewHeld = DomainEvent<
  'InterviewHeld',
  {
    interviewId: string;
    subjectUnitId: string;
    heldOn: IsoDate;
    subject: string;
    attendees: InterviewAttendee[];
    minutesHash: string;
    minutesText: string | null;
    related: InterviewRelated;
    at: IsoInstant;
    by: ActorRef;
  }
>;

export type InterviewEvent = InterviewHeld;
export type InterviewEventType = InterviewEvent['type'];
