import { AUTHORIZATION } from '../authorization/permissions';
import { DeciderSpecification } from '../testing/decider-spec';
import { commissioner, headOf, hengyang, inspector, mayor } from '../testing/hengyang.fixtures';
import type { RecordInterview } from './interview-commands';
import { INTERVIEW_DECIDER_ROLES, interviewDecider } from './interview-decider';
import type { InterviewHeld } from './interview-events';

const HASH = 'e'.repeat(64);
const spec = DeciderSpecification.for(interviewDecider);

const record: RecordInterview = {
  type: 'RecordInterview',
  interviewId: 'iv-2018-zh-1',
  now: hengyang('2018-10-22'),
  actor: inspector,
  subjectUnitId: 'zh',
  heldOn: '2018-10-20',
  subject: 'T4 behind schedule',
  attendees: [
    { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor', unitId: 'city' },
    { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', unitId: 'zh' },
  ],
  minutesHash: HASH,
  minutesText: 'Undertakes to finish by 31 October',
  related: { inspectionId: 'insp-2018-10', noticeId: 'n-10', taskIds: ['t4-zh'] },
};
const held: InterviewHeld = {
  type: 'InterviewHeld',
  data: {
    interviewId: 'iv-2018-zh-1',
    subjectUnitId: 'zh',
    heldOn: '2018-10-20',
    subject: 'T4 behind schedule',
    attendees: [
      { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor', unitId: 'city' },
      { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', unitId: 'zh' },
    ],
    minutesHash: HASH,
    minutesText: 'Undertakes to finish by 31 October',
    related: { inspectionId: 'insp-2018-10', noticeId: 'n-10', taskIds: ['t4-zh'], objectiveIds: [] },
    at: hengyang('2018-10-22'),
    by: { id: inspector.id, role: 'inspector', unit: 'insp' },
  },
};

describe('interview decider (约谈)', () => {
  it('records an interview held earlier, with attendees, the minutes’ hash and what it relates to', () => {
    spec.given([]).when(record).then([held]);
  });

  it('records one by a leader or the commission, without minutes text or relations', () => {
    for (const actor of [mayor, commissioner]) {
      spec.given([]).when({ ...record, actor, minutesText: null, related: undefined }).then([
        {
          type: 'InterviewHeld',
          data: { ...held.data, by: { id: actor.id, role: actor.role, unit: actor.unit }, minutesText: null, related: { inspectionId: null, noticeId: null, taskIds: [], objectiveIds: [] } },
        },
      ]);
    }
  });

  it('refuses an interview dated in the future, with no attendees or a repeated one, without minutes, or twice', () => {
    spec.given([]).when({ ...record, heldOn: '2018-10-23' }).thenThrows('INTERVIEW.HELD_IN_FUTURE');
    spec.given([]).when({ ...record, attendees: [] }).thenThrows('INTERVIEW.NO_ATTENDEES');
    spec.given([]).when({ ...record, attendees: [record.attendees[0], record.attendees[0]] }).thenThrows('COMMON.DUPLICATE_VALUE');
    spec.given([]).when({ ...record, attendees: [{ ...record.attendees[0], name: '' }] }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'attendees[0].name' });
    spec.given([]).when({ ...record, minutesHash: 'minutes' }).thenThrows('COMMON.HASH_INVALID');
    spec.given([held]).when(record).thenThrows('INTERVIEW.ALREADY_RECORDED');
  });

  it('refuses roles that do not hold interviews', () => {
    spec.given([]).when({ ...record, actor: headOf('zh') }).thenThrows('INTERVIEW.ROLE_NOT_ALLOWED');
  });

  it('the authorization table never allows a role the decider refuses', () => {
    for (const role of Object.keys(AUTHORIZATION.RecordInterview.allow)) {
      expect(INTERVIEW_DECIDER_ROLES.RecordInterview).toContain(role);
    }
  });
});
