import { createHash } from 'node:crypto';

/**
 * The Hengyang 2018 year (shared/scenarios/hengyang-2018.md) as the offices would record it through the API, one
 * act after another with the clock moved to each day first. Test-independent: the e2e spec and `ledger demo`
 * drive it through their own `ScenarioDriver` (HTTP on an in-process app, with a controllable clock).
 */
export type Role = 'administrator' | 'leader' | 'inspector' | 'appraiser' | 'discipline_commissioner' | 'unit_head' | 'unit_staff' | 'auditor';

export interface ScenarioResponse {
  readonly status: number;
  readonly body: any;
  readonly text: string;
}

export interface ScenarioDriver {
  /** Moves the ledger's clock (ISO instant with offset). */
  at(instant: string): void | Promise<void>;
  /** Registers a user (idempotent per id) and returns their handle. */
  user(id: string, role: Role, unitId: string, name: string): Promise<string>;
  /** As `who` (a handle from `user`, or 'admin'). */
  post(who: string, path: string, body?: unknown): Promise<ScenarioResponse>;
  /** One tick of the deadline watcher and the referral process manager. */
  tick(): Promise<void>;
}

export const DOCNO = 'DEMO-衡督〔2018〕1号';
/** The 2018 appraisal of the five districts and counties (`appraiseHengyang2018`). */
export const APPRAISAL_PEER_GROUP = 'districts';
export const APPRAISAL_CYCLE = `2018-${APPRAISAL_PEER_GROUP}`;
export const UNITS = ['zx', 'sg', 'zh', 'hn', 'hd'] as const;
export type Unit = (typeof UNITS)[number];
export const HEADS: Record<Unit, { name: string; postTitle: string }> = {
  zx: { name: 'District Head A', postTitle: 'District Head' },
  sg: { name: 'District Head B', postTitle: 'District Head' },
  zh: { name: 'District Head C', postTitle: 'District Head' },
  hn: { name: 'County Head D', postTitle: 'County Head' },
  hd: { name: 'County Head E', postTitle: 'County Head' },
};
export const T4: Record<Unit, { target: number; actual: number }> = {
  zx: { target: 40, actual: 41 },
  sg: { target: 30, actual: 29 },
  zh: { target: 50, actual: 41 },
  hn: { target: 60, actual: 48 },
  hd: { target: 35, actual: 20 },
};
const TASKS = [
  { key: 't1', title: 'T1 cultivated-land compensation balance (耕地占补平衡)', deadline: '2018-12-31' },
  { key: 't2', title: 'T2 urban–rural construction-land increase/decrease linking (城乡建设用地增减挂钩)', deadline: '2018-12-31' },
  { key: 't3', title: 'T3 land expropriation and housing demolition (征地拆迁)', deadline: '2018-12-31' },
  { key: 't4', title: 'T4 rectification of state-owned land supervision (国有土地监管整改)', deadline: '2018-10-31' },
];
export const objectiveId = (unit: Unit) => `o-2018-${unit}-t4`;
export const letterId = (unit: Unit) => `l-2018-${unit}`;
export const MINUTES_HASH = createHash('sha256').update('Minutes of the 约谈 of Zhuhui District, 2018-10-20').digest('hex');
const EVIDENCE = (text: string) => createHash('sha256').update(text).digest('hex');
const hengyang = (date: string, time = '09:00:00') => `${date}T${time}+08:00`;
const ALL = [...UNITS, 'land'];

