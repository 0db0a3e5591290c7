import { AUTHORIZATION } from '../authorization/permissions';
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import { headOf, hengyang, inspector, mayor, staffOf } from '../testing/hengyang.fixtures';
import type { InspectionCommand, PublishInspectionNotice, RecordFinding } from './commands';
import { INSPECTION_DECIDER_ROLES, inspectionDecider } from './decider';
import type { FindingRecorded, InspectionScheduled, NoticePublished, RectificationOrdered, RectificationReported } from './events';

// The October 2018 monthly inspection of the five districts and counties.
const INSPECTION = 'insp-2018-10';
const HASH = 'd'.repeat(64);
const staff = staffOf('zh');
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const recorded = (actor: Actor, day: string) => ({ inspectionId: INSPECTION, at: hengyang(day), by: by(actor) });
const envelope = (actor: Actor, day: string) => ({ inspectionId: INSPECTION, now: hengyang(day), actor });

const spec = DeciderSpecification.for(inspectionDecider);

const schedule: InspectionCommand = {
  ...envelope(inspector, '2018-10-08'),
  type: 'ScheduleInspection',
  kind: 'monthly',
  title: 'Monthly land-work inspection',
  periodFrom: '2018-10-01',
  periodTo: '2018-10-31',
  unitIds: ['zx', 'sg', 'zh', 'hn', 'hd'],
};
const scheduled: InspectionScheduled = {
  type: 'InspectionScheduled',
  data: { ...recorded(inspector, '2018-10-08'), kind: 'monthly', title: 'Monthly land-work inspection', periodFrom: '2018-10-01', periodTo: '2018-10-31', unitIds: ['zx', 'sg', 'zh', 'hn', 'hd'] },
};
const criticise: RecordFinding = {
  ...envelope(inspector, '2018-10-12'),
  type: 'RecordFinding',
  findingId: 'f-zh',
  subject: { unitId: 'zh', taskId: 't4-zh' },
  verdict: 'criticism',
  severity: 'high',
  text: 'Behind schedule',
  evidence: [HASH],
};
const criticism: FindingRecorded = {
  type: 'FindingRecorded',
  data: { ...recorded(inspector, '2018-10-12'), findingId: 'f-zh', subject: { unitId: 'zh', taskId: 't4-zh' }, verdict: 'criticism', severity: 'high', text: 'Behind schedule', evidence: [HASH] },
};
const praise: FindingRecorded = {
  type: 'FindingRecorded',
  data: { ...recorded(inspector, '2018-10-12'), findingId: 'f-zx', subject: { unitId: 'zx', taskId: null }, verdict: 'praise', severity: null, text: 'Ahead', evidence: [] },
};
const publish: PublishInspectionNotice = {
  ...envelope(inspector, '2018-10-15'),
  type: 'PublishInspectionNotice',
  noticeId: 'n-10',
  documentNumber: 'DEMO-衡督通〔2018〕10号',
  kind: 'general',
  title: 'October notice',
  findingIds: ['f-zh', 'f-zx'],
  addressees: ['zx', 'sg', 'zh', 'hn', 'hd'],
};
const published: NoticePublished = {
  type: 'NoticePublished',
  data: {
    ...recorded(inspector, '2018-10-15'),
    noticeId: 'n-10',
    documentNumber: 'DEMO-衡督通〔2018〕10号',
    kind: 'general',
    title: 'October notice',
    publishedOn: '2018-10-15',
    findingIds: ['f-zh', 'f-zx'],
    addressees: ['zx', 'sg', 'zh', 'hn', 'hd'],
    praisedUnitIds: ['zx'],
    criticisedUnitIds: ['zh'],
  },
};
const order: InspectionCommand = {
  ...envelope(inspector, '2018-10-15'),
  type: 'OrderRectification',
  rectificationId: 'r-zh',
  unitId: 'zh',
  findingIds: ['f-zh'],
  requirement: 'Rectify the remaining parcels',
  deadline: '2018-10-31',
};
const ordered: RectificationOrdered = {
  type: 'RectificationOrdered',
  data: { ...recorded(inspector, '2018-10-15'), rectificationId: 'r-zh', unitId: 'zh', findingIds: ['f-zh'], requirement: 'Rectify the remaining parcels', deadline: '2018-10-31' },
};
const report: InspectionCommand = { ...envelope(staff, '2018-10-30'), type: 'ReportRectification', rectificationId: 'r-zh', narrative: 'Done', evidence: [HASH] };
const reported: RectificationReported = {
  type: 'RectificationReported',
  data: { ...recorded(staff, '2018-10-30'), rectificationId: 'r-zh', narrative: 'Done', evidence: [HASH] },
};
const verify: InspectionCommand = { ...envelope(inspector, '2018-11-02'), type: 'VerifyRectification', rectificationId: 'r-zh' };
const verified = { type: 'RectificationVerified' as const, data: { ...recorded(inspector, '2018-11-02'), rectificationId: 'r-zh', comment: null, onTime: true } };
const withFindings = [scheduled, criticism, praise];

