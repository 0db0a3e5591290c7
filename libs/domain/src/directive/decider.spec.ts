import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { ForbiddenError } from '../shared/domain-error';
import { DeciderSpecification } from '../testing/decider-spec';
import type { AmendDirective, IssueDirective, WithdrawDirective } from './commands';
import { directiveDecider } from './decider';
import type { DirectiveAmended, DirectiveIssued, DirectiveWithdrawn } from './events';

const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
const viceMayor: Actor = { id: 'p-vice-mayor', role: 'leader', unit: 'city' };
const inspector: Actor = { id: 'p-inspector', role: 'inspector', unit: 'insp' };
const issuedAt = '2018-09-06T16:00:00+08:00';
const amendedAt = '2018-09-10T10:00:00+08:00';
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });

const spec = DeciderSpecification.for(directiveDecider);

const issue: IssueDirective = {
  type: 'IssueDirective',
  directiveId: 'd-2018-1',
  now: issuedAt,
  actor: mayor,
  issuerUnitId: 'city',
  issuer: { name: 'Mayor', postTitle: 'Mayor of Hengyang' },
  documentNumber: 'DEMO-衡督〔2018〕1号',
  kind: 'directive',
  issuedOn: '2018-09-06',
  meeting: { name: 'Land-work dispatch meeting', date: '2018-09-06' },
  title: 'Four land tasks',
  body: 'Each district and county completes the four land tasks; T4 is finished completely by the end of October.',
  taskIds: ['t4-zx', 't4-sg', 't4-zh', 't4-hn', 't4-hd'],
};

