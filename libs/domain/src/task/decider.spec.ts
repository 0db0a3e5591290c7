import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { ForbiddenError, RuleViolationError } from '../shared/domain-error';
import { DeciderSpecification } from '../testing/decider-spec';
import { DIRECTIVE_2018_1, hengyang, inspector, mayor, staffOf, watcher } from '../testing/hengyang.fixtures';
import type { TaskCommand } from './commands';
import { taskDecider } from './decider';
import type {
  CompletionReported,
  CompletionVerified,
  DeadlinePassed,
  ExtensionDenied,
  ExtensionGranted,
  ExtensionRequested,
  ProgressReported,
  ReminderIssued,
  TaskAcknowledged,
  TaskAssigned,
  TaskCancelled,
  TaskEvent,
  TaskRegistered,
  TaskReturnedForRedo,
} from './events';

// T4 for Zhuhui District (zh): assigned 2018-09-06, due 2018-10-31.
const TASK = 't4-zh';
const staff = staffOf('zh');
const head: Actor = { id: 'p-zh-head', role: 'unit_head', unit: 'zh' };
const viceMayor: Actor = { id: 'p-vice-mayor', role: 'leader', unit: 'city' };
const HASH_A = 'a'.repeat(64);
const HASH_B = '0123456789abcdef'.repeat(4);

const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const recorded = (actor: Actor, day: string) => ({ taskId: TASK, at: hengyang(day), by: by(actor) });
const envelope = (actor: Actor, day: string) => ({ taskId: TASK, now: hengyang(day), actor });

const spec = DeciderSpecification.for(taskDecider);

