/**
 * The Hengyang 2018 year (shared/scenarios/hengyang-2018.md) as logged events, every one produced by the real
 * deciders from commands, so the fixture can never hold a history a decider would refuse. Each event gets an id
 * (`<stream>#<version>`) and its stream id, as the store would give them. For specs only; not exported.
 */
import type { CommandEnvelope } from '../shared/actor';
import { type Decider, fold } from '../shared/decider';
import { directiveDecider } from '../directive/decider';
import type { DirectiveEvent } from '../directive/events';
import { inspectionDecider } from '../inspection/decider';
import type { InspectionCommand } from '../inspection/commands';
import type { InspectionEvent } from '../inspection/events';
import { interviewDecider } from '../inspection/interview-decider';
import type { InterviewEvent } from '../inspection/interview-events';
import type { ObjectiveCommand } from '../objective/commands';
import { objectiveDecider } from '../objective/decider';
import type { ObjectiveEvent } from '../objective/events';
import type { ResponsibilityLetterCommand } from '../responsibility-letter/commands';
import { responsibilityLetterDecider } from '../responsibility-letter/decider';
import type { ResponsibilityLetterEvent } from '../responsibility-letter/events';
import type { TaskCommand } from '../task/commands';
import { taskDecider } from '../task/decider';
import type { TaskEvent } from '../task/events';
import { unitDecider, type UnitState } from '../unit/decider';
import type { UnitCommand } from '../unit/commands';
import {
  administrator,
  commissioner,
  DISTRICTS_AND_COUNTIES,
  type DistrictOrCounty,
  headOf,
  hengyang,
  inspector,
  mayor,
  staffOf,
  t4Assignment,
  watcher,
} from '../testing/hengyang.fixtures';
import type { LoggedEvent } from './build-referral';

export const LETTER_HASH = '1e'.repeat(32);
export const MINUTES_HASH = '2f'.repeat(32);
const EVIDENCE = '3a'.repeat(32);

/** Targets and actuals of the scenario's table (T4 problem parcels rectified). */
export const T4_OBJECTIVES: { readonly [U in DistrictOrCounty]: { target: number; actual: number } } = {
  zx: { target: 40, actual: 41 },
  sg: { target: 30, actual: 29 },
  zh: { target: 50, actual: 41 },
  hn: { target: 60, actual: 48 },
  hd: { target: 35, actual: 20 },
};

const HEAD_NAMES: { readonly [U in DistrictOrCounty]: string } = {
  zx: 'District Head A',
  sg: 'District Head B',
  zh: 'District Head C',
  hn: 'County Head D',
  hd: 'County Head E',
};

/** A stream being written: runs commands through its decider and logs what they produce. */
export class Stream<S, C extends CommandEnvelope, E extends { type: string; data: unknown }> {
  readonly events: LoggedEvent<E>[] = [];
  constructor(
    private readonly decider: Decider<S, C, E>,
    readonly streamId: string,
  ) {}

  run(...commands: C[]): this {
    for (const command of commands) {
      for (const event of this.decider.decide(command, this.state())) {
        this.events.push({ ...event, id: `${this.streamId}#${this.events.length + 1}`, streamId: this.streamId });
      }
    }
    return this;
  }

  state(): S {
    return fold(this.decider, this.events);
  }
}

export const objectiveId = (unit: DistrictOrCounty): string => `o-2018-${unit}-t4`;
export const letterId = (unit: DistrictOrCounty): string => `l-2018-${unit}`;

export type HengyangYear = {
  directive: LoggedEvent<DirectiveEvent>[];
  units: { [U in DistrictOrCounty]: UnitState };
  letters: { [U in DistrictOrCounty]: LoggedEvent<ResponsibilityLetterEvent>[] };
  objectives: { [U in DistrictOrCounty]: LoggedEvent<ObjectiveEvent>[] };
  tasks: { [U in DistrictOrCounty]: LoggedEvent<TaskEvent>[] };
  inspections: LoggedEvent<InspectionEvent>[][];
  interviews: LoggedEvent<InterviewEvent>[];
};

/**
 * The year: the directive, the five T4 tasks, the letters and
 * objectives, the monthly inspections and notices, the Zhuhui interview, the Hengnan extension, the Hengdong flood,
 * and the year-close evaluation of every objective on 2018-12-31.
 */
