import { AUTHORIZATION, CN_2019, READ_SCOPE, ROLES, type CommandType, type Role, type RuleSet } from '@ledger/domain';
import { Caller, expectStatus, LedgerTestApp, type HttpResponse } from './support/ledger-test-app';

/**
 * Every endpoint × every role × a target inside / outside the caller's scope, through HTTP, with the status the
 * AUTHORIZATION table (commands) or READ_SCOPE (queries) calls for: 2xx when the role is listed for the command and
 * the target is in its scope, else 403; never a 500.
 *
 * The callers all belong to Zhuhui District (`zh`): heads, staff, leaders and auditors to `zh` itself, the
 * inspector to its inspection office, the appraiser and the commissioner to its organisation office, so
 * `unit-subtree` and `jurisdiction` both mean "zh and below". The in-scope target is a ward of zh (`zh-w1`), the
 * out-of-scope one a ward of the neighbouring district (`zx-w1`). Fixtures are made by other accounts (`fx-*`,
 * at city level), so segregation of duties never refuses a caller; a command expected to succeed gets a fixture of
 * its own.
 */
type Target = 'in' | 'out';
const TARGET_UNIT: Record<Target, string> = { in: 'zh-w1', out: 'zx-w1' };
const SIBLING_UNIT: Record<Target, string> = { in: 'zh-w2', out: 'zx-w2' };
const CALLER_UNIT: Record<Role, string> = {
  administrator: 'zh',
  leader: 'zh',
  unit_head: 'zh',
  unit_staff: 'zh',
  inspector: 'zh-insp',
  appraiser: 'zh-org',
  discipline_commissioner: 'zh-org',
  auditor: 'zh',
};
const NOW = '2018-09-10T09:00:00+08:00';

interface Request {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
}

interface CommandCase {
  readonly command: CommandType;
  readonly route: string;
  readonly status: 200 | 201;
  /**
   * Builds what the request acts on, inside `unit`, and the request. Called afresh for each call expected to
   * succeed; a refused call (authorization comes before the decider) reuses the first refused request's fixture.
   */
  readonly prepare: (unit: string, target: Target, role: Role) => Promise<Request>;
}

interface QueryCase {
  readonly route: string;
  readonly prepare: (target: Target) => Promise<Request>;
  /** A list: always 200; `includes` says whether the target's fixture is in it. */
  readonly list?: (res: HttpResponse) => boolean;
}

let ledger: LedgerTestApp;
const callers = {} as Record<Role, Caller>;
const fx = {} as {
  leader: Caller;
  inspector: Caller;
  appraiser: Caller;
  commissioner: Caller;
  staff: Record<string, Caller>;
  head: Record<string, Caller>;
  /** An inspector of the target's district (zh-insp for `in`, zx-insp for `out`): inspections are issued there. */
  office: Record<Target, Caller>;
};
let counter = 0;
const id = (prefix: string) => `${prefix}-${++counter}`;

async function ok<T = any>(res: Promise<HttpResponse<T>>, status = 200): Promise<HttpResponse<T>> {
  const r = await res;
  expectStatus(r, status);
  return r;
}

// ── Fixtures ──────────────────────────────────────────────────────────────────────────────────────────────────

/** A unit under `parent` with a head and a deputy in post. */
async function freshUnit(parent: string): Promise<string> {
  const unitId = id('u');
  await ok(ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind: 'office', parentId: parent }), 201);
  await ok(ledger.admin.post(`/v1/units/${unitId}/head`, { personId: `${unitId}-head`, name: 'Head', postTitle: 'Head', from: '2018-01-01' }));
  await ok(ledger.admin.post(`/v1/units/${unitId}/deputies`, { personId: `${unitId}-deputy`, name: 'Deputy', postTitle: 'Deputy', portfolio: 'Land', from: '2018-01-01' }));
  return unitId;
}

async function directive(issuerUnitId: string, withTask?: { assign: boolean; deadline?: string; issuedOn?: string }): Promise<{ directiveId: string; taskId: string }> {
  const directiveId = id('d');
  const taskId = id('t');
  const issuedOn = withTask?.issuedOn ?? '2018-09-10';
  await ok(
    fx.leader.post('/v1/directives', {
      directiveId,
      issuerUnitId,
      documentNumber: `MATRIX-${directiveId}`,
      kind: 'notice',
      issuedOn,
      title: 'Matrix directive',
      body: 'For the authorization matrix',
      tasks: withTask
        ? [{ taskId, title: 'Matrix task', ...(withTask.assign ? { assignment: { leadUnitId: issuerUnitId, coUnitIds: [], work: 'Work', deadline: withTask.deadline ?? '2018-12-31', expectedResult: 'Result' } } : {}) }]
        : [],
    }),
    201,
  );
  return { directiveId, taskId };
}

type Stage = 'registered' | 'assigned' | 'acknowledged' | 'completion_reported' | 'extension_pending' | 'verified' | 'deadline_passed';

/** A task led by `unit` at `stage`; its last event is never by one of the callers under test. */
async function task(unit: string, stage: Stage): Promise<string> {
  if (stage === 'deadline_passed') {
    ledger.at('2018-09-01T09:00:00+08:00');
    const { taskId } = await directive(unit, { assign: true, deadline: '2018-09-05', issuedOn: '2018-09-01' });
    ledger.at(NOW);
    return taskId;
  }
  const { taskId } = await directive(unit, { assign: stage !== 'registered' });
  if (stage === 'registered' || stage === 'assigned') return taskId;
  const staff = fx.staff[unit];
  await ok(staff.post(`/v1/tasks/${taskId}/acknowledgement`));
  if (stage === 'acknowledged') return taskId;
  if (stage === 'extension_pending') {
    await ok(staff.post(`/v1/tasks/${taskId}/extension-requests`, { requestId: 'ext', newDeadline: '2019-03-31', reason: 'Survey delayed' }));
    return taskId;
  }
  await ok(staff.post(`/v1/tasks/${taskId}/completion-report`, { narrative: 'Done' }));
  if (stage === 'completion_reported') return taskId;
  await ok(fx.inspector.post(`/v1/tasks/${taskId}/verification`, {}));
  return taskId;
}