// ── The history, event by event ──────────────────────────────────────────────────────────────────────────────
const registered: TaskRegistered = {
  type: 'TaskRegistered',
  data: { ...recorded(inspector, '2018-09-06'), directiveId: 'd-2018-1', directiveIssuedOn: '2018-09-06', title: 'T4' },
};
const responsible = { unitId: 'zh', personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head' };
const assigned: TaskAssigned = {
  type: 'TaskAssigned',
  data: {
    ...recorded(inspector, '2018-09-06'),
    leadUnitId: 'zh',
    coUnitIds: ['land'],
    responsible,
    work: 'Rectify every problem parcel',
    deadline: '2018-10-31',
    expectedResult: 'All problem parcels rectified',
  },
};
const acknowledged: TaskAcknowledged = { type: 'TaskAcknowledged', data: recorded(head, '2018-09-07') };
const progress40: ProgressReported = {
  type: 'ProgressReported',
  data: { ...recorded(staff, '2018-09-20'), percent: 40, narrative: '20 of 50 parcels rectified', evidence: [HASH_A] },
};
const reminded: ReminderIssued = {
  type: 'ReminderIssued',
  data: { ...recorded(inspector, '2018-10-10'), message: 'Behind schedule: speed up', channel: 'official_document' },
};
const extensionRequested: ExtensionRequested = {
  type: 'ExtensionRequested',
  data: {
    ...recorded(head, '2018-10-25'),
    requestId: 'ext-1',
    currentDeadline: '2018-10-31',
    requestedDeadline: '2018-12-31',
    reason: 'Parcels under litigation',
  },
};
const extensionGranted: ExtensionGranted = {
  type: 'ExtensionGranted',
  data: {
    ...recorded(mayor, '2018-10-28'),
    requestId: 'ext-1',
    previousDeadline: '2018-10-31',
    newDeadline: '2018-12-31',
    comment: null,
  },
};
const extensionDenied: ExtensionDenied = {
  type: 'ExtensionDenied',
  data: { ...recorded(mayor, '2018-10-28'), requestId: 'ext-1', reason: 'The deadline is the mayor’s' },
};
const completionReported: CompletionReported = {
  type: 'CompletionReported',
  data: { ...recorded(staff, '2018-10-30'), narrative: 'All 50 parcels rectified', evidence: [HASH_A, HASH_B] },
};
const verified: CompletionVerified = {
  type: 'CompletionVerified',
  data: { ...recorded(inspector, '2018-10-31'), comment: null },
};
const returnedForRedo: TaskReturnedForRedo = {
  type: 'TaskReturnedForRedo',
  data: { ...recorded(inspector, '2018-10-31'), reason: 'Nine parcels not rectified on site' },
};
const deadlinePassed: DeadlinePassed = {
  type: 'DeadlinePassed',
  data: { ...recorded(watcher, '2018-11-01'), deadline: '2018-10-31' },
};
const cancelled: TaskCancelled = {
  type: 'TaskCancelled',
  data: { ...recorded(mayor, '2018-10-01'), reason: 'Merged into T3', signOffId: 'so-cancel-1' },
};

const inProgress: TaskEvent[] = [registered, assigned, acknowledged, progress40];
const awaitingVerification: TaskEvent[] = [...inProgress, completionReported];
const done: TaskEvent[] = [...awaitingVerification, verified];

describe('task decider', () => {
  describe('RegisterTask (立项)', () => {
    const register: TaskCommand = {
      ...envelope(inspector, '2018-09-06'),
      type: 'RegisterTask',
      directive: DIRECTIVE_2018_1,
      title: 'T4',
    };

    it('registers the task under its directive', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('refuses a task registered twice', () => {
      spec.given([registered]).when(register).thenThrows('TASK.ALREADY_REGISTERED');
    });

    it('refuses a task under a withdrawn directive', () => {
      spec
        .given([])
        .when({ ...register, directive: { ...DIRECTIVE_2018_1, status: 'withdrawn' } })
        .thenThrows('TASK.DIRECTIVE_WITHDRAWN');
    });

    it('refuses a task without a title, or with a malformed directive issue date', () => {
      spec.given([]).when({ ...register, title: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'title' });
      spec
        .given([])
        .when({ ...register, directive: { ...DIRECTIVE_2018_1, issuedOn: '06/09/2018' } })
        .thenThrows('COMMON.DATE_INVALID', { field: 'directive.issuedOn' });
    });
  });

  describe('AssignTask (交办) and the 5 clear', () => {
    const assign: TaskCommand = {
      ...envelope(inspector, '2018-09-06'),
      type: 'AssignTask',
      leadUnitId: 'zh',
      coUnitIds: ['land'],
      leadUnitHead: responsible,
      work: 'Rectify every problem parcel',
      deadline: '2018-10-31',
      expectedResult: 'All problem parcels rectified',
    };

    it('assigns a registered task with person, work, time, responsibility and result', () => {
      spec.given([registered]).when(assign).then([assigned]);
    });

    it('accepts a deadline on the day the directive was issued', () => {
      spec
        .given([registered])
        .when({ ...assign, deadline: '2018-09-06' })
        .then([{ ...assigned, data: { ...assigned.data, deadline: '2018-09-06' } }]);
    });

    it('refuses a task that is not registered, already assigned, or cancelled', () => {
      spec.given([]).when(assign).thenThrows('TASK.NOT_FOUND');
      spec.given([registered, assigned]).when(assign).thenThrows('TASK.ALREADY_ASSIGNED');
      spec.given([registered, cancelled]).when(assign).thenThrows('TASK.CANCELLED');
    });

    it('clear person: refuses a lead unit with no head in post', () => {
      spec
        .given([registered])
        .when({ ...assign, leadUnitHead: null })
        .thenThrows('TASK.RESPONSIBLE_PERSON_MISSING', { field: 'leadUnitHead' });
    });

    it('clear person: refuses a responsible person who heads another unit', () => {
      spec
        .given([registered])
        .when({ ...assign, leadUnitHead: { ...responsible, unitId: 'zx' } })
        .thenThrows('TASK.RESPONSIBLE_NOT_LEAD_HEAD');
    });

    it('clear work: refuses a blank work description', () => {
      spec.given([registered]).when({ ...assign, work: '  ' }).thenThrows('TASK.WORK_MISSING', { field: 'work' });
    });

    it('clear time: refuses a deadline before the directive was issued', () => {
      const error = spec
        .given([registered])
        .when({ ...assign, deadline: '2018-09-05' })
        .thenThrows('TASK.DEADLINE_BEFORE_ISSUE', { field: 'deadline' });
      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error.message).toBe('Clear time: the deadline 2018-09-05 is before the directive was issued on 2018-09-06.');
      expect(error.messages.vi).toBe('Rõ thời gian: thời hạn 2018-09-05 sớm hơn ngày ban hành chỉ đạo 2018-09-06.');
      expect(error.messages.zh).toBe('明确时限：办结时限 2018-09-05 早于指示印发日期 2018-09-06。');
    });

    it('clear time: refuses a deadline already past on the assignment day, or malformed', () => {
      spec
        .given([registered])
        .when({ ...assign, ...envelope(inspector, '2018-09-12'), deadline: '2018-09-10' })
        .thenThrows('TASK.DEADLINE_BEFORE_ASSIGNMENT');
      spec.given([registered]).when({ ...assign, deadline: '2018-10-32' }).thenThrows('COMMON.DATE_INVALID');
    });

    it('clear responsibility: refuses the lead unit among the co-units, and co-units listed twice', () => {
      spec
        .given([registered])
        .when({ ...assign, coUnitIds: ['land', 'zh'] })
        .thenThrows('TASK.LEAD_AMONG_CO_UNITS', { field: 'coUnitIds' });
      spec.given([registered]).when({ ...assign, coUnitIds: ['land', 'land'] }).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given([registered]).when({ ...assign, leadUnitId: '' }).thenThrows('COMMON.ID_INVALID', { field: 'leadUnitId' });
    });

    it('clear result: refuses a blank expected result', () => {
      spec
        .given([registered])
        .when({ ...assign, expectedResult: '' })
        .thenThrows('TASK.EXPECTED_RESULT_MISSING', { field: 'expectedResult' });
    });
  });

  describe('AcknowledgeTask', () => {
    const acknowledge: TaskCommand = { ...envelope(head, '2018-09-07'), type: 'AcknowledgeTask' };

    it('acknowledges an assigned task', () => {
      spec.given([registered, assigned]).when(acknowledge).then([acknowledged]);
    });

    it('refuses a task not yet assigned, or unknown', () => {
      spec.given([registered]).when(acknowledge).thenThrows('TASK.NOT_ASSIGNED');
      spec.given([]).when(acknowledge).thenThrows('TASK.NOT_FOUND');
    });

    it('refuses a second acknowledgement', () => {
      spec.given([registered, assigned, acknowledged]).when(acknowledge).thenThrows('TASK.ALREADY_ACKNOWLEDGED');
      spec.given(inProgress).when(acknowledge).thenThrows('TASK.ALREADY_ACKNOWLEDGED');
    });

    it('refuses a cancelled task', () => {
      spec.given([registered, assigned, cancelled]).when(acknowledge).thenThrows('TASK.CANCELLED');
    });
  });

  describe('ReportProgress (反馈)', () => {
    const report = (percent: number, day = '2018-09-20'): TaskCommand => ({
      ...envelope(staff, day),
      type: 'ReportProgress',
      percent,
      narrative: '20 of 50 parcels rectified',
      evidence: [HASH_A],
    });

    it('reports progress with evidence hashes', () => {
      spec.given([registered, assigned, acknowledged]).when(report(40)).then([progress40]);
    });

    it('accepts the same percentage again, and a higher one', () => {
      spec.given(inProgress).when(report(40, '2018-09-20')).then([progress40]);
      spec
        .given(inProgress)
        .when(report(82, '2018-10-20'))
        .then([{ type: 'ProgressReported', data: { ...progress40.data, ...recorded(staff, '2018-10-20'), percent: 82 } }]);
    });

    it('refuses progress going down', () => {
      spec.given(inProgress).when(report(30)).thenThrows('TASK.PROGRESS_DECREASED', { field: 'percent' });
    });

    it('lets progress go down once after a return for redo, then holds it again', () => {
      const returned = [...awaitingVerification, returnedForRedo];
      const [lower] = spec
        .given(returned)
        .when(report(80, '2018-11-02'))
        .then([{ type: 'ProgressReported', data: { ...progress40.data, ...recorded(staff, '2018-11-02'), percent: 80 } }]);
      spec.given([...returned, lower]).when(report(70, '2018-11-03')).thenThrows('TASK.PROGRESS_DECREASED');
    });

    it('refuses a percentage outside 0..100', () => {
      for (const percent of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        spec.given(inProgress).when(report(percent)).thenThrows('TASK.PERCENT_INVALID', { field: 'percent' });
      }
    });

    it('refuses malformed or repeated evidence hashes', () => {
      const base = report(50) as Extract<TaskCommand, { type: 'ReportProgress' }>;
      spec
        .given(inProgress)
        .when({ ...base, evidence: [HASH_A, 'not-a-hash'] })
        .thenThrows('COMMON.HASH_INVALID', { field: 'evidence[1]' });
      spec.given(inProgress).when({ ...base, evidence: [HASH_A.toUpperCase()] }).thenThrows('COMMON.HASH_INVALID');
      spec.given(inProgress).when({ ...base, evidence: [HASH_A, HASH_A] }).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(inProgress).when({ ...base, evidence: HASH_A as never }).thenThrows('COMMON.LIST_REQUIRED', { field: 'evidence' });
    });

    it('refuses a blank narrative', () => {
      const base = report(50) as Extract<TaskCommand, { type: 'ReportProgress' }>;
      spec.given(inProgress).when({ ...base, narrative: '' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'narrative' });
    });

    it('refuses a task not yet acknowledged', () => {
      spec.given([registered, assigned]).when(report(10)).thenThrows('TASK.NOT_ACKNOWLEDGED');
    });

    it('refuses while a completion report awaits verification', () => {
      spec.given(awaitingVerification).when(report(100)).thenThrows('TASK.AWAITING_VERIFICATION');
    });

    it('refuses a verified, closed or cancelled task', () => {
      spec.given(done).when(report(100)).thenThrows('TASK.ALREADY_VERIFIED');
      spec
        .given([...done, { type: 'TaskClosed', data: { ...recorded(inspector, '2018-11-05'), comment: null } }])
        .when(report(100))
        .thenThrows('TASK.CLOSED');
      spec.given([...inProgress, cancelled]).when(report(100)).thenThrows('TASK.CANCELLED');
    });
  });

  describe('ReportCompletion (办结报告)', () => {
    const complete: TaskCommand = {
      ...envelope(staff, '2018-10-30'),
      type: 'ReportCompletion',
      narrative: 'All 50 parcels rectified',
      evidence: [HASH_A, HASH_B],
    };

    it('reports completion', () => {
      spec.given(inProgress).when(complete).then([completionReported]);
    });

    it('reports completion straight after acknowledgement, and again after a return for redo', () => {
      spec.given([registered, assigned, acknowledged]).when(complete).then([completionReported]);
      spec.given([...awaitingVerification, returnedForRedo]).when(complete).then([completionReported]);
    });

    it('refuses a task not yet acknowledged', () => {
      spec.given([registered, assigned]).when(complete).thenThrows('TASK.NOT_ACKNOWLEDGED');
    });

    it('refuses a second report while the first awaits verification', () => {
      spec.given(awaitingVerification).when(complete).thenThrows('TASK.AWAITING_VERIFICATION');
    });

    it('refuses a verified task, and a task not yet assigned', () => {
      spec.given(done).when(complete).thenThrows('TASK.ALREADY_VERIFIED');
      spec.given([registered]).when(complete).thenThrows('TASK.NOT_ASSIGNED');
    });
  });

  describe('VerifyCompletion and ReturnTaskForRedo', () => {
    const verify: TaskCommand = { ...envelope(inspector, '2018-10-31'), type: 'VerifyCompletion' };
    const returnForRedo: TaskCommand = {
      ...envelope(inspector, '2018-10-31'),
      type: 'ReturnTaskForRedo',
      reason: 'Nine parcels not rectified on site',
    };

    it('an inspector verifies the completion', () => {
      spec.given(awaitingVerification).when(verify).then([verified]);
    });

    it('a leader verifies, with a comment', () => {
      spec
        .given(awaitingVerification)
        .when({ ...verify, actor: mayor, comment: ' Checked on site ' })
        .then([{ type: 'CompletionVerified', data: { ...recorded(mayor, '2018-10-31'), comment: 'Checked on site' } }]);
    });

    it('an inspector returns the completion for redo, with a reason', () => {
      spec.given(awaitingVerification).when(returnForRedo).then([returnedForRedo]);
    });

    it('refuses a return without a reason', () => {
      spec
        .given(awaitingVerification)
        .when({ ...returnForRedo, reason: '' })
        .thenThrows('COMMON.REASON_REQUIRED', { field: 'reason' });
    });

    it('refuses unit staff and unit heads (only inspectors and leaders check)', () => {
      spec.given(awaitingVerification).when({ ...verify, actor: head }).thenThrows('TASK.VERIFIER_ROLE');
      spec.given(awaitingVerification).when({ ...returnForRedo, actor: staffOf('zx') }).thenThrows(ForbiddenError);
    });

    it('refuses anyone checking a completion they reported themselves', () => {
      const reportedByMayor = [
        ...inProgress,
        { ...completionReported, data: { ...completionReported.data, by: by(mayor) } },
      ];
      spec.given(reportedByMayor).when({ ...verify, actor: mayor }).thenThrows('TASK.SELF_VERIFICATION');
      spec.given(reportedByMayor).when({ ...returnForRedo, actor: mayor }).thenThrows('TASK.SELF_VERIFICATION');
      spec
        .given(reportedByMayor)
        .when({ ...verify, actor: viceMayor })
        .then([{ type: 'CompletionVerified', data: { ...recorded(viceMayor, '2018-10-31'), comment: null } }]);
    });

    it('refuses when no completion report awaits verification', () => {
      spec.given(inProgress).when(verify).thenThrows('TASK.NO_COMPLETION_REPORTED');
      spec.given([...awaitingVerification, returnedForRedo]).when(verify).thenThrows('TASK.NO_COMPLETION_REPORTED');
      spec.given([registered, assigned]).when(returnForRedo).thenThrows('TASK.NO_COMPLETION_REPORTED');
    });

    it('refuses a completion verified already', () => {
      spec.given(done).when(verify).thenThrows('TASK.ALREADY_VERIFIED');
      spec.given(done).when(returnForRedo).thenThrows('TASK.ALREADY_VERIFIED');
    });
  });

  describe('IssueReminder (催办 / đôn đốc)', () => {
    const remind: TaskCommand = {
      ...envelope(inspector, '2018-10-10'),
      type: 'IssueReminder',
      message: 'Behind schedule: speed up',
      channel: 'official_document',
    };

    it('reminds the lead unit of a task in progress', () => {
      spec.given(inProgress).when(remind).then([reminded]);
    });

    it('reminds a task not yet acknowledged, and an overdue one', () => {
      spec.given([registered, assigned]).when(remind).then([reminded]);
      spec
        .given([...inProgress, deadlinePassed])
        .when({ ...remind, ...envelope(inspector, '2018-11-02') })
        .then([{ ...reminded, data: { ...reminded.data, ...recorded(inspector, '2018-11-02') } }]);
    });

    it('refuses an unknown channel and a blank message', () => {
      spec
        .given(inProgress)
        .when({ ...remind, channel: 'carrier-pigeon' as never })
        .thenThrows('COMMON.VALUE_NOT_ALLOWED', { field: 'channel' });
      spec.given(inProgress).when({ ...remind, message: ' ' }).thenThrows('COMMON.TEXT_REQUIRED', { field: 'message' });
    });

    it('refuses a task with nothing left for the unit to do', () => {
      spec.given([registered]).when(remind).thenThrows('TASK.NOT_ASSIGNED');
      spec.given(awaitingVerification).when(remind).thenThrows('TASK.AWAITING_VERIFICATION');
      spec.given(done).when(remind).thenThrows('TASK.ALREADY_VERIFIED');
      spec.given([...inProgress, cancelled]).when(remind).thenThrows('TASK.CANCELLED');
    });
  });

  describe('RequestExtension', () => {
    const request = (day: string, newDeadline = '2018-12-31', requestId = 'ext-1'): TaskCommand => ({
      ...envelope(head, day),
      type: 'RequestExtension',
      requestId,
      newDeadline,
      reason: 'Parcels under litigation',
    });

    it('records a request made before the deadline (Hengnan, 2018-10-25)', () => {
      spec.given(inProgress).when(request('2018-10-25')).then([extensionRequested]);
    });

    it('accepts a request on the deadline day itself', () => {
      spec
        .given(inProgress)
        .when(request('2018-10-31'))
        .then([{ ...extensionRequested, data: { ...extensionRequested.data, ...recorded(head, '2018-10-31') } }]);
    });

    it('refuses a request made after the deadline (Hengdong, 2018-11-05)', () => {
      const error = spec
        .given(inProgress)
        .when(request('2018-11-05'))
        .thenThrows('TASK.EXTENSION_AFTER_DEADLINE');
      expect(error.kind).toBe('rule');
      expect(error.params).toMatchObject({ today: '2018-11-05', deadline: '2018-10-31' });
    });

    it('judges "after the deadline" by the local day of now (23:30 in Hengyang is still the deadline day)', () => {
      spec
        .given(inProgress)
        .when({ ...request('2018-10-31'), now: '2018-10-31T23:30:00+08:00' })
        .then([{ ...extensionRequested, data: { ...extensionRequested.data, at: '2018-10-31T23:30:00+08:00' } }]);
    });

    it('refuses a new deadline that is not after the current one', () => {
      spec
        .given(inProgress)
        .when(request('2018-10-25', '2018-10-31'))
        .thenThrows('TASK.EXTENSION_NOT_LATER', { field: 'newDeadline' });
    });

    it('refuses a second request while one is pending, and a reused request id', () => {
      spec.given([...inProgress, extensionRequested]).when(request('2018-10-26', '2018-11-30', 'ext-2')).thenThrows('TASK.EXTENSION_PENDING');
      spec
        .given([...inProgress, extensionRequested, extensionDenied])
        .when(request('2018-10-29'))
        .thenThrows('COMMON.DUPLICATE_VALUE', { field: 'requestId' });
    });

    it('accepts a new request after a denial', () => {
      spec
        .given([...inProgress, extensionRequested, extensionDenied])
        .when(request('2018-10-29', '2018-11-15', 'ext-2'))
        .then([
          {
            type: 'ExtensionRequested',
            data: { ...extensionRequested.data, ...recorded(head, '2018-10-29'), requestId: 'ext-2', requestedDeadline: '2018-11-15' },
          },
        ]);
    });

    it('refuses a request without a reason', () => {
      spec
        .given(inProgress)
        .when({ ...(request('2018-10-25') as Extract<TaskCommand, { type: 'RequestExtension' }>), reason: '' })
        .thenThrows('COMMON.REASON_REQUIRED');
    });

    it('refuses a task awaiting verification or done', () => {
      spec.given(awaitingVerification).when(request('2018-10-30')).thenThrows('TASK.AWAITING_VERIFICATION');
      spec.given(done).when(request('2018-10-31')).thenThrows('TASK.ALREADY_VERIFIED');
    });
  });

  describe('GrantExtension and DenyExtension', () => {
    const pending = [...inProgress, extensionRequested];
    const grant: TaskCommand = {
      ...envelope(mayor, '2018-10-28'),
      type: 'GrantExtension',
      requestId: 'ext-1',
      newDeadline: '2018-12-31',
    };
    const deny: TaskCommand = {
      ...envelope(mayor, '2018-10-28'),
      type: 'DenyExtension',
      requestId: 'ext-1',
      reason: 'The deadline is the mayor’s',
    };

    it('a leader grants the extension: the only way the deadline moves (Hengnan, 2018-10-28)', () => {
      spec.given(pending).when(grant).then([extensionGranted]);
      const state = fold(taskDecider, [...pending, extensionGranted]);
      expect(state.status !== 'none' && [state.deadline, state.assignment?.originalDeadline]).toEqual([
        '2018-12-31',
        '2018-10-31',
      ]);
    });

    it('grants a request made in time even after the deadline passed', () => {
      spec
        .given([...pending, deadlinePassed])
        .when({ ...grant, ...envelope(mayor, '2018-11-02') })
        .then([{ ...extensionGranted, data: { ...extensionGranted.data, ...recorded(mayor, '2018-11-02') } }]);
    });

    it('refuses a granted deadline that is not after the current one', () => {
      spec.given(pending).when({ ...grant, newDeadline: '2018-10-31' }).thenThrows('TASK.EXTENSION_NOT_LATER');
    });

    it('a leader denies the extension, with a reason; the deadline stays', () => {
      spec.given(pending).when(deny).then([extensionDenied]);
      const state = fold(taskDecider, [...pending, extensionDenied]);
      expect(state.status !== 'none' && state.deadline).toBe('2018-10-31');
    });

    it('refuses a denial without a reason', () => {
      spec.given(pending).when({ ...deny, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });

    it('refuses when no such request is pending', () => {
      spec.given(inProgress).when(grant).thenThrows('TASK.NO_PENDING_EXTENSION');
      spec.given(pending).when({ ...grant, requestId: 'ext-9' }).thenThrows('TASK.NO_PENDING_EXTENSION');
      spec.given([...pending, extensionGranted]).when(deny).thenThrows('TASK.NO_PENDING_EXTENSION');
    });

    it('refuses anyone but a leader', () => {
      spec.given(pending).when({ ...grant, actor: inspector }).thenThrows('TASK.EXTENSION_DECIDER_ROLE');
      spec.given(pending).when({ ...deny, actor: head }).thenThrows('TASK.EXTENSION_DECIDER_ROLE');
    });

    it('refuses a leader deciding on their own request', () => {
      const ownRequest = [...inProgress, { ...extensionRequested, data: { ...extensionRequested.data, by: by(mayor) } }];
      spec.given(ownRequest).when(grant).thenThrows('TASK.SELF_EXTENSION_DECISION');
      spec.given(ownRequest).when(deny).thenThrows('TASK.SELF_EXTENSION_DECISION');
    });

    it('refuses a task verified since the request', () => {
      spec.given([...pending, completionReported, verified]).when(grant).thenThrows('TASK.ALREADY_VERIFIED');
    });
  });

  describe('MarkDeadlinePassed (the deadline watcher)', () => {
    const mark = (day: string): TaskCommand => ({ ...envelope(watcher, day), type: 'MarkDeadlinePassed' });

    it('records the passing of the deadline the day after it', () => {
      spec.given(inProgress).when(mark('2018-11-01')).then([deadlinePassed]);
    });

    it('refuses on or before the deadline day', () => {
      spec.given(inProgress).when(mark('2018-10-31')).thenThrows('TASK.DEADLINE_NOT_PASSED');
      spec.given(inProgress).when({ ...mark('2018-10-31'), now: '2018-10-31T23:59:59+08:00' }).thenThrows('TASK.DEADLINE_NOT_PASSED');
    });

    it('refuses a deadline already recorded as passed', () => {
      spec.given([...inProgress, deadlinePassed]).when(mark('2018-11-02')).thenThrows('TASK.DEADLINE_ALREADY_MARKED');
    });

    it('after an extension, waits for the new deadline, then records it once', () => {
      const extended = [...inProgress, extensionRequested, extensionGranted];
      spec.given(extended).when(mark('2018-11-01')).thenThrows('TASK.DEADLINE_NOT_PASSED');
      spec
        .given(extended)
        .when(mark('2019-01-01'))
        .then([{ type: 'DeadlinePassed', data: { ...recorded(watcher, '2019-01-01'), deadline: '2018-12-31' } }]);
    });

    it('records it while a completion report awaits verification (not done until verified)', () => {
      spec
        .given(awaitingVerification)
        .when(mark('2018-11-01'))
        .then([deadlinePassed]);
    });

    it('refuses a task done, closed, cancelled or not assigned', () => {
      spec.given(done).when(mark('2018-11-01')).thenThrows('TASK.ALREADY_VERIFIED');
      spec
        .given([...done, { type: 'TaskClosed', data: { ...recorded(inspector, '2018-10-31'), comment: null } }])
        .when(mark('2018-11-01'))
        .thenThrows('TASK.CLOSED');
      spec.given([...inProgress, cancelled]).when(mark('2018-11-01')).thenThrows('TASK.CANCELLED');
      spec.given([registered]).when(mark('2018-11-01')).thenThrows('TASK.NOT_ASSIGNED');
    });
  });

  describe('CancelTask', () => {
    const cancel: TaskCommand = {
      ...envelope(mayor, '2018-10-01'),
      type: 'CancelTask',
      reason: 'Merged into T3',
      signOffId: 'so-cancel-1',
    };

    it('a leader cancels a task, with a reason and the sign-off that approved it', () => {
      spec.given(inProgress).when(cancel).then([cancelled]);
      spec.given([registered]).when(cancel).then([cancelled]);
    });

    it('refuses anyone but a leader', () => {
      spec.given(inProgress).when({ ...cancel, actor: inspector }).thenThrows('TASK.CANCEL_REQUIRES_LEADER');
    });

    it('refuses a cancellation without a reason or a sign-off', () => {
      spec.given(inProgress).when({ ...cancel, reason: ' ' }).thenThrows('COMMON.REASON_REQUIRED');
      spec.given(inProgress).when({ ...cancel, signOffId: '' }).thenThrows('COMMON.ID_INVALID', { field: 'signOffId' });
    });

    it('refuses a task done, closed or cancelled already', () => {
      spec.given(done).when(cancel).thenThrows('TASK.ALREADY_VERIFIED');
      spec.given([...inProgress, cancelled]).when(cancel).thenThrows('TASK.CANCELLED');
      spec.given([]).when(cancel).thenThrows('TASK.NOT_FOUND');
    });
  });

  describe('CloseTask (办结销号)', () => {
    const close: TaskCommand = { ...envelope(inspector, '2018-11-05'), type: 'CloseTask', comment: 'Published in notice 11' };

    it('closes a verified task', () => {
      spec
        .given(done)
        .when(close)
        .then([{ type: 'TaskClosed', data: { ...recorded(inspector, '2018-11-05'), comment: 'Published in notice 11' } }]);
    });

    it('refuses a task whose completion is not verified', () => {
      spec.given(inProgress).when(close).thenThrows('TASK.NOT_VERIFIED');
      spec.given(awaitingVerification).when(close).thenThrows('TASK.NOT_VERIFIED');
    });

    it('refuses unit people, and a task closed twice', () => {
      spec.given(done).when({ ...close, actor: head }).thenThrows('TASK.VERIFIER_ROLE');
      spec
        .given([...done, { type: 'TaskClosed', data: { ...recorded(inspector, '2018-11-05'), comment: null } }])
        .when(close)
        .thenThrows('TASK.CLOSED');
    });
  });

  describe('TransferTask (after a reorganisation)', () => {
    const newHead = { unitId: 'zh-east', personId: 'p-zh-east-head', name: 'District Head F', postTitle: 'District Head' };
    const transfer: TaskCommand = {
      ...envelope(mayor, '2018-12-01'),
      type: 'TransferTask',
      toUnitId: 'zh-east',
      leadUnitHead: newHead,
      reason: 'Zhuhui District split; the eastern part keeps the land work',
    };

    it('moves the task to another lead unit; the record keeps the original unit and head', () => {
      const [event] = spec
        .given(inProgress)
        .when(transfer)
        .then([
          {
            type: 'TaskTransferred',
            data: {
              ...recorded(mayor, '2018-12-01'),
              fromUnitId: 'zh',
              toUnitId: 'zh-east',
              responsible: newHead,
              reason: 'Zhuhui District split; the eastern part keeps the land work',
            },
          },
        ]);
      const state = fold(taskDecider, [...inProgress, event]);
      expect(state.status !== 'none' && [state.assignment?.leadUnitId, state.previousLeads]).toEqual([
        'zh-east',
        [{ leadUnitId: 'zh', responsible, until: '2018-12-01' }],
      ]);
    });

    it('refuses the same unit, a co-unit, a unit with no head, and a missing reason', () => {
      const base = transfer as Extract<TaskCommand, { type: 'TransferTask' }>;
      spec.given(inProgress).when({ ...base, toUnitId: 'zh' }).thenThrows('TASK.TRANSFER_TO_SAME_UNIT');
      spec.given(inProgress).when({ ...base, toUnitId: 'land' }).thenThrows('TASK.LEAD_AMONG_CO_UNITS');
      spec.given(inProgress).when({ ...base, leadUnitHead: null }).thenThrows('TASK.RESPONSIBLE_PERSON_MISSING');
      spec.given(inProgress).when({ ...base, leadUnitHead: responsible }).thenThrows('TASK.RESPONSIBLE_NOT_LEAD_HEAD');
      spec.given(inProgress).when({ ...base, reason: '' }).thenThrows('COMMON.REASON_REQUIRED');
    });

    it('refuses a task done or not assigned', () => {
      spec.given(done).when(transfer).thenThrows('TASK.ALREADY_VERIFIED');
      spec.given([registered]).when(transfer).thenThrows('TASK.NOT_ASSIGNED');
    });
  });

  describe('every command', () => {
    it('refuses a malformed task id, actor or now', () => {
      const acknowledge: TaskCommand = { ...envelope(head, '2018-09-07'), type: 'AcknowledgeTask' };
      spec.given([registered, assigned]).when({ ...acknowledge, taskId: 'T4/zh' }).thenThrows('COMMON.ID_INVALID');
      spec.given([registered, assigned]).when({ ...acknowledge, now: '2018-09-07' }).thenThrows('COMMON.INSTANT_INVALID');
      spec
        .given([registered, assigned])
        .when({ ...acknowledge, actor: { id: ' p ', role: 'unit_head', unit: 'zh' } })
        .thenThrows('COMMON.ACTOR_INVALID');
    });
  });
});

describe('task state', () => {
  it('keeps the life cycle facts the reports and referrals read', () => {
    const state = fold(taskDecider, [...inProgress, reminded, extensionRequested, extensionDenied, completionReported, verified]);
    expect(state).toMatchObject({
      status: 'verified',
      deadline: '2018-10-31',
      acknowledgedOn: '2018-09-07',
      percent: 100,
      completion: { reportedBy: 'p-zh-staff', reportedOn: '2018-10-30' },
      verification: { verifiedBy: 'p-director-of-inspection', verifiedOn: '2018-10-31' },
      reminders: [{ on: '2018-10-10', by: 'p-director-of-inspection' }],
      extensionRequests: [
        {
          requestId: 'ext-1',
          requestedBy: 'p-zh-head',
          requestedOn: '2018-10-25',
          requestedDeadline: '2018-12-31',
          decision: 'denied',
        },
      ],
    });
  });
});