export function hengyangYear(): HengyangYear {
  const directive = new Stream(directiveDecider, 'directive-d-2018-1').run({
    type: 'IssueDirective',
    directiveId: 'd-2018-1',
    now: hengyang('2018-09-06', '16:00:00'),
    actor: mayor,
    issuerUnitId: 'city',
    issuer: { name: 'Mayor', postTitle: 'Mayor of Hengyang' },
    documentNumber: 'DEMO-衡督〔2018〕1号',
    kind: 'directive',
    issuedOn: '2018-09-06',
    meeting: { name: 'Land-work dispatch meeting', date: '2018-09-06' },
    title: 'Four land tasks',
    body: 'Each district and county completes the four land tasks; T4 is finished completely by the end of October.',
    taskIds: DISTRICTS_AND_COUNTIES.map((unit) => `t4-${unit}`),
  });

  const units = {} as HengyangYear['units'];
  const letters = {} as HengyangYear['letters'];
  const objectives = {} as HengyangYear['objectives'];
  const tasks = {} as HengyangYear['tasks'];

  DISTRICTS_AND_COUNTIES.forEach((unit, index) => {
    units[unit] = unitHistory(unit);
    const task = new Stream(taskDecider, `task-t4-${unit}`).run(...t4Assignment(unit));
    const letter = new Stream(responsibilityLetterDecider, `letter-${letterId(unit)}`);
    const objective = new Stream(objectiveDecider, `objective-${objectiveId(unit)}`);
    const day = (date: string, time = '09:00:00') => hengyang(date, time);

    letter.run({
      type: 'DraftResponsibilityLetter',
      letterId: letterId(unit),
      now: day('2018-09-10'),
      actor: mayor,
      year: 2018,
      upperUnitId: 'city',
      lowerUnitId: unit,
      documentNumber: `DEMO-衡责〔2018〕${index + 1}号`,
      title: `2018 land-work responsibility letter: ${unit}`,
      objectiveIds: [objectiveId(unit)],
    } satisfies ResponsibilityLetterCommand);
    objective.run({
      type: 'DefineObjective',
      objectiveId: objectiveId(unit),
      now: day('2018-09-10', '09:30:00'),
      actor: mayor,
      unitId: unit,
      year: 2018,
      metric: 'Problem parcels rectified under T4 (国有土地监管整改)',
      unitOfMeasure: 'parcels',
      direction: 'higher_is_better',
      target: T4_OBJECTIVES[unit].target,
      baseline: null,
      weight: 1,
      deadline: '2018-10-31',
      tolerance: 0.05,
      letter: { id: letterId(unit), year: 2018, lowerUnitId: unit, objectiveIds: [objectiveId(unit)], status: 'draft' },
      directive: { id: 'd-2018-1', status: 'issued' },
      taskIds: [`t4-${unit}`],
    } satisfies ObjectiveCommand);
    letter.run(
      { type: 'SignResponsibilityLetter', letterId: letterId(unit), now: day('2018-09-10', '10:00:00'), actor: mayor, party: 'upper', letterHash: LETTER_HASH },
      { type: 'SignResponsibilityLetter', letterId: letterId(unit), now: day('2018-09-10', '10:30:00'), actor: headOf(unit), party: 'lower', letterHash: LETTER_HASH },
    );

    const t4 = (date: string, time = '09:00:00') => ({ taskId: `t4-${unit}`, now: hengyang(date, time) });
    const acknowledge: TaskCommand = { ...t4(unit === 'zh' ? '2018-09-08' : '2018-09-07'), type: 'AcknowledgeTask', actor: headOf(unit) };
    task.run(acknowledge);
    switch (unit) {
      case 'zx':
      case 'sg':
        task.run(
          { ...t4('2018-10-28'), type: 'ReportCompletion', actor: staffOf(unit), narrative: 'All problem parcels rectified', evidence: [EVIDENCE] },
          { ...t4('2018-10-30'), type: 'VerifyCompletion', actor: inspector },
        );
        break;
      case 'zh':
        task.run(
          { ...t4('2018-10-10'), type: 'IssueReminder', actor: inspector, message: 'Behind schedule: 9 parcels at risk', channel: 'official_document' },
          { ...t4('2018-11-01', '00:05:00'), type: 'MarkDeadlinePassed', actor: watcher },
        );
        break;
      case 'hn':
        task.run(
          { ...t4('2018-10-25'), type: 'RequestExtension', actor: headOf(unit), requestId: 'ext-hn-1', newDeadline: '2018-12-31', reason: 'Parcels under litigation' },
          { ...t4('2018-10-28'), type: 'GrantExtension', actor: mayor, requestId: 'ext-hn-1', newDeadline: '2018-12-31' },
        );
        break;
      case 'hd':
        task.run({ ...t4('2018-11-01', '00:05:00'), type: 'MarkDeadlinePassed', actor: watcher });
        break;
    }

    // Objective: Hengnan's extension, the October figures, Hengdong's flood, Hengnan's December figure.
    const at = (date: string, time = '09:00:00') => ({ objectiveId: objectiveId(unit), now: hengyang(date, time) });
    if (unit === 'hn') {
      objective.run(
        { ...at('2018-10-25'), type: 'RequestObjectiveExtension', actor: headOf(unit), requestId: 'oext-hn-1', newDeadline: '2018-12-31', reason: 'Parcels under litigation' },
        { ...at('2018-10-28'), type: 'GrantObjectiveExtension', actor: mayor, requestId: 'oext-hn-1', newDeadline: '2018-12-31', comment: 'Granted by the Mayor' },
      );
    }
    objective.run({
      ...at('2018-11-01', '10:00:00'),
      type: 'ReportObjectiveActual',
      actor: staffOf(unit),
      period: '2018-10',
      asOf: '2018-10-31',
      value: T4_OBJECTIVES[unit].actual,
      source: 'Municipal Natural Resources Bureau parcel register',
      evidence: [EVIDENCE],
    });
    if (unit === 'hd') {
      objective.run(
        {
          ...at('2018-11-10'),
          type: 'ClaimObjectiveCause',
          actor: headOf(unit),
          claimId: 'cause-hd-flood',
          kind: 'objective_cause',
          cause: 'Flood',
          description: 'The August flood left 15 parcels under water until November',
          evidence: [EVIDENCE],
        },
        { ...at('2018-12-20'), type: 'ConfirmObjectiveCause', actor: commissioner, claimId: 'cause-hd-flood', comment: 'Confirmed on site' },
      );
    }
    if (unit === 'hn') {
      objective.run(
        {
          ...at('2018-12-31', '16:00:00'),
          type: 'ReportObjectiveActual',
          actor: staffOf(unit),
          period: '2018-12',
          asOf: '2018-12-31',
          value: 58,
          source: 'Municipal Natural Resources Bureau parcel register',
          evidence: [EVIDENCE],
        },
      );
      // The extended task is reported and verified before its new deadline.
      task.run(
        { ...t4('2018-12-28'), type: 'ReportCompletion', actor: staffOf(unit), narrative: 'Rectification finished', evidence: [EVIDENCE] },
        { ...t4('2018-12-30'), type: 'VerifyCompletion', actor: inspector },
      );
    }
    objective.run({ ...at('2018-12-31', '23:00:00'), type: 'EvaluateObjective', actor: watcher, basis: 'year_close' });

    letters[unit] = letter.events;
    objectives[unit] = objective.events;
    tasks[unit] = task.events;
  });

  return {
    directive: directive.events,
    units,
    letters,
    objectives,
    tasks,
    inspections: monthlyInspections(),
    interviews: [zhuhuiInterview()],
  };
}