// ── Fixtures of issue 4: letters, objectives, inspections, appraisal cycles, cases ────────────────────────────

async function letter(lowerUnitId: string, upperUnitId = 'city', objectiveIds = [id('o')]): Promise<string> {
  const letterId = id('l');
  await ok(fx.leader.post('/v1/letters', { letterId, year: 2018, upperUnitId, lowerUnitId, title: 'Matrix letter', objectiveIds }), 201);
  return letterId;
}

/** The body defining a new objective of `unit`, committed by a letter of its own (an objective needs a source). */
async function objectiveDefinition(unit: string, deadline = '2018-12-31') {
  const objectiveId = id('o');
  const letterId = await letter(unit, 'city', [objectiveId]);
  return { objectiveId, letterId, unitId: unit, year: 2018, metric: 'Parcels rectified', unitOfMeasure: 'parcels', direction: 'higher_is_better', target: 50, weight: 1, deadline, tolerance: 0.05 };
}

/** An objective of `unit` whose deadline (2018-09-05) has passed, with an actual of `value` reported. */
async function objectivePastDeadline(unit: string, value: number): Promise<string> {
  ledger.at('2018-09-01T09:00:00+08:00');
  try {
    const body = await objectiveDefinition(unit, '2018-09-05');
    await ok(fx.leader.post('/v1/objectives', body), 201);
    ledger.at(NOW);
    await ok(fx.staff[unit].post(`/v1/objectives/${body.objectiveId}/actuals`, { period: '2018-09', asOf: '2018-09-05', value, source: 'Parcel register' }));
    return body.objectiveId;
  } finally {
    ledger.at(NOW);
  }
}

type ObjectiveStage = 'defined' | 'revision_proposed' | 'revision_signed' | 'extension_requested' | 'cause_claimed' | 'missed';


/** An objective of `unit` at `stage`; `missed` has passed its deadline below target and been evaluated. */
async function objective(unit: string, stage: ObjectiveStage = 'defined'): Promise<{ objectiveId: string; signOffId?: string }> {
  if (stage === 'missed') {
    const objectiveId = await objectivePastDeadline(unit, 10);
    await ok(fx.appraiser.post(`/v1/objectives/${objectiveId}/evaluation`, { basis: 'deadline' }));
    return { objectiveId };
  }
  const body = await objectiveDefinition(unit);
  await ok(fx.leader.post('/v1/objectives', body), 201);
  const { objectiveId } = body;
  const o = `/v1/objectives/${objectiveId}`;
  switch (stage) {
    case 'defined':
      return { objectiveId };
    case 'revision_proposed':
    case 'revision_signed': {
      await ok(fx.head[unit].post(`${o}/revisions`, { revisionId: 'rev', newTarget: 45, reason: 'Parcels transferred' }));
      if (stage === 'revision_proposed') return { objectiveId };
      const signOff = await ok(fx.leader.post('/v1/signoffs', { record: { streamId: `objective-${objectiveId}` }, decision: 'approve' }), 201);
      return { objectiveId, signOffId: signOff.body.id };
    }
    case 'extension_requested':
      await ok(fx.staff[unit].post(`${o}/extension-requests`, { requestId: 'ext', newDeadline: '2019-03-31', reason: 'Litigation' }));
      return { objectiveId };
    case 'cause_claimed':
      await ok(fx.staff[unit].post(`${o}/cause-claims`, { claimId: 'cl', kind: 'objective_cause', cause: 'Flood', description: 'Parcels under water' }));
      return { objectiveId };
  }
}

type InspectionStage = 'scheduled' | 'found' | 'rectification_ordered' | 'rectification_reported';

/** An inspection of `unit` by the target's inspection office, at `stage` (finding `f1`, rectification `r1`). */
async function inspection(unit: string, target: Target, stage: InspectionStage): Promise<string> {
  const inspectionId = id('insp');
  const office = fx.office[target];
  await ok(office.post('/v1/inspections', { inspectionId, kind: 'monthly', title: 'Matrix inspection', periodFrom: '2018-09-01', periodTo: '2018-09-30', unitIds: [unit] }), 201);
  if (stage === 'scheduled') return inspectionId;
  const i = `/v1/inspections/${inspectionId}`;
  await ok(office.post(`${i}/findings`, { findingId: 'f1', subject: { unitId: unit }, verdict: 'criticism', severity: 'high', text: 'Behind schedule' }));
  if (stage === 'found') return inspectionId;
  await ok(office.post(`${i}/rectifications`, { rectificationId: 'r1', unitId: unit, findingIds: ['f1'], requirement: 'Rectify', deadline: '2018-12-31' }));
  if (stage === 'rectification_ordered') return inspectionId;
  await ok(fx.staff[unit].post(`${i}/rectifications/r1/report`, { narrative: 'Rectified' }));
  return inspectionId;
}

type CycleStage = 'opened' | 'scored' | 'moderated' | 'signed' | 'published' | 'appealed';