/** Fails with the response when the ledger refuses an act the scenario expects to succeed. */
async function ok(response: Promise<ScenarioResponse>, what: string): Promise<ScenarioResponse> {
  const res = await response;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/** The people of the scenario, by handle. */
export type Cast = Record<'mayor' | 'inspector' | 'personnel' | 'commission', string> & { head: Record<Unit, string>; staff: Record<Unit, string> };

export async function loadHengyang2018(d: ScenarioDriver, log: (line: string) => void = () => undefined): Promise<Cast> {
  const step = async (instant: string, what: string) => {
    await d.at(instant);
    log(`${instant.slice(0, 10)}  ${what}`);
  };
  await step(hengyang('2018-01-02'), 'units and heads');
  // Names in every working language (en / vi / zh), so each language of the dashboard shows them in its own.
  const units: Array<[string, string, string, string, string | null, string]> = [
    ['city', 'Hengyang Municipal Government', 'Ủy ban nhân dân thành phố Hành Dương', '衡阳市人民政府', null, 'city'],
    ['insp', 'Municipal Inspection and Supervision Office', 'Phòng Thanh tra, giám sát thành phố', '市政府督查室', 'city', 'office'],
    ['disc', 'Municipal Discipline Inspection and Supervision Commission', 'Ủy ban Kiểm tra kỷ luật và Giám sát thành phố', '市纪委监委', 'city', 'commission'],
    ['land', 'Municipal Natural Resources Bureau', 'Sở Tài nguyên thiên nhiên và Quy hoạch thành phố', '市自然资源和规划局', 'city', 'department'],
    ['zx', 'Zhengxiang District', 'Quận Chưng Tương', '蒸湘区', 'city', 'district'],
    ['sg', 'Shigu District', 'Quận Thạch Cổ', '石鼓区', 'city', 'district'],
    ['zh', 'Zhuhui District', 'Quận Châu Huy', '珠晖区', 'city', 'district'],
    ['hn', 'Hengnan County', 'Huyện Hành Nam', '衡南县', 'city', 'county'],
    ['hd', 'Hengdong County', 'Huyện Hành Đông', '衡东县', 'city', 'county'],
  ];
  for (const [unitId, en, vi, zh, parentId, kind] of units) await ok(d.post('admin', '/v1/units', { unitId, names: { en, vi, zh }, kind, parentId }), `unit ${unitId}`);
  const heads: Array<[string, string, string, string]> = [
    ['city', 'p-mayor', 'Mayor', 'Mayor of Hengyang'],
    ['insp', 'p-director-of-inspection', 'Director of Inspection', 'Director'],
    ['disc', 'p-commission-secretary', 'Commission Secretary', 'Secretary'],
    ['land', 'p-land-director', 'Bureau Director', 'Director'],
    ...UNITS.map((u): [string, string, string, string] => [u, `p-${u}-head`, HEADS[u].name, HEADS[u].postTitle]),
  ];
  for (const [unitId, personId, name, postTitle] of heads) await ok(d.post('admin', `/v1/units/${unitId}/head`, { personId, name, postTitle, from: '2018-01-01' }), `head of ${unitId}`);
  const cast: Cast = {
    mayor: await d.user('p-mayor', 'leader', 'city', 'Mayor'),
    inspector: await d.user('p-director-of-inspection', 'inspector', 'insp', 'Director of Inspection'),
    personnel: await d.user('p-personnel', 'appraiser', 'city', 'Organisation Department'),
    commission: await d.user('p-commission-secretary', 'discipline_commissioner', 'disc', 'Commission Secretary'),
    head: {} as Record<Unit, string>,
    staff: {} as Record<Unit, string>,
  };
  for (const u of UNITS) {
    cast.head[u] = await d.user(`p-${u}-head`, 'unit_head', u, HEADS[u].name);
    cast.staff[u] = await d.user(`p-${u}-staff`, 'unit_staff', u, `${u} staff`);
  }

  await step(hengyang('2018-09-06', '16:00:00'), `directive ${DOCNO}: four tasks for five units`);
  await ok(
    d.post(cast.mayor, '/v1/directives', {
      directiveId: 'd-2018-1',
      issuer: { name: 'Mayor', postTitle: 'Mayor of Hengyang' },
      documentNumber: DOCNO,
      kind: 'directive',
      issuedOn: '2018-09-06',
      meeting: { name: 'Municipal land-work dispatch meeting', date: '2018-09-06' },
      title: 'Four land tasks',
      body: 'The districts and counties complete the four land tasks; the inspection office inspects and publishes a notice monthly.',
      tasks: TASKS.flatMap((task) =>
        UNITS.map((unit) => ({
          taskId: `${task.key}-${unit}`,
          title: task.title,
          assignment: { leadUnitId: unit, coUnitIds: ['land'], work: `${task.title}: the work in ${unit}`, deadline: task.deadline, expectedResult: 'Done, with the list of parcels and evidence' },
        })),
      ),
    }),
    'directive',
  );
  await step(hengyang('2018-09-07'), 'acknowledgements');
  for (const u of UNITS.filter((u) => u !== 'zh')) await ok(d.post(cast.head[u], `/v1/tasks/t4-${u}/acknowledgement`), `ack ${u}`);
  await step(hengyang('2018-09-08'), 'Zhuhui acknowledges');
  await ok(d.post(cast.head.zh, '/v1/tasks/t4-zh/acknowledgement'), 'ack zh');

  // No shipped rule set governs 2018 (cn-2019 starts in 2019): flagging uses LEDGER_FLAGGING_RULE_SET (default cn-2019).
  await step(hengyang('2018-09-10'), 'responsibility letters and objectives, signed');
  for (const [index, u] of UNITS.entries()) {
    await ok(d.post(cast.mayor, '/v1/letters', { letterId: letterId(u), year: 2018, upperUnitId: 'city', lowerUnitId: u, documentNumber: `DEMO-衡责〔2018〕${index + 1}号`, title: `2018 land-work responsibility letter: ${u}`, objectiveIds: [objectiveId(u)] }), `letter ${u}`);
    await ok(
      d.post(cast.mayor, '/v1/objectives', {
        objectiveId: objectiveId(u), unitId: u, year: 2018, metric: 'Problem parcels rectified under T4 (国有土地监管整改)', unitOfMeasure: 'parcels',
        direction: 'higher_is_better', target: T4[u].target, weight: 1, deadline: '2018-10-31', tolerance: 0.05, letterId: letterId(u), directiveId: 'd-2018-1', taskIds: [`t4-${u}`],
      }),
      `objective ${u}`,
    );
    await ok(d.post(cast.mayor, `/v1/letters/${letterId(u)}/signatures`, { party: 'upper' }), `letter ${u} upper`);
    await ok(d.post(cast.head[u], `/v1/letters/${letterId(u)}/signatures`, { party: 'lower' }), `letter ${u} lower`);
  }

  const months = [
    { month: '09', scheduled: '2018-09-14', found: '2018-09-26', published: '2018-09-28', findings: [{ unitId: 'land', taskId: undefined as string | undefined, verdict: 'neutral', severity: undefined as string | undefined, text: 'Coordination desk set up for T4' }] },
    { month: '10', scheduled: '2018-10-08', found: '2018-10-12', published: '2018-10-15', findings: [
      { unitId: 'zh', taskId: 't4-zh', verdict: 'criticism', severity: 'high', text: 'Behind schedule: 21 of 50 parcels rectified' },
      { unitId: 'zx', taskId: 't4-zx', verdict: 'praise', severity: undefined, text: 'Ahead of schedule' },
    ] },
    { month: '11', scheduled: '2018-11-08', found: '2018-11-12', published: '2018-11-15', findings: [{ unitId: 'hd', taskId: 't4-hd', verdict: 'neutral', severity: undefined, text: 'Flood damage to parcels confirmed on site' }] },
    { month: '12', scheduled: '2018-12-05', found: '2018-12-10', published: '2018-12-14', findings: [{ unitId: 'hn', taskId: 't4-hn', verdict: 'praise', severity: undefined, text: 'Litigated parcels resolved' }] },
  ];
  const inspection = async (m: (typeof months)[number], phase: 'scheduled' | 'found' | 'published') => {
    const inspectionId = `insp-2018-${m.month}`;
    await step(hengyang(m[phase], '15:00:00'), `inspection ${m.month}: ${phase}`);
    if (phase === 'scheduled') {
      await ok(d.post(cast.inspector, '/v1/inspections', { inspectionId, kind: 'monthly', title: `Monthly land-work inspection, 2018-${m.month}`, periodFrom: `2018-${m.month}-01`, periodTo: m.month === '09' || m.month === '11' ? `2018-${m.month}-30` : `2018-${m.month}-31`, unitIds: ALL }), inspectionId);
    } else if (phase === 'found') {
      for (const [i, f] of m.findings.entries()) {
        await ok(d.post(cast.inspector, `/v1/inspections/${inspectionId}/findings`, { findingId: `f-2018-${m.month}-${i + 1}`, subject: { unitId: f.unitId, ...(f.taskId ? { taskId: f.taskId } : {}) }, verdict: f.verdict, ...(f.severity ? { severity: f.severity } : {}), text: f.text, evidence: [EVIDENCE(f.text)] }), `finding ${m.month}`);
      }
    } else {
      await ok(d.post(cast.inspector, `/v1/inspections/${inspectionId}/notices`, { noticeId: `n-2018-${m.month}`, documentNumber: `DEMO-衡督通〔2018〕${Number(m.month)}号`, kind: 'general', title: `Land-work inspection notice, 2018-${m.month}`, findingIds: m.findings.map((_, i) => `f-2018-${m.month}-${i + 1}`), addressees: ALL }), `notice ${m.month}`);
    }
  };
  const [sep, oct, nov, dec] = months;
  await inspection(sep, 'scheduled');
  await inspection(sep, 'found');
  await inspection(sep, 'published');
  await inspection(oct, 'scheduled');

  await step(hengyang('2018-10-10'), 'reminder to Zhuhui (催办)');
  await ok(d.post(cast.inspector, '/v1/tasks/t4-zh/reminders', { message: 'Behind schedule: 9 parcels at risk', channel: 'official_document' }), 'reminder');
  await inspection(oct, 'found');
  await inspection(oct, 'published');

  await step(hengyang('2018-10-22', '11:00:00'), 'the 2018-10-20 interview (约谈) of Zhuhui, recorded');
  await ok(
    d.post(cast.inspector, '/v1/interviews', {
      interviewId: 'iv-2018-zh-1', subjectUnitId: 'zh', heldOn: '2018-10-20', subject: 'T4 behind schedule after the October notice',
      attendees: [
        { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor of Hengyang', unitId: 'city' },
        { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', unitId: 'zh' },
      ],
      minutesHash: MINUTES_HASH, minutesText: 'The District Head undertakes to rectify the remaining parcels by 31 October.',
      related: { inspectionId: 'insp-2018-10', noticeId: 'n-2018-10', taskIds: ['t4-zh'], objectiveIds: [objectiveId('zh')] },
    }),
    'interview',
  );

  await step(hengyang('2018-10-25'), 'Hengnan requests extensions of T4 and its objective');
  await ok(d.post(cast.head.hn, '/v1/tasks/t4-hn/extension-requests', { requestId: 'ext-hn-1', newDeadline: '2018-12-31', reason: 'Parcels under litigation' }), 'hn task extension');
  await ok(d.post(cast.head.hn, `/v1/objectives/${objectiveId('hn')}/extension-requests`, { requestId: 'oext-hn-1', newDeadline: '2018-12-31', reason: 'Parcels under litigation' }), 'hn objective extension');
  await step(hengyang('2018-10-28'), 'the Mayor grants them; Zhengxiang and Shigu report completion');
  await ok(d.post(cast.mayor, '/v1/tasks/t4-hn/extension-requests/ext-hn-1/grant', {}), 'grant task');
  await ok(d.post(cast.mayor, `/v1/objectives/${objectiveId('hn')}/extension-requests/oext-hn-1/grant`, { comment: 'Granted by the Mayor' }), 'grant objective');
  for (const u of ['zx', 'sg'] as const) await ok(d.post(cast.staff[u], `/v1/tasks/t4-${u}/completion-report`, { narrative: 'All problem parcels rectified', evidence: [EVIDENCE(`list-${u}`)] }), `completion ${u}`);
  await step(hengyang('2018-10-30'), 'the inspection office verifies');
  for (const u of ['zx', 'sg'] as const) await ok(d.post(cast.inspector, `/v1/tasks/t4-${u}/verification`, { comment: 'Checked on site' }), `verify ${u}`);

  await step(hengyang('2018-11-01', '00:05:00'), 'deadline watcher');
  await d.tick();
  await step(hengyang('2018-11-01', '10:00:00'), 'October figures; deadline evaluations of Zhengxiang and Shigu');
  for (const u of UNITS) {
    await ok(d.post(cast.staff[u], `/v1/objectives/${objectiveId(u)}/actuals`, { period: '2018-10', asOf: '2018-10-31', value: T4[u].actual, source: 'Municipal Natural Resources Bureau parcel register', evidence: [EVIDENCE(`register-${u}`)] }), `actual ${u}`);
  }
  for (const u of ['zx', 'sg'] as const) await ok(d.post(cast.personnel, `/v1/objectives/${objectiveId(u)}/evaluation`, { basis: 'deadline' }), `evaluate ${u}`);

  await step(hengyang('2018-11-05'), 'Hengdong asks for an extension after the deadline (refused)');
  const late = await d.post(cast.head.hd, '/v1/tasks/t4-hd/extension-requests', { newDeadline: '2018-12-31', reason: 'Flood damage' });
  if (late.status !== 422) throw new Error(`the late extension request was not refused: ${late.status} ${late.text}`);
  await inspection(nov, 'scheduled');
  await step(hengyang('2018-11-10'), 'Hengdong claims an objective cause (flood)');
  await ok(d.post(cast.head.hd, `/v1/objectives/${objectiveId('hd')}/cause-claims`, { claimId: 'cause-hd-flood', kind: 'objective_cause', cause: 'Flood', description: 'The August flood left 15 parcels under water until November', evidence: [EVIDENCE('flood')] }), 'cause claim');
  await inspection(nov, 'found');
  await step(hengyang('2018-11-15'), 'District Head C leaves Zhuhui; District Head C2 takes over');
  await ok(d.post(cast.personnel, '/v1/units/zh/head', { personId: 'p-zh-head-c2', name: 'District Head C2', postTitle: 'District Head', from: '2018-11-15', replace: true }), 'handover');
  await inspection(nov, 'published');
  await inspection(dec, 'scheduled');
  await inspection(dec, 'found');
  await inspection(dec, 'published');
  await step(hengyang('2018-12-20'), 'the commission confirms the flood');
  await ok(d.post(cast.commission, `/v1/objectives/${objectiveId('hd')}/cause-claims/cause-hd-flood/confirm`, { comment: 'Confirmed on site' }), 'confirm cause');
  await step(hengyang('2018-12-28'), 'Hengnan reports completion');
  await ok(d.post(cast.staff.hn, '/v1/tasks/t4-hn/completion-report', { narrative: 'Rectification finished', evidence: [EVIDENCE('list-hn')] }), 'completion hn');
  await step(hengyang('2018-12-30'), 'verified');
  await ok(d.post(cast.inspector, '/v1/tasks/t4-hn/verification', { comment: 'Checked on site' }), 'verify hn');
  await step(hengyang('2018-12-31', '16:00:00'), 'Hengnan\'s December figure');
  await ok(d.post(cast.staff.hn, `/v1/objectives/${objectiveId('hn')}/actuals`, { period: '2018-12', asOf: '2018-12-31', value: 58, source: 'Municipal Natural Resources Bureau parcel register', evidence: [EVIDENCE('register-hn-12')] }), 'actual hn');
  await step(hengyang('2018-12-31', '23:00:00'), 'year close: every objective evaluated; the referral process manager runs');
  for (const u of UNITS) await ok(d.post(cast.personnel, `/v1/objectives/${objectiveId(u)}/evaluation`, { basis: 'year_close' }), `year close ${u}`);
  await d.tick();
  return cast;
}

/**
 * January 2019: the organisation department publishes the 2018 rule set (data, `POST /v1/rule-sets`), then runs the
 * 2018 appraisal of the five districts and counties on it: opened, scored from the facts the ledger holds (the
 * client sends none), moderated (the 优秀 quota), approved with the Mayor's sign-off, published. Runs after
 * `loadHengyang2018`, once the referral process manager has run at year close.
 */
export async function appraiseHengyang2018(d: ScenarioDriver, cast: Cast, ruleSet: object, log: (line: string) => void = () => undefined): Promise<void> {
  const step = async (instant: string, what: string) => {
    await d.at(instant);
    log(`${instant.slice(0, 10)}  ${what}`);
  };
  // T1–T3 were due on 2018-12-31: the watcher marks them passed before the year is appraised.
  await step(hengyang('2019-01-02', '00:05:00'), 'deadline watcher: the tasks due at year end');
  await d.tick();
  await step(hengyang('2019-01-03'), 'the organisation department publishes the 2018 appraisal rule set (data)');
  await ok(d.post(cast.personnel, '/v1/rule-sets', ruleSet), 'rule set');
  await step(hengyang('2019-01-07'), 'the 2018 appraisal of the districts and counties: opened and scored');
  await ok(d.post(cast.personnel, '/v1/appraisals', { year: 2018, peerGroup: APPRAISAL_PEER_GROUP, ownerUnitId: 'city', ruleSetId: (ruleSet as { id: string }).id, unitIds: [...UNITS] }), 'open cycle');
  await ok(d.post(cast.personnel, `/v1/appraisals/${APPRAISAL_CYCLE}/scoring`), 'scoring');
  await step(hengyang('2019-01-10'), 'moderated (the 优秀 quota)');
  await ok(d.post(cast.personnel, `/v1/appraisals/${APPRAISAL_CYCLE}/moderation`, {}), 'moderation');
  await step(hengyang('2019-01-15'), 'approved with the Mayor\'s sign-off');
  const signOff = await ok(d.post(cast.mayor, '/v1/signoffs', { record: { streamId: `appraisal-${APPRAISAL_CYCLE}` }, decision: 'approve', comment: 'Approved by the municipal appraisal committee' }), 'sign-off');
  await ok(d.post(cast.mayor, `/v1/appraisals/${APPRAISAL_CYCLE}/approval`, { signOffId: signOff.body.id }), 'approval');
  await step(hengyang('2019-01-18'), 'published');
  await ok(d.post(cast.personnel, `/v1/appraisals/${APPRAISAL_CYCLE}/publication`), 'publication');
}