/** Each unit with its head; Zhuhui's head C hands over to C2 on 2018-11-15 (after the T4 deadline). */
function unitHistory(unit: DistrictOrCounty): UnitState {
  const envelope = (date: string) => ({ unitId: unit, now: hengyang(date), actor: administrator });
  const commands: UnitCommand[] = [
    { ...envelope('2018-01-02'), type: 'RegisterUnit', names: { en: unit }, kind: unit === 'hn' || unit === 'hd' ? 'county' : 'district', parentId: 'city', parentChain: ['city'] },
    {
      ...envelope('2018-01-02'),
      type: 'AppointHead',
      personId: `p-${unit}-head`,
      name: HEAD_NAMES[unit],
      postTitle: unit === 'hn' || unit === 'hd' ? 'County Head' : 'District Head',
      from: '2018-01-01',
    },
  ];
  if (unit === 'zh') {
    commands.push({
      ...envelope('2018-11-15'),
      type: 'AppointHead',
      personId: 'p-zh-head-c2',
      name: 'District Head C2',
      postTitle: 'District Head',
      from: '2018-11-15',
      replace: true,
    });
  }
  return new Stream(unitDecider, `unit-${unit}`).run(...commands).state();
}

const ALL_UNITS = [...DISTRICTS_AND_COUNTIES, 'land'];