/** An appraisal cycle of 2019 owned by (and appraising) `unit`, prepared by the city's appraiser, at `stage`. */
async function cycle(unit: string, stage: CycleStage, unitIds = [unit]): Promise<{ cycleId: string; signOffId?: string }> {
  const peerGroup = id('pg');
  const cycleId = `2019-${peerGroup}`;
  await ok(fx.appraiser.post('/v1/appraisals', { year: 2019, peerGroup, ownerUnitId: unit, ruleSetId: 'cn-2019', unitIds }), 201);
  if (stage === 'opened') return { cycleId };
  const c = `/v1/appraisals/${cycleId}`;
  await ok(fx.appraiser.post(`${c}/scoring`));
  if (stage === 'scored') return { cycleId };
  await ok(fx.appraiser.post(`${c}/moderation`, {}));
  if (stage === 'moderated') return { cycleId };
  const signOff = await ok(fx.leader.post('/v1/signoffs', { record: { streamId: `appraisal-${cycleId}` }, decision: 'approve' }), 201);
  if (stage === 'signed') return { cycleId, signOffId: signOff.body.id };
  await ok(fx.leader.post(`${c}/approval`, { signOffId: signOff.body.id }));
  await ok(fx.appraiser.post(`${c}/publication`));
  if (stage === 'published') return { cycleId };
  await ok(fx.head[unit].post(`${c}/appeals`, { appealId: 'ap', unitId: unit, reason: 'Figures not counted' }));
  return { cycleId };
}

type CaseStage = 'referred' | 'investigating' | 'statement_taken' | 'signed' | 'decided' | 'executed' | 'appealed';
const STATEMENT_HASH = '4b'.repeat(32);

/** A case referred for a missed objective of `unit`, run by the city's commission up to `stage`. */
async function accountabilityCase(unit: string, stage: CaseStage): Promise<{ caseId: string; signOffId?: string }> {
  const { objectiveId } = await objective(unit, 'missed');
  const referred = await ok(fx.commissioner.post('/v1/cases', { objectiveId }), 201);
  const caseId: string = referred.body.id;
  const c = `/v1/cases/${caseId}`;
  if (stage === 'referred') return { caseId };
  await ok(fx.commissioner.post(`${c}/investigation`, { note: 'Inquiry opened' }));
  if (stage === 'investigating') return { caseId };
  await ok(fx.commissioner.post(`${c}/statements`, { statementId: 'st', personId: `${unit}-head`, statementHash: STATEMENT_HASH, summary: 'Explains the delay' }));
  if (stage === 'statement_taken') return { caseId };
  // Signed off by someone other than who took the statement (the case's latest event).
  const signOff = await ok(fx.leader.post('/v1/signoffs', { record: { streamId: `case-${caseId}` }, decision: 'approve' }), 201);
  if (stage === 'signed') return { caseId, signOffId: signOff.body.id };
  await ok(fx.commissioner.post(`${c}/decision`, { decisions: [{ personId: null, form: 'self_examination', reason: 'Objective missed' }], signOffId: signOff.body.id }));
  if (stage === 'decided') return { caseId };
  if (stage === 'appealed') {
    await ok(fx.commissioner.post(`${c}/appeals`, { appealId: 'ap', personId: null, reason: 'The flood' }));
    return { caseId };
  }
  await ok(fx.commissioner.post(`${c}/execution`, { note: 'Decision served' }));
  return { caseId };
}

// ── The endpoints ─────────────────────────────────────────────────────────────────────────────────────────────

