import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { InterviewAttendee } from './interview-events';

export type RecordInterview = Readonly<{
  type: 'RecordInterview';
  interviewId: string;
  subjectUnitId: string;
  heldOn: IsoDate;
  subject: string;
  attendees: readonly Readonly<InterviewAttendee>[];
  minutesHash: string;
  minutesText?: string | null;
  related?: Readonly<{
    inspectionId?: string | null;
    noticeId?: string | null;
    taskIds?: readonly string[];
    objectiveIds?: readonly string[];
  }>;
}> &
  CommandEnvelope;

export type InterviewCommand = RecordInterview;
export type InterviewCommandType = InterviewCommand['type'];