describe('inspection decider', () => {
  describe('ScheduleInspection', () => {
    it('schedules a monthly or surprise inspection of units for a period', () => {
      spec.given([]).when(schedule).then([scheduled]);
      spec.given([]).when({ ...schedule, kind: 'surprise' }).then([{ type: 'InspectionScheduled', data: { ...scheduled.data, kind: 'surprise' } }]);
    });

    it('refuses a reversed period, no units, an unknown kind, a second schedule, a role other than inspector', () => {
      spec.given([]).when({ ...schedule, periodTo: '2018-09-30' }).thenThrows('INSPECTION.PERIOD_INVALID');
      spec.given([]).when({ ...schedule, unitIds: [] }).thenThrows('INSPECTION.NO_UNITS');
      spec.given([]).when({ ...schedule, kind: 'weekly' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
      spec.given([scheduled]).when(schedule).thenThrows('INSPECTION.ALREADY_SCHEDULED');
      spec.given([]).when({ ...schedule, actor: mayor }).thenThrows('INSPECTION.ROLE_NOT_ALLOWED');
    });
  });

  describe('RecordFinding', () => {
    it('records a criticism with severity about a unit’s task, and praise without', () => {
      spec.given([scheduled]).when(criticise).then([criticism]);
      spec
        .given([scheduled])
        .when({ ...criticise, findingId: 'f-zx', subject: { unitId: 'zx', taskId: null }, verdict: 'praise', severity: null, text: 'Ahead', evidence: [] })
        .then([praise]);
    });

    it('refuses a unit not inspected, a severity that does not fit the verdict, a reused id', () => {
      spec.given([scheduled]).when({ ...criticise, subject: { unitId: 'land', taskId: null } }).thenThrows('INSPECTION.UNIT_NOT_INSPECTED');
      spec.given([scheduled]).when({ ...criticise, severity: null }).thenThrows('INSPECTION.SEVERITY_MISMATCH');
      spec.given([scheduled]).when({ ...criticise, verdict: 'praise' }).thenThrows('INSPECTION.SEVERITY_MISMATCH');
      spec.given([scheduled]).when({ ...criticise, severity: 'extreme' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
      spec.given([scheduled, criticism]).when(criticise).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given([]).when(criticise).thenThrows('INSPECTION.NOT_FOUND');
    });
  });

  describe('PublishInspectionNotice (通报)', () => {
    it('publishes the findings with a document number, and says whom it praises and whom it criticises', () => {
      spec.given(withFindings).when(publish).then([published]);
    });

    it('publishes a praise notice and a criticism notice', () => {
      spec.given(withFindings).when({ ...publish, kind: 'praise', findingIds: ['f-zx'], addressees: ['zx'] }).then([
        { type: 'NoticePublished', data: { ...published.data, kind: 'praise', findingIds: ['f-zx'], addressees: ['zx'], criticisedUnitIds: [] } },
      ]);
      spec.given(withFindings).when({ ...publish, kind: 'criticism', findingIds: ['f-zh'], addressees: ['zh'] }).then([
        { type: 'NoticePublished', data: { ...published.data, kind: 'criticism', findingIds: ['f-zh'], addressees: ['zh'], praisedUnitIds: [] } },
      ]);
    });

    it('refuses a notice whose kind contradicts its findings', () => {
      spec.given(withFindings).when({ ...publish, kind: 'praise' }).thenThrows('INSPECTION.NOTICE_KIND_MISMATCH');
      spec.given(withFindings).when({ ...publish, kind: 'criticism', findingIds: ['f-zx'] }).thenThrows('INSPECTION.NOTICE_KIND_MISMATCH');
    });

    it('refuses a notice that does not tell a unit it names, names no or unknown findings, or reuses a number', () => {
      spec.given(withFindings).when({ ...publish, addressees: ['zx'] }).thenThrows('INSPECTION.ADDRESSEE_MISSING');
      spec.given(withFindings).when({ ...publish, findingIds: [] }).thenThrows('INSPECTION.NOTICE_WITHOUT_FINDINGS');
      spec.given(withFindings).when({ ...publish, findingIds: ['f-ghost'] }).thenThrows('INSPECTION.FINDING_NOT_FOUND');
      spec.given([...withFindings, published]).when({ ...publish, noticeId: 'n-10b' }).thenThrows('INSPECTION.NOTICE_NUMBER_USED');
      spec.given([...withFindings, published]).when(publish).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(withFindings).when({ ...publish, documentNumber: '' }).thenThrows('DOCNO.NUMBER_INVALID');
    });
  });

  describe('rectification: ordered → reported → verified (or returned)', () => {
    it('orders rectification of criticised findings with a deadline', () => {
      spec.given([...withFindings, published]).when(order).then([ordered]);
    });

    it('refuses rectification without criticism, of another unit’s finding, with a past deadline', () => {
      spec.given(withFindings).when({ ...order, unitId: 'zx', findingIds: ['f-zx'] }).thenThrows('INSPECTION.RECTIFICATION_NEEDS_CRITICISM');
      spec.given(withFindings).when({ ...order, findingIds: ['f-zh', 'f-zx'] }).thenThrows('INSPECTION.FINDING_NOT_ABOUT_UNIT');
      spec.given(withFindings).when({ ...order, deadline: '2018-10-14' }).thenThrows('INSPECTION.DEADLINE_IN_PAST');
      spec.given(withFindings).when({ ...order, unitId: 'land' }).thenThrows('INSPECTION.UNIT_NOT_INSPECTED');
      spec.given([...withFindings, ordered]).when(order).thenThrows('COMMON.DUPLICATE_VALUE');
    });

    it('records the unit’s report and its verification, on time when reported by the deadline', () => {
      spec.given([...withFindings, ordered]).when(report).then([reported]);
      spec.given([...withFindings, ordered, reported]).when(verify).then([verified]);
      const late: RectificationReported = { type: 'RectificationReported', data: { ...reported.data, at: hengyang('2018-11-01') } };
      spec.given([...withFindings, ordered, late]).when(verify).then([{ ...verified, data: { ...verified.data, onTime: false } }]);
    });

    it('returns a report, after which the unit reports again', () => {
      const returned = { type: 'RectificationReturned' as const, data: { ...recorded(inspector, '2018-11-02'), rectificationId: 'r-zh', reason: 'Two parcels left' } };
      spec.given([...withFindings, ordered, reported]).when({ ...verify, type: 'ReturnRectification', reason: 'Two parcels left' }).then([returned]);
      spec.given([...withFindings, ordered, reported, returned]).when(report).then([reported]);
    });

    it('refuses a verification of one’s own report, with no report, or twice; a report awaiting verification or verified', () => {
      spec.given([...withFindings, ordered, { ...reported, data: { ...reported.data, by: by(inspector) } }]).when(verify).thenThrows('INSPECTION.SELF_VERIFICATION');
      spec.given([...withFindings, ordered]).when(verify).thenThrows('INSPECTION.RECTIFICATION_NOT_REPORTED');
      spec.given([...withFindings, ordered, reported, verified]).when(verify).thenThrows('INSPECTION.RECTIFICATION_NOT_REPORTED');
      spec.given([...withFindings, ordered, reported]).when(report).thenThrows('INSPECTION.RECTIFICATION_AWAITING_VERIFICATION');
      spec.given([...withFindings, ordered, reported, verified]).when(report).thenThrows('INSPECTION.RECTIFICATION_VERIFIED');
      spec.given(withFindings).when(report).thenThrows('INSPECTION.RECTIFICATION_NOT_FOUND');
      spec.given([...withFindings, ordered, reported]).when({ ...verify, actor: headOf('zh') }).thenThrows('INSPECTION.ROLE_NOT_ALLOWED');
    });
  });

  describe('CloseInspection', () => {
    const close: InspectionCommand = { ...envelope(inspector, '2018-11-05'), type: 'CloseInspection', comment: 'All rectified' };

    it('closes once every rectification is verified; nothing more is recorded after', () => {
      const closed = { type: 'InspectionClosed' as const, data: { ...recorded(inspector, '2018-11-05'), comment: 'All rectified' } };
      spec.given([...withFindings, ordered, reported, verified]).when(close).then([closed]);
      spec.given([...withFindings, closed]).when(criticise).thenThrows('INSPECTION.CLOSED');
      expect(fold(inspectionDecider, [...withFindings, ordered, reported, verified, closed])).toMatchObject({ status: 'closed' });
    });

    it('refuses to close with a rectification open', () => {
      spec.given([...withFindings, ordered, reported]).when(close).thenThrows('INSPECTION.RECTIFICATION_OPEN');
    });
  });

  it('the authorization table never allows a role the decider refuses', () => {
    for (const [command, roles] of Object.entries(INSPECTION_DECIDER_ROLES)) {
      for (const role of Object.keys(AUTHORIZATION[command as keyof typeof INSPECTION_DECIDER_ROLES].allow)) {
        expect({ command, role, allowed: (roles as readonly string[]).includes(role) }).toEqual({ command, role, allowed: true });
      }
    }
  });
});