const issued: DirectiveIssued = {
  type: 'DirectiveIssued',
  data: {
    directiveId: 'd-2018-1',
    at: issuedAt,
    by: by(mayor),
    issuer: { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor of Hengyang', unitId: 'city' },
    documentNumber: 'DEMO-衡督〔2018〕1号',
    kind: 'directive',
    issuedOn: '2018-09-06',
    meeting: { name: 'Land-work dispatch meeting', date: '2018-09-06' },
    title: 'Four land tasks',
    body: issue.body,
    taskIds: ['t4-zx', 't4-sg', 't4-zh', 't4-hn', 't4-hd'],
  },
};

const amend: AmendDirective = {
  type: 'AmendDirective',
  directiveId: 'd-2018-1',
  now: amendedAt,
  actor: viceMayor,
  changes: { title: 'Four land tasks (2018)', addTaskIds: ['t1-zx'] },
  reason: 'Title made precise; T1 for Zhengxiang added',
};

const amended: DirectiveAmended = {
  type: 'DirectiveAmended',
  data: {
    directiveId: 'd-2018-1',
    at: amendedAt,
    by: by(viceMayor),
    changes: [
      { field: 'title', from: 'Four land tasks', to: 'Four land tasks (2018)' },
      { field: 'taskIds', from: issued.data.taskIds, to: [...issued.data.taskIds, 't1-zx'] },
    ],
    reason: 'Title made precise; T1 for Zhengxiang added',
  },
};

const withdraw: WithdrawDirective = {
  type: 'WithdrawDirective',
  directiveId: 'd-2018-1',
  now: amendedAt,
  actor: mayor,
  reason: 'Superseded by the provincial plan',
};

const withdrawn: DirectiveWithdrawn = {
  type: 'DirectiveWithdrawn',
  data: { directiveId: 'd-2018-1', at: amendedAt, by: by(mayor), reason: 'Superseded by the provincial plan' },
};

describe('directive decider', () => {
  describe('IssueDirective', () => {
    it('issues a directive, with the leader as issuer and the tasks it creates', () => {
      spec.given([]).when(issue).then([issued]);
    });

    it('stores the document number in Unicode NFC', () => {
      const decomposed = 'Số 17-KH/QU'.normalize('NFD');
      const [event] = spec
        .given([])
        .when({ ...issue, documentNumber: decomposed })
        .then([{ ...issued, data: { ...issued.data, documentNumber: 'Số 17-KH/QU'.normalize('NFC') } }]);
      expect(event.type === 'DirectiveIssued' && event.data.documentNumber).not.toBe(decomposed);
    });

    it('issues a directive that did not come from a meeting', () => {
      spec.given([]).when({ ...issue, meeting: null }).then([{ ...issued, data: { ...issued.data, meeting: null } }]);
    });

    it('refuses anyone but a leader', () => {
      spec.given([]).when({ ...issue, actor: inspector }).thenThrows('DIRECTIVE.LEADER_ONLY');
      spec.given([]).when({ ...issue, actor: { ...mayor, role: 'unit_head' } }).thenThrows(ForbiddenError);
    });

    it('refuses a directive issued twice', () => {
      spec.given([issued]).when(issue).thenThrows('DIRECTIVE.ALREADY_ISSUED');
    });

    it('refuses a malformed document number', () => {
      spec.given([]).when({ ...issue, documentNumber: ' 17-KH/QU' }).thenThrows('DOCNO.NUMBER_INVALID', { field: 'documentNumber' });
      spec.given([]).when({ ...issue, documentNumber: '' }).thenThrows('DOCNO.NUMBER_INVALID');
    });

    it('refuses an unknown kind', () => {
      spec.given([]).when({ ...issue, kind: 'order' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'kind' });
    });

    it('refuses an issue date after today', () => {
      spec.given([]).when({ ...issue, issuedOn: '2018-09-07' }).thenThrows('DIRECTIVE.ISSUE_DATE_IN_FUTURE');
    });

    it('refuses a meeting after the issue date', () => {
      spec
        .given([])
        .when({ ...issue, meeting: { name: 'Later meeting', date: '2018-09-07' } })
        .thenThrows('DIRECTIVE.MEETING_AFTER_ISSUE', { field: 'meeting.date' });
    });

    it('refuses a missing title, body, issuer name or issuer unit', () => {
      spec.given([]).when({ ...issue, title: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'title' });
      spec.given([]).when({ ...issue, body: ' ' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'body' });
      spec
        .given([])
        .when({ ...issue, issuer: { name: '', postTitle: 'Mayor' } })
        .thenThrows('COMMON.TEXT_REQUIRED', { field: 'issuer.name' });
      spec.given([]).when({ ...issue, issuerUnitId: '' }).thenThrows('COMMON.ID_INVALID', { field: 'issuerUnitId' });
    });

    it('refuses a task listed twice', () => {
      spec.given([]).when({ ...issue, taskIds: ['t4-zx', 't4-zx'] }).thenThrows('COMMON.DUPLICATE_VALUE');
    });
  });

  describe('AmendDirective', () => {
    it('records each changed field with its value before and after, and the reason', () => {
      spec.given([issued]).when(amend).then([amended]);
    });

    it('changes the meeting, and drops fields given unchanged', () => {
      spec
        .given([issued])
        .when({ ...amend, changes: { title: issued.data.title, meeting: { name: 'Dispatch meeting', date: '2018-09-05' } } })
        .then([
          {
            type: 'DirectiveAmended',
            data: {
              ...amended.data,
              changes: [{ field: 'meeting', from: issued.data.meeting, to: { name: 'Dispatch meeting', date: '2018-09-05' } }],
            },
          },
        ]);
    });

    it('applies the amendment to the state', () => {
      const state = fold(directiveDecider, [issued, amended]);
      expect(state.status === 'issued' && [state.title, state.taskIds.length, state.amendments]).toEqual([
        'Four land tasks (2018)',
        6,
        1,
      ]);
    });

    it('refuses an amendment without a reason', () => {
      spec.given([issued]).when({ ...amend, reason: '  ' }).thenThrows('COMMON.REASON_REQUIRED', { field: 'reason' });
    });

    it('refuses an amendment that changes nothing', () => {
      spec.given([issued]).when({ ...amend, changes: {} }).thenThrows('DIRECTIVE.NO_CHANGES');
      spec.given([issued]).when({ ...amend, changes: { body: issued.data.body } }).thenThrows('DIRECTIVE.NO_CHANGES');
    });

    it('refuses adding a task the directive already has', () => {
      spec
        .given([issued])
        .when({ ...amend, changes: { addTaskIds: ['t4-zh'] } })
        .thenThrows('COMMON.DUPLICATE_VALUE', { field: 'changes.addTaskIds' });
    });

    it('refuses a meeting moved after the issue date', () => {
      spec
        .given([issued])
        .when({ ...amend, changes: { meeting: { name: 'X', date: '2018-09-08' } } })
        .thenThrows('DIRECTIVE.MEETING_AFTER_ISSUE');
    });

    it('refuses a directive that was not issued', () => {
      spec.given([]).when(amend).thenThrows('DIRECTIVE.NOT_FOUND');
    });

    it('refuses a withdrawn directive', () => {
      spec.given([issued, withdrawn]).when(amend).thenThrows('DIRECTIVE.WITHDRAWN');
    });

    it('refuses anyone but a leader', () => {
      spec.given([issued]).when({ ...amend, actor: inspector }).thenThrows('DIRECTIVE.LEADER_ONLY');
    });
  });

  describe('WithdrawDirective', () => {
    it('withdraws with a reason', () => {
      spec.given([issued, amended]).when(withdraw).then([withdrawn]);
    });

    it('refuses a withdrawal without a reason', () => {
      spec.given([issued]).when({ ...withdraw, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });

    it('refuses to withdraw twice', () => {
      spec.given([issued, withdrawn]).when(withdraw).thenThrows('DIRECTIVE.WITHDRAWN');
    });

    it('refuses a directive that was not issued', () => {
      spec.given([]).when(withdraw).thenThrows('DIRECTIVE.NOT_FOUND');
    });

    it('refuses anyone but a leader', () => {
      spec.given([issued]).when({ ...withdraw, actor: inspector }).thenThrows('DIRECTIVE.LEADER_ONLY');
    });

    it('keeps the directive, marked withdrawn, in the state', () => {
      const state = fold(directiveDecider, [issued, withdrawn]);
      expect(state.status === 'withdrawn' && state.withdrawal).toEqual({
        on: '2018-09-10',
        reason: 'Superseded by the provincial plan',
      });
    });
  });
});