/** One inspection a month, September to December, each with its notice 9号 … 12号. */
function monthlyInspections(): LoggedEvent<InspectionEvent>[][] {
  const months = [
    { month: '09', scheduled: '2018-09-14', found: '2018-09-26', published: '2018-09-28', findings: [{ unitId: 'land', taskId: null, verdict: 'neutral' as const, severity: null, text: 'Coordination desk set up for T4' }] },
    {
      month: '10',
      scheduled: '2018-10-08',
      found: '2018-10-12',
      published: '2018-10-15',
      findings: [
        { unitId: 'zh', taskId: 't4-zh', verdict: 'criticism' as const, severity: 'high' as const, text: 'Behind schedule: 21 of 50 parcels rectified' },
        { unitId: 'zx', taskId: 't4-zx', verdict: 'praise' as const, severity: null, text: 'Ahead of schedule' },
      ],
    },
    { month: '11', scheduled: '2018-11-08', found: '2018-11-12', published: '2018-11-15', findings: [{ unitId: 'hd', taskId: 't4-hd', verdict: 'neutral' as const, severity: null, text: 'Flood damage to parcels confirmed on site' }] },
    { month: '12', scheduled: '2018-12-05', found: '2018-12-10', published: '2018-12-14', findings: [{ unitId: 'hn', taskId: 't4-hn', verdict: 'praise' as const, severity: null, text: 'Litigated parcels resolved' }] },
  ];
  return months.map(({ month, scheduled, found, published, findings }) => {
    const inspectionId = `insp-2018-${month}`;
    const at = (date: string) => ({ inspectionId, now: hengyang(date, '15:00:00'), actor: inspector });
    const commands: InspectionCommand[] = [
      { ...at(scheduled), type: 'ScheduleInspection', kind: 'monthly', title: `Monthly land-work inspection, 2018-${month}`, periodFrom: `2018-${month}-01`, periodTo: month === '09' || month === '11' ? `2018-${month}-30` : `2018-${month}-31`, unitIds: ALL_UNITS },
      ...findings.map(
        (finding, index): InspectionCommand => ({
          ...at(found),
          type: 'RecordFinding',
          findingId: `f-2018-${month}-${index + 1}`,
          subject: { unitId: finding.unitId, taskId: finding.taskId },
          verdict: finding.verdict,
          severity: finding.severity,
          text: finding.text,
          evidence: [EVIDENCE],
        }),
      ),
      {
        ...at(published),
        type: 'PublishInspectionNotice',
        noticeId: `n-2018-${month}`,
        documentNumber: `DEMO-衡督通〔2018〕${Number(month)}号`,
        kind: 'general',
        title: `Land-work inspection notice, 2018-${month}`,
        findingIds: findings.map((_, index) => `f-2018-${month}-${index + 1}`),
        addressees: ALL_UNITS,
      },
    ];
    return new Stream(inspectionDecider, `inspection-${inspectionId}`).run(...commands).events;
  });
}

/** 约谈 of Zhuhui's head by the Mayor on 2018-10-20, recorded by the inspection office two days later. */
function zhuhuiInterview(): LoggedEvent<InterviewEvent> {
  return new Stream(interviewDecider, 'interview-iv-2018-zh-1').run({
    type: 'RecordInterview',
    interviewId: 'iv-2018-zh-1',
    now: hengyang('2018-10-22', '11:00:00'),
    actor: inspector,
    subjectUnitId: 'zh',
    heldOn: '2018-10-20',
    subject: 'T4 behind schedule after the October notice',
    attendees: [
      { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor of Hengyang', unitId: 'city' },
      { personId: 'p-zh-head', name: 'District Head C', postTitle: 'District Head', unitId: 'zh' },
    ],
    minutesHash: MINUTES_HASH,
    minutesText: 'The District Head undertakes to rectify the remaining parcels by 31 October.',
    related: { inspectionId: 'insp-2018-10', noticeId: 'n-2018-10', taskIds: ['t4-zh'], objectiveIds: ['o-2018-zh-t4'] },
  }).events[0];
}