const COMMANDS: CommandCase[] = [
  { command: 'RegisterUnit', route: 'POST /v1/units', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/units', body: { unitId: id('u'), names: { en: 'New office' }, kind: 'office', parentId: unit } }) },
  { command: 'RenameUnit', route: 'POST /v1/units/:id/rename', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/units/${await freshUnit(unit)}/rename`, body: { names: { en: 'Renamed' } } }) },
  {
    command: 'MoveUnit',
    route: 'POST /v1/units/:id/move',
    status: 200,
    prepare: async (unit) => {
      const [moved, parent] = [await freshUnit(unit), await freshUnit(unit)];
      return { method: 'POST', path: `/v1/units/${moved}/move`, body: { parentId: parent } };
    },
  },
  { command: 'AppointHead', route: 'POST /v1/units/:id/head', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/units/${await freshUnit(unit)}/head`, body: { personId: id('p'), name: 'New head', postTitle: 'Head', from: '2018-09-10', replace: true } }) },
  {
    command: 'RecordHeadLeaving',
    route: 'POST /v1/units/:id/head/leaving',
    status: 200,
    prepare: async (unit) => {
      const u = await freshUnit(unit);
      return { method: 'POST', path: `/v1/units/${u}/head/leaving`, body: { personId: `${u}-head`, to: '2018-09-10' } };
    },
  },
  { command: 'AppointDeputy', route: 'POST /v1/units/:id/deputies', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/units/${await freshUnit(unit)}/deputies`, body: { personId: id('p'), name: 'Deputy 2', postTitle: 'Deputy', portfolio: 'Planning', from: '2018-09-10' } }) },
  {
    command: 'RecordDeputyLeaving',
    route: 'POST /v1/units/:id/deputies/:personId/leaving',
    status: 200,
    prepare: async (unit) => {
      const u = await freshUnit(unit);
      return { method: 'POST', path: `/v1/units/${u}/deputies/${u}-deputy/leaving`, body: { to: '2018-09-10' } };
    },
  },
  { command: 'RegisterCadre', route: 'POST /v1/units/:id/cadres', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/units/${await freshUnit(unit)}/cadres`, body: { personId: id('p'), name: 'Cadre', postTitle: 'Clerk', from: '2018-01-01' } }) },
  {
    command: 'MergeUnit',
    route: 'POST /v1/units/:id/merge',
    status: 200,
    prepare: async (unit) => {
      const [merged, successor] = [await freshUnit(unit), await freshUnit(unit)];
      return { method: 'POST', path: `/v1/units/${merged}/merge`, body: { successorId: successor, mergedWith: [], on: '2018-09-10', reason: 'Rearrangement' } };
    },
  },
  {
    command: 'SplitUnit',
    route: 'POST /v1/units/:id/split',
    status: 200,
    prepare: async (unit) => {
      const [split, a, b] = [await freshUnit(unit), await freshUnit(unit), await freshUnit(unit)];
      return { method: 'POST', path: `/v1/units/${split}/split`, body: { successorIds: [a, b], on: '2018-09-10', reason: 'Rearrangement' } };
    },
  },
  {
    command: 'SupersedeUnit',
    route: 'POST /v1/units/:id/supersede',
    status: 200,
    prepare: async (unit) => {
      const [old, successor] = [await freshUnit(unit), await freshUnit(unit)];
      return { method: 'POST', path: `/v1/units/${old}/supersede`, body: { successorId: successor, on: '2018-09-10', reason: 'Reorganised' } };
    },
  },
  {
    command: 'TransferResponsibilities',
    route: 'POST /v1/units/:id/responsibility-transfers',
    status: 200,
    prepare: async (unit) => {
      const [old, successor] = [await freshUnit(unit), await freshUnit(unit)];
      await ok(ledger.admin.post(`/v1/units/${old}/supersede`, { successorId: successor, on: '2018-09-10', reason: 'Reorganised' }));
      return { method: 'POST', path: `/v1/units/${old}/responsibility-transfers`, body: { successorId: successor, items: [{ kind: 'objective', id: 'o-2018' }], reason: 'Objectives pass on' } };
    },
  },
  {
    command: 'IssueDirective',
    route: 'POST /v1/directives',
    status: 201,
    prepare: async (unit) => ({ method: 'POST', path: '/v1/directives', body: { issuerUnitId: unit, issuer: { name: 'Leader', postTitle: 'Chair' }, documentNumber: id('MX'), kind: 'notice', issuedOn: '2018-09-10', title: 'T', body: 'B', tasks: [] } }),
  },
  { command: 'AmendDirective', route: 'POST /v1/directives/:id/amendments', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/directives/${(await directive(unit)).directiveId}/amendments`, body: { changes: { title: 'Amended' }, reason: 'Typo' } }) },
  { command: 'WithdrawDirective', route: 'POST /v1/directives/:id/withdrawal', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/directives/${(await directive(unit)).directiveId}/withdrawal`, body: { reason: 'Superseded' } }) },
  { command: 'RegisterTask', route: 'POST /v1/tasks', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/tasks', body: { directiveId: (await directive(unit)).directiveId, title: 'Registered later' } }) },
  { command: 'AssignTask', route: 'POST /v1/tasks/:id/assignment', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'registered')}/assignment`, body: { leadUnitId: unit, work: 'Work', deadline: '2018-12-31', expectedResult: 'Result' } }) },
  { command: 'AcknowledgeTask', route: 'POST /v1/tasks/:id/acknowledgement', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'assigned')}/acknowledgement`, body: {} }) },
  { command: 'ReportProgress', route: 'POST /v1/tasks/:id/progress-reports', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'acknowledged')}/progress-reports`, body: { percent: 50, narrative: 'Half' } }) },
  { command: 'ReportCompletion', route: 'POST /v1/tasks/:id/completion-report', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'acknowledged')}/completion-report`, body: { narrative: 'Done' } }) },
  { command: 'VerifyCompletion', route: 'POST /v1/tasks/:id/verification', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'completion_reported')}/verification`, body: {} }) },
  { command: 'ReturnTaskForRedo', route: 'POST /v1/tasks/:id/return-for-redo', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'completion_reported')}/return-for-redo`, body: { reason: 'Incomplete' } }) },
  { command: 'IssueReminder', route: 'POST /v1/tasks/:id/reminders', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'acknowledged')}/reminders`, body: { message: 'Hurry', channel: 'phone' } }) },
  { command: 'RequestExtension', route: 'POST /v1/tasks/:id/extension-requests', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'acknowledged')}/extension-requests`, body: { newDeadline: '2019-03-31', reason: 'Delay' } }) },
  { command: 'GrantExtension', route: 'POST /v1/tasks/:id/extension-requests/:requestId/grant', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'extension_pending')}/extension-requests/ext/grant`, body: {} }) },
  { command: 'DenyExtension', route: 'POST /v1/tasks/:id/extension-requests/:requestId/deny', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'extension_pending')}/extension-requests/ext/deny`, body: { reason: 'No' } }) },
  { command: 'MarkDeadlinePassed', route: 'POST /v1/tasks/:id/deadline-passed', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'deadline_passed')}/deadline-passed` }) },
  {
    command: 'CancelTask',
    route: 'POST /v1/tasks/:id/cancellation',
    status: 200,
    prepare: async (unit) => {
      const taskId = await task(unit, 'acknowledged');
      const signOff = await ok(fx.leader.post('/v1/signoffs', { record: { streamId: `task-${taskId}` }, decision: 'approve', comment: 'Cancel it' }), 201);
      return { method: 'POST', path: `/v1/tasks/${taskId}/cancellation`, body: { reason: 'No longer needed', signOffId: signOff.body.id } };
    },
  },
  { command: 'CloseTask', route: 'POST /v1/tasks/:id/closure', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'verified')}/closure`, body: {} }) },
  { command: 'TransferTask', route: 'POST /v1/tasks/:id/transfer', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/tasks/${await task(unit, 'acknowledged')}/transfer`, body: { toUnitId: SIBLING_UNIT[target], reason: 'Reorganised' } }) },
  { command: 'RecordSignOff', route: 'POST /v1/signoffs', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/signoffs', body: { record: { streamId: `task-${await task(unit, 'acknowledged')}` }, decision: 'approve' } }) },

  // Responsibility letters
  { command: 'DraftResponsibilityLetter', route: 'POST /v1/letters', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/letters', body: { letterId: id('l'), year: 2018, upperUnitId: 'zh', lowerUnitId: unit, title: 'Letter', objectiveIds: [id('o')] } }) },
  { command: 'AmendResponsibilityLetter', route: 'POST /v1/letters/:id/amendments', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/letters/${await letter(unit)}/amendments`, body: { title: 'Amended', objectiveIds: [id('o')], reason: 'Objective added' } }) },
  {
    command: 'SignResponsibilityLetter',
    route: 'POST /v1/letters/:id/signatures',
    status: 200,
    // Each party signs in person: a leader for the upper unit (zh over its ward), the head for their own unit.
    prepare: async (unit, target, role) =>
      role === 'unit_head' && target === 'in'
        ? { method: 'POST', path: `/v1/letters/${await letter(CALLER_UNIT.unit_head)}/signatures`, body: { party: 'lower' } }
        : { method: 'POST', path: `/v1/letters/${await letter(unit, 'zh')}/signatures`, body: { party: 'upper' } },
  },
  { command: 'WithdrawResponsibilityLetter', route: 'POST /v1/letters/:id/withdrawal', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/letters/${await letter(unit)}/withdrawal`, body: { reason: 'Superseded' } }) },

  // Objectives
  {
    command: 'DefineObjective',
    route: 'POST /v1/objectives',
    status: 201,
    prepare: async (unit) => ({ method: 'POST', path: '/v1/objectives', body: await objectiveDefinition(unit) }),
  },
  { command: 'ReportObjectiveActual', route: 'POST /v1/objectives/:id/actuals', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit)).objectiveId}/actuals`, body: { period: '2018-09', asOf: '2018-09-10', value: 20, source: 'Parcel register' } }) },
  { command: 'ProposeObjectiveRevision', route: 'POST /v1/objectives/:id/revisions', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit)).objectiveId}/revisions`, body: { revisionId: 'rev', newTarget: 45, reason: 'Parcels transferred' } }) },
  {
    command: 'ApproveObjectiveRevision',
    route: 'POST /v1/objectives/:id/revisions/:revisionId/approve',
    status: 200,
    prepare: async (unit) => {
      const { objectiveId, signOffId } = await objective(unit, 'revision_signed');
      return { method: 'POST', path: `/v1/objectives/${objectiveId}/revisions/rev/approve`, body: { signOffId } };
    },
  },
  { command: 'RejectObjectiveRevision', route: 'POST /v1/objectives/:id/revisions/:revisionId/reject', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit, 'revision_proposed')).objectiveId}/revisions/rev/reject`, body: { reason: 'Not justified' } }) },
  { command: 'RequestObjectiveExtension', route: 'POST /v1/objectives/:id/extension-requests', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit)).objectiveId}/extension-requests`, body: { requestId: 'ext', newDeadline: '2019-03-31', reason: 'Litigation' } }) },
  { command: 'GrantObjectiveExtension', route: 'POST /v1/objectives/:id/extension-requests/:requestId/grant', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit, 'extension_requested')).objectiveId}/extension-requests/ext/grant`, body: {} }) },
  { command: 'DenyObjectiveExtension', route: 'POST /v1/objectives/:id/extension-requests/:requestId/deny', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit, 'extension_requested')).objectiveId}/extension-requests/ext/deny`, body: { reason: 'No' } }) },
  { command: 'ClaimObjectiveCause', route: 'POST /v1/objectives/:id/cause-claims', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit)).objectiveId}/cause-claims`, body: { claimId: 'cl', kind: 'objective_cause', cause: 'Flood', description: 'Parcels under water' } }) },
  { command: 'ConfirmObjectiveCause', route: 'POST /v1/objectives/:id/cause-claims/:claimId/confirm', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit, 'cause_claimed')).objectiveId}/cause-claims/cl/confirm`, body: {} }) },
  { command: 'RejectObjectiveCause', route: 'POST /v1/objectives/:id/cause-claims/:claimId/reject', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${(await objective(unit, 'cause_claimed')).objectiveId}/cause-claims/cl/reject`, body: { reason: 'Not shown' } }) },
  {
    command: 'EvaluateObjective',
    route: 'POST /v1/objectives/:id/evaluation',
    status: 200,
    prepare: async (unit) => ({ method: 'POST', path: `/v1/objectives/${await objectivePastDeadline(unit, 52)}/evaluation`, body: { basis: 'deadline' } }),
  },

  // Inspections and interviews
  { command: 'ScheduleInspection', route: 'POST /v1/inspections', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/inspections', body: { inspectionId: id('insp'), kind: 'surprise', title: 'Surprise inspection', periodFrom: '2018-09-01', periodTo: '2018-09-30', unitIds: [unit] } }) },
  { command: 'RecordFinding', route: 'POST /v1/inspections/:id/findings', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'scheduled')}/findings`, body: { findingId: 'f9', subject: { unitId: unit }, verdict: 'praise', text: 'Ahead of schedule' } }) },
  {
    command: 'PublishInspectionNotice',
    route: 'POST /v1/inspections/:id/notices',
    status: 200,
    prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'found')}/notices`, body: { noticeId: 'n1', documentNumber: `MATRIX-${id('n')}`, kind: 'general', title: 'Notice', findingIds: ['f1'], addressees: [unit] } }),
  },
  { command: 'OrderRectification', route: 'POST /v1/inspections/:id/rectifications', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'found')}/rectifications`, body: { rectificationId: 'r1', unitId: unit, findingIds: ['f1'], requirement: 'Rectify', deadline: '2018-12-31' } }) },
  { command: 'ReportRectification', route: 'POST /v1/inspections/:id/rectifications/:rectificationId/report', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'rectification_ordered')}/rectifications/r1/report`, body: { narrative: 'Rectified' } }) },
  { command: 'VerifyRectification', route: 'POST /v1/inspections/:id/rectifications/:rectificationId/verify', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'rectification_reported')}/rectifications/r1/verify`, body: {} }) },
  { command: 'ReturnRectification', route: 'POST /v1/inspections/:id/rectifications/:rectificationId/return', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'rectification_reported')}/rectifications/r1/return`, body: { reason: 'Incomplete' } }) },
  { command: 'CloseInspection', route: 'POST /v1/inspections/:id/closure', status: 200, prepare: async (unit, target) => ({ method: 'POST', path: `/v1/inspections/${await inspection(unit, target, 'scheduled')}/closure`, body: {} }) },
  {
    command: 'RecordInterview',
    route: 'POST /v1/interviews',
    status: 201,
    prepare: async (unit) => ({
      method: 'POST',
      path: '/v1/interviews',
      body: { interviewId: id('iv'), subjectUnitId: unit, heldOn: '2018-09-10', subject: 'Behind schedule', attendees: [{ personId: `${unit}-head`, name: 'Head', postTitle: 'Head', unitId: unit }], minutesHash: '2f'.repeat(32) },
    }),
  },

  // Appraisal cycles
  { command: 'OpenAppraisalCycle', route: 'POST /v1/appraisals', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/appraisals', body: { year: 2019, peerGroup: id('pg'), ownerUnitId: unit, ruleSetId: 'cn-2019', unitIds: [unit] } }) },
  { command: 'ScoreAppraisal', route: 'POST /v1/appraisals/:id/scoring', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/appraisals/${(await cycle(unit, 'opened')).cycleId}/scoring` }) },
  { command: 'ModerateAppraisal', route: 'POST /v1/appraisals/:id/moderation', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/appraisals/${(await cycle(unit, 'scored')).cycleId}/moderation`, body: {} }) },
  {
    command: 'ApproveAppraisal',
    route: 'POST /v1/appraisals/:id/approval',
    status: 200,
    prepare: async (unit) => {
      const { cycleId, signOffId } = await cycle(unit, 'signed');
      return { method: 'POST', path: `/v1/appraisals/${cycleId}/approval`, body: { signOffId } };
    },
  },
  {
    command: 'PublishAppraisal',
    route: 'POST /v1/appraisals/:id/publication',
    status: 200,
    prepare: async (unit) => {
      const { cycleId, signOffId } = await cycle(unit, 'signed');
      await ok(fx.leader.post(`/v1/appraisals/${cycleId}/approval`, { signOffId }));
      return { method: 'POST', path: `/v1/appraisals/${cycleId}/publication` };
    },
  },
  {
    command: 'AppealAppraisal',
    route: 'POST /v1/appraisals/:id/appeals',
    status: 200,
    // A unit's grade is appealed from the unit itself: the in-scope head appeals for zh, appraised in the ward's cycle.
    prepare: async (unit, target, role) => {
      const appellantUnit = role === 'unit_head' && target === 'in' ? CALLER_UNIT.unit_head : unit;
      const { cycleId } = await cycle(unit, 'published', [...new Set([unit, appellantUnit])]);
      return { method: 'POST', path: `/v1/appraisals/${cycleId}/appeals`, body: { appealId: 'ap', unitId: appellantUnit, reason: 'Figures not counted' } };
    },
  },
  { command: 'DecideAppraisalAppeal', route: 'POST /v1/appraisals/:id/appeals/:appealId/decision', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/appraisals/${(await cycle(unit, 'appealed')).cycleId}/appeals/ap/decision`, body: { decision: 'rejected', reason: 'Counted as reported' } }) },
  { command: 'FinalizeAppraisal', route: 'POST /v1/appraisals/:id/finalization', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/appraisals/${(await cycle(unit, 'published')).cycleId}/finalization` }) },

  // Rule sets (data): the role alone decides, a rule set belongs to no unit
  { command: 'PublishRuleSet', route: 'POST /v1/rule-sets', status: 201, prepare: async () => ({ method: 'POST', path: '/v1/rule-sets', body: ruleSet() }) },
  {
    command: 'WithdrawRuleSet',
    route: 'POST /v1/rule-sets/:id/withdrawal',
    status: 200,
    prepare: async () => {
      const body = ruleSet();
      await ok(fx.appraiser.post('/v1/rule-sets', body), 201);
      return { method: 'POST', path: `/v1/rule-sets/${body.id}/withdrawal`, body: { reason: 'Superseded' } };
    },
  },

  // Accountability cases
  { command: 'ReferCase', route: 'POST /v1/cases', status: 201, prepare: async (unit) => ({ method: 'POST', path: '/v1/cases', body: { objectiveId: (await objective(unit, 'missed')).objectiveId } }) },
  { command: 'StartCaseInvestigation', route: 'POST /v1/cases/:id/investigation', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'referred')).caseId}/investigation`, body: { note: 'Opened' } }) },
  { command: 'TakeCaseStatement', route: 'POST /v1/cases/:id/statements', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'investigating')).caseId}/statements`, body: { statementId: 'st2', personId: `${unit}-head`, statementHash: STATEMENT_HASH, summary: 'Statement' } }) },
  {
    command: 'DecideCase',
    route: 'POST /v1/cases/:id/decision',
    status: 200,
    prepare: async (unit) => {
      const { caseId, signOffId } = await accountabilityCase(unit, 'signed');
      return { method: 'POST', path: `/v1/cases/${caseId}/decision`, body: { decisions: [{ personId: null, form: 'self_examination', reason: 'Objective missed' }], signOffId } };
    },
  },
  { command: 'ExecuteCaseDecision', route: 'POST /v1/cases/:id/execution', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'decided')).caseId}/execution`, body: { note: 'Served' } }) },
  { command: 'CloseCase', route: 'POST /v1/cases/:id/closure', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'executed')).caseId}/closure`, body: {} }) },
  { command: 'DismissCase', route: 'POST /v1/cases/:id/dismissal', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'referred')).caseId}/dismissal`, body: { reason: 'No responsibility' } }) },
  { command: 'ExemptCase', route: 'POST /v1/cases/:id/exemption', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'referred')).caseId}/exemption`, body: { basis: 'error_tolerance', reason: 'Tolerated error', refs: [`${unit}-head`] } }) },
  { command: 'AppealCaseDecision', route: 'POST /v1/cases/:id/appeals', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'decided')).caseId}/appeals`, body: { appealId: 'ap2', personId: null, reason: 'The flood' } }) },
  { command: 'DecideCaseAppeal', route: 'POST /v1/cases/:id/appeals/:appealId/decision', status: 200, prepare: async (unit) => ({ method: 'POST', path: `/v1/cases/${(await accountabilityCase(unit, 'appealed')).caseId}/appeals/ap/decision`, body: { decision: 'rejected', reason: 'Decision stands' } }) },
];

/** A fresh, valid rule set (cn-2019's rules under a new id). */
function ruleSet(): RuleSet {
  return { ...CN_2019, id: `cn-m${++counter}-2019` };
}

/** One fixture per target for the reads: a task with a sign-off, and a directive, in the target unit. */
const readFixture = {} as Record<Target, { taskId: string; directiveId: string; signOffId: string }>;

const QUERIES: QueryCase[] = [
  { route: 'GET /v1/units', prepare: async () => ({ method: 'GET', path: '/v1/units' }), list: (res) => res.body.items.some((u: { unitId: string }) => Object.values(TARGET_UNIT).includes(u.unitId)) },
  { route: 'GET /v1/units/:id', prepare: async (t) => ({ method: 'GET', path: `/v1/units/${TARGET_UNIT[t]}` }) },
  { route: 'GET /v1/units/:id/head', prepare: async (t) => ({ method: 'GET', path: `/v1/units/${TARGET_UNIT[t]}/head?on=2018-09-10` }) },
  { route: 'GET /v1/units/:id/notices', prepare: async (t) => ({ method: 'GET', path: `/v1/units/${TARGET_UNIT[t]}/notices` }) },
  { route: 'GET /v1/directives', prepare: async (t) => ({ method: 'GET', path: `/v1/directives?issuerUnitId=${TARGET_UNIT[t]}` }), list: (res) => res.body.total > 0 },
  { route: 'GET /v1/directives/:id', prepare: async (t) => ({ method: 'GET', path: `/v1/directives/${readFixture[t].directiveId}` }) },
  { route: 'GET /v1/tasks', prepare: async (t) => ({ method: 'GET', path: `/v1/tasks?unitId=${TARGET_UNIT[t]}` }), list: (res) => res.body.total > 0 },
  { route: 'GET /v1/tasks/:id', prepare: async (t) => ({ method: 'GET', path: `/v1/tasks/${readFixture[t].taskId}` }) },
  { route: 'GET /v1/tasks/:id/timeline', prepare: async (t) => ({ method: 'GET', path: `/v1/tasks/${readFixture[t].taskId}/timeline` }) },
  { route: 'GET /v1/signoffs', prepare: async (t) => ({ method: 'GET', path: `/v1/signoffs?streamId=task-${readFixture[t].taskId}` }), list: (res) => res.body.total > 0 },
  { route: 'GET /v1/signoffs/:id', prepare: async (t) => ({ method: 'GET', path: `/v1/signoffs/${readFixture[t].signOffId}` }) },
];

/** What the tables say, for the callers placed as above (both scoped rules reach exactly zh and below). */
function commandAllowed(command: CommandType, role: Role, target: Target): boolean {
  const scope = AUTHORIZATION[command].allow[role];
  return scope !== undefined && (scope === 'anywhere' || target === 'in');
}
function readAllowed(role: Role, target: Target): boolean {
  return READ_SCOPE[role] === 'anywhere' || target === 'in';
}

beforeAll(async () => {
  ledger = await LedgerTestApp.start('sqlite', { now: NOW });
  const units: Array<[string, string | null, string]> = [
    ['city', null, 'city'],
    ['city-insp', 'city', 'office'],
    ['zh', 'city', 'district'],
    ['zh-insp', 'zh', 'office'],
    ['zh-org', 'zh', 'office'],
    ['zh-w1', 'zh', 'ward'],
    ['zh-w2', 'zh', 'ward'],
    ['zx', 'city', 'district'],
    ['zx-w1', 'zx', 'ward'],
    ['zx-w2', 'zx', 'ward'],
    ['zx-insp', 'zx', 'office'],
  ];
  for (const [unitId, parentId, kind] of units) {
    await ok(ledger.admin.post('/v1/units', { unitId, names: { en: unitId }, kind, parentId }), 201);
    await ok(ledger.admin.post(`/v1/units/${unitId}/head`, { personId: `${unitId}-head`, name: `Head of ${unitId}`, postTitle: 'Head', from: '2018-01-01' }));
  }
  for (const role of ROLES) callers[role] = await ledger.user(`m-${role.replace(/_/g, '-')}`, role, CALLER_UNIT[role]);
  fx.leader = await ledger.user('fx-leader', 'leader', 'city');
  fx.inspector = await ledger.user('fx-inspector', 'inspector', 'city-insp');
  fx.appraiser = await ledger.user('fx-appraiser', 'appraiser', 'city');
  fx.commissioner = await ledger.user('fx-commissioner', 'discipline_commissioner', 'city');
  fx.office = { in: await ledger.user('fx-inspector-zh', 'inspector', 'zh-insp'), out: await ledger.user('fx-inspector-zx', 'inspector', 'zx-insp') };
  fx.staff = {};
  fx.head = {};
  for (const unit of ['zh-w1', 'zx-w1']) {
    fx.staff[unit] = await ledger.user(`fx-staff-${unit}`, 'unit_staff', unit);
    fx.head[unit] = await ledger.user(`fx-head-${unit}`, 'unit_head', unit);
  }
  for (const target of ['in', 'out'] as const) {
    const unit = TARGET_UNIT[target];
    const taskId = await task(unit, 'acknowledged');
    const signOff = await ok(fx.leader.post('/v1/signoffs', { record: { streamId: `task-${taskId}` }, decision: 'approve' }), 201);
    readFixture[target] = { taskId, directiveId: (await ledger.admin.get(`/v1/tasks/${taskId}`)).body.directiveId, signOffId: signOff.body.id };
  }
});

afterAll(async () => {
  await ledger?.close();
});

describe('authorization matrix: every endpoint × every role × in / out of scope', () => {
  it('covers every command in the AUTHORIZATION table that has an endpoint', () => {
    const covered = new Set(COMMANDS.map((c) => c.command));
    // ReserveDocumentNumber has no endpoint of its own: issuing a directive reserves the number (checked there).
    const expected = (Object.keys(AUTHORIZATION) as CommandType[]).filter((c) => c !== 'ReserveDocumentNumber');
    expect([...covered].sort()).toEqual([...expected].sort());
  });

  describe.each(COMMANDS)('$route ($command)', ({ command, status, prepare }) => {
    // A command refused before the decider needs no fixture of its own: the refusals share one per target.
    const refused = new Map<Target, Promise<Request>>();
    it.each([...ROLES])('as %s', async (role) => {
      const outcomes: string[] = [];
      for (const target of ['in', 'out'] as const) {
        const allowed = commandAllowed(command, role, target);
        if (!allowed && !refused.has(target)) refused.set(target, prepare(TARGET_UNIT[target], target, role));
        const request = allowed ? await prepare(TARGET_UNIT[target], target, role) : await refused.get(target)!;
        const res = await callers[role].request(request.method, request.path, { body: request.body });
        const expected = allowed ? status : 403;
        outcomes.push(`${target}: ${res.status}${res.status === expected ? '' : ` (expected ${expected}: ${res.text})`}`);
        if (!allowed && res.status === 403) expect(['AUTH.ROLE_NOT_ALLOWED', 'AUTH.OUT_OF_SCOPE']).toContain(res.body.code);
      }
      expect(outcomes).toEqual([`in: ${commandAllowed(command, role, 'in') ? status : 403}`, `out: ${commandAllowed(command, role, 'out') ? status : 403}`]);
    });
  });

  describe.each(QUERIES)('$route', ({ prepare, list }) => {
    it.each([...ROLES])('as %s', async (role) => {
      for (const target of ['in', 'out'] as const) {
        const request = await prepare(target);
        const res = await callers[role].request(request.method, request.path);
        const readable = readAllowed(role, target);
        if (list) {
          expect([target, res.status]).toEqual([target, 200]);
          if (request.path !== '/v1/units') expect([target, list(res)]).toEqual([target, readable]);
        } else {
          expect([target, res.status, res.status === 403 ? res.body.code : undefined]).toEqual([target, readable ? 200 : 403, readable ? undefined : 'AUTH.OUT_OF_SCOPE']);
        }
      }
    });
  });

  it('lets every role read the rule sets (they belong to no unit): GET /v1/rule-sets and GET /v1/rule-sets/:id', async () => {
    for (const role of ROLES) {
      const list = await callers[role].get('/v1/rule-sets');
      expect([role, list.status, list.body.items.some((entry: { ruleSetId: string }) => entry.ruleSetId === 'cn-2019')]).toEqual([role, 200, true]);
      expect([role, (await callers[role].get('/v1/rule-sets/cn-2019')).status]).toEqual([role, 200]);
    }
    const anonymous = ledger.anonymous();
    expect([(await anonymous.get('/v1/rule-sets')).status, (await anonymous.get('/v1/rule-sets/cn-2019')).status]).toEqual([401, 401]);
  });

  it('lists in GET /v1/units exactly the units each role may read', async () => {
    for (const role of ROLES) {
      const res = await callers[role].get('/v1/units');
      const ids = res.body.items.map((u: { unitId: string }) => u.unitId);
      expect([role, ids.includes('zh-w1'), ids.includes('zx-w1')]).toEqual([role, true, readAllowed(role, 'out')]);
    }
  });

  it('answers 401, not 403 or 500, to every endpoint without a token', async () => {
    const anonymous = ledger.anonymous();
    for (const c of COMMANDS) {
      const [method, route] = c.route.split(' ');
      const res = await anonymous.request(method, route.replace(/:(\w+)/g, 'x'), { body: {} });
      expect([c.route, res.status]).toEqual([c.route, 401]);
    }
    for (const q of QUERIES) {
      const [, route] = q.route.split(' ');
      expect([q.route, (await anonymous.get(route.replace(/:(\w+)/g, 'x'))).status]).toEqual([q.route, 401]);
    }
  });
});
