import type { RuleSet } from '../appraisal/rule-set';
import { directiveDecider } from '../directive/decider';
import type { DirectiveEvent } from '../directive/events';
import type { InspectionEvent } from '../inspection/events';
import type { InterviewEvent } from '../inspection/interview-events';
import { objectiveDecider, type ObjectiveRecord } from '../objective/decider';
import type { ObjectiveEvent, ObjectiveEvaluated } from '../objective/events';
import { responsibilityLetterDecider } from '../responsibility-letter/decider';
import type { ResponsibilityLetterEvent } from '../responsibility-letter/events';
import { dateOf, type IsoDate, isAfter } from '../shared/dates';
import { fold } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import { taskDecider, type TaskRecord } from '../task/decider';
import type { TaskEvent } from '../task/events';
import { timelinessOn } from '../task/timeliness';
import type { UnitState } from '../unit/decider';
import { deputiesOn, headOn } from '../unit/queries';
import { overdueTasksToFlag, shouldFlag, tasksExcusedByObjectiveCauses } from './flagging';
import { priorRecordOf, type PriorRecordInput } from './prior-record';
import type {
  CauseRef,
  ChronologyEntry,
  ChronologyKind,
  ExtensionRef,
  PriorDecision,
  PriorGrade,
  Referral,
  ReferralMitigations,
  ReferralSource,
  ReferralSubject,
  ResponsiblePersonRef,
} from './referral';

/**
 * The referral builder: from the events of the record that failed and of everything around it, the contents
 * DOMAIN.md lists for the discipline commission. Pure: the application reads the streams (and the unit's folded
 * state) and passes them in; nothing is looked up here.
 */

/** An event as read back from the store: the domain event with its id, its stream and (optionally) its position. */
export type LoggedEvent<E extends { type: string; data: unknown }> = E & {
  readonly id: string;
  readonly streamId: string;
  readonly position?: number;
};

type AnyLogged =
  | LoggedEvent<TaskEvent>
  | LoggedEvent<ObjectiveEvent>
  | LoggedEvent<InspectionEvent>
  | LoggedEvent<InterviewEvent>
  | LoggedEvent<ResponsibilityLetterEvent>;

/** What surrounds the failure; every list may be empty. */
export type ReferralContext = {
  ruleSet: RuleSet;
  /** The unit's folded state (`unit-<id>`): its tenure history names who was head on the day. */
  unit: UnitState;
  letter?: readonly LoggedEvent<ResponsibilityLetterEvent>[] | null;
  directive?: readonly LoggedEvent<DirectiveEvent>[] | null;
  /** More directives' streams (overdue tasks may come from several): each task's document number is read from them. */
  directives?: readonly (readonly LoggedEvent<DirectiveEvent>[])[];
  /** Each task's stream. Only the tasks the failure concerns are read; others are ignored. */
  tasks?: readonly (readonly LoggedEvent<TaskEvent>[])[];
  /** Each inspection's stream: its notices enter the chronology when they name the unit (or its tasks) in a finding. */
  inspections?: readonly (readonly LoggedEvent<InspectionEvent>[])[];
  /** Interviews: those whose subject is the unit enter the chronology. */
  interviews?: readonly LoggedEvent<InterviewEvent>[];
  /**
   * The ledger's earlier record (`priorRecordOf`): appraisal cycles, accountability cases and the units whose heads'
   * grades count. The prior grades and decisions of the referral are computed from them (and any given below added).
   */
  prior?: Pick<PriorRecordInput, 'appraisalCycles' | 'cases' | 'units'>;
  priorGrades?: readonly PriorGrade[];
  priorDecisions?: readonly PriorDecision[];
  /** Deputies (person ids) in charge of the work: named with important leadership responsibility. */
  deputiesInCharge?: readonly string[];
};

export type ObjectiveReferralInput = ReferralContext & { objective: readonly LoggedEvent<ObjectiveEvent>[] };

/**
 * The referral for a missed objective, from its final evaluation (the last `ObjectiveEvaluated`):
 * - subject: the unit, and the head in post on the deadline in force (`headOn`: today's head may be someone else)
 *   with main leadership responsibility, plus any deputies in charge with important leadership responsibility;
 * - failure: target, actual, ratios, deadline, evaluation, the letter or directive with its document number, and the
 *   objective's tasks with their timeliness on the evaluation day;
 * - chronology, in the order things happened, up to the evaluation: the tasks' assignment, acknowledgement,
 *   progress and completion reports, reminders, extension requests and decisions (the tasks' and the objective's),
 *   the inspection notices that named the unit, the interviews of the unit, and the evaluation. An objective with
 *   no task has its definition as the assignment and the lower party's signature of the letter as the
 *   acknowledgement. Actual figures are not chronology: the one that counted is in the failure;
 * - mitigations: cause claims (confirmed or not), extensions, approved revisions, prior grades and decisions;
 * - integrity: every event id the referral rests on, the evidence hashes they carry, the rule set.
 * Refuses an objective that was not evaluated, or whose evaluation does not flag it under the rule set.
 */
export function buildReferral(input: ObjectiveReferralInput): Referral {
  const objectiveState = fold(objectiveDecider, input.objective);
  if (objectiveState.status === 'none') throw domainError('REFERRAL.OBJECTIVE_MISSING', {});
  const objective: ObjectiveRecord = objectiveState;
  const evaluation = [...input.objective].reverse().find((event) => event.type === 'ObjectiveEvaluated') as
    | LoggedEvent<ObjectiveEvaluated>
    | undefined;
  if (evaluation === undefined) throw domainError('REFERRAL.NOT_EVALUATED', { objective: objective.objectiveId });
  if (!shouldFlag(evaluation.data, input.ruleSet.flagging)) {
    throw domainError('REFERRAL.NOT_FLAGGED', { objective: objective.objectiveId, outcome: evaluation.data.outcome });
  }
  requireUnit(input.unit, objective.unitId);
  const evaluated = evaluation.data;
  const until = evaluated.evaluatedOn;
  const deadline = evaluated.deadline;

  const tasks = (input.tasks ?? []).filter((events) => {
    const first = events[0];
    return first !== undefined && objective.taskIds.includes(first.data.taskId);
  });
  const chronology = new Chronology(deadline, until);
  for (const events of tasks) chronology.addTask(events);
  if (tasks.length === 0) addObjectiveAssignment(chronology, input.objective, input.letter ?? null, objective.unitId);
  for (const event of input.objective) {
    const kind = objectiveExtensionKind(event);
    if (kind !== null) chronology.add(event, kind, summarizeObjectiveEvent(event));
  }
  chronology.addNotices(input.inspections ?? [], objective.unitId, objective.taskIds);
  chronology.addInterviews(input.interviews ?? [], objective.unitId);
  chronology.add(evaluation, 'evaluation', summarizeObjectiveEvent(evaluation));
  const entries = chronology.entries();

  const actualEvent = [...input.objective].reverse().find(
    (event) =>
      event.type === 'ActualReported' &&
      event.data.asOf === evaluated.actualAsOf &&
      event.data.value === evaluated.actual &&
      dateOf(event.data.at) <= until,
  );
  const source = sourceOf(input.letter ?? null, input.directive ?? null);
  const taskRecords = tasks.map((events) => ({ events, record: fold(taskDecider, events) as TaskRecord }));

  const subject = subjectOf(input, objective.unitId, deadline);
  const mitigations = mitigationsOf(input, tasks, { unitId: objective.unitId, personIds: subject.persons.map((person) => person.personId), year: objective.year, asOf: until });
  const integrityIds = [
    evaluation.id,
    ...(actualEvent ? [actualEvent.id] : []),
    ...input.objective.filter((event) => event.type === 'ObjectiveDefined').map((event) => event.id),
    ...(input.letter ?? []).filter((event) => event.type !== 'ResponsibilityLetterAmended').map((event) => event.id),
    ...(input.directive ?? []).filter((event) => event.type === 'DirectiveIssued').map((event) => event.id),
    ...chronology.events().map((event) => event.id),
    ...mitigations.causes.flatMap((cause) => cause.eventIds),
    ...mitigations.extensions.flatMap((extension) => extension.eventIds),
    ...mitigations.approvedRevisions.map((revision) => revision.eventId),
    ...priorEventIds(mitigations),
  ];

  return {
    jurisdiction: input.ruleSet.jurisdiction,
    reasons: ['objective_missed'],
    subject,
    failure: {
      kind: 'objective_missed',
      objectiveId: objective.objectiveId,
      metric: evaluated.metric,
      unitOfMeasure: evaluated.unitOfMeasure,
      direction: evaluated.direction,
      target: evaluated.target,
      originalTarget: evaluated.originalTarget,
      actual: evaluated.actual,
      actualAsOf: evaluated.actualAsOf,
      ratioToPlan: evaluated.ratioToPlan,
      ratioToSamePeriodLastYear: evaluated.ratioToSamePeriodLastYear,
      tolerance: evaluated.tolerance,
      shortfall: evaluated.shortfall,
      deadline,
      originalDeadline: evaluated.originalDeadline,
      evaluatedOn: evaluated.evaluatedOn,
      evaluationBasis: evaluated.basis,
      outcome: evaluated.outcome,
      source,
      tasks: taskRecords.map(({ events, record }) => ({
        taskId: record.taskId,
        title: record.title,
        deadline: record.deadline,
        timeliness: timelinessOn(events, until),
      })),
    },
    chronology: entries,
    mitigations,
    integrity: {
      eventIds: unique(integrityIds),
      evidenceHashes: unique(evidenceOf([...input.objective.filter((event) => dateOf(event.data.at) <= until), ...chronology.events()])),
      ruleSetId: input.ruleSet.id,
    },
  };
}

/**
 * `asOf`: the day the tasks are judged overdue on. `year`: the period referred (one referral per unit, year and
 * ground): only tasks whose deadline in force falls in that year count; without it, every overdue task does.
 */
export type OverdueTasksReferralInput = ReferralContext & {
  asOf: IsoDate;
  year?: number | null;
  /**
   * The objectives that measure the unit's tasks: a cause the commission confirmed (by `asOf`) excuses their tasks;
   * claims still pending or rejected are listed among the mitigations.
   */
  objectives?: readonly (readonly LoggedEvent<ObjectiveEvent>[])[];
};

/**
 * The referral for tasks overdue beyond the rule set's threshold (`overdueTasksToFlag`), on `asOf`, with the same
 * contents as a missed objective's:
 * - subject: the unit, and for each overdue task the head in post on its deadline in force (main leadership
 *   responsibility; several when the post changed hands between deadlines), plus deputies in charge;
 * - failure: each task with its directive and document number, deadline in force and as assigned, days overdue;
 *   the threshold; the source (the first task's directive, or the one given);
 * - chronology of those tasks up to `asOf` (assignment, acknowledgement, reports, reminders, extensions), the
 *   notices naming the unit or the tasks, the interviews of the unit;
 * - mitigations: the tasks' extension requests and decisions, the cause claims (pending or rejected) of the
 *   objectives measuring them, prior grades and decisions;
 * - integrity: every event id it rests on, evidence hashes, the rule set.
 * A task whose objective cause the commission confirmed is excused and does not count.
 * Refuses when the tasks do not reach the threshold (or the rule set refers no overdue tasks).
 */
export function buildOverdueTasksReferral(input: OverdueTasksReferralInput): Referral {
  const unitId = requireUnit(input.unit, null);
  const threshold = input.ruleSet.flagging.overdueTasks;
  const year = input.year ?? null;
  const streams = (input.tasks ?? []).filter((events) => events.length > 0);
  const byId = new Map(streams.map((events) => [events[0].data.taskId, events]));
  const records = streams
    .map((events) => fold(taskDecider, events.filter((event) => dateOf(event.data.at) <= input.asOf)))
    .filter((state): state is TaskRecord => state.status !== 'none' && state.assignment?.leadUnitId === unitId)
    .filter((record) => year === null || (record.deadline !== null && Number(record.deadline.slice(0, 4)) === year));
  const objectives = (input.objectives ?? [])
    .map((events) => ({ events, state: fold(objectiveDecider, events.filter((event) => dateOf(event.data.at) <= input.asOf)) }))
    .filter((entry): entry is { events: readonly LoggedEvent<ObjectiveEvent>[]; state: ObjectiveRecord } => entry.state.status !== 'none');
  const excused = tasksExcusedByObjectiveCauses(objectives.map((entry) => entry.state));
  const overdue = overdueTasksToFlag(records, input.asOf, input.ruleSet.flagging, excused);
  if (threshold === null || overdue.length === 0) throw domainError('REFERRAL.TASKS_NOT_OVERDUE', { unit: unitId, asOf: input.asOf });
  const flagged = overdue.map((task) => byId.get(task.taskId) as readonly LoggedEvent<TaskEvent>[]);
  const recordOf = (taskId: string) => records.find((entry) => entry.taskId === taskId) as TaskRecord;

  const earliestDeadline = overdue.map((task) => task.deadline).sort()[0];
  const chronology = new Chronology(earliestDeadline, input.asOf);
  for (const events of flagged) chronology.addTask(events);
  chronology.addNotices(input.inspections ?? [], unitId, overdue.map((task) => task.taskId));
  chronology.addInterviews(input.interviews ?? [], unitId);
  const entries = chronology.entries();

  const persons = new Map<string, ResponsiblePersonRef>();
  let headVacant = false;
  for (const task of [...overdue].sort((a, b) => compare(a.deadline, b.deadline))) {
    const subject = subjectOf(input, unitId, task.deadline);
    headVacant ||= subject.headVacant;
    for (const person of subject.persons) if (!persons.has(person.personId)) persons.set(person.personId, person);
  }
  const personIds = [...persons.keys()];

  const directives = new Map<string, readonly LoggedEvent<DirectiveEvent>[]>();
  for (const events of [...(input.directive ? [input.directive] : []), ...(input.directives ?? [])]) {
    const first = events[0];
    if (first !== undefined && !directives.has(first.data.directiveId)) directives.set(first.data.directiveId, events);
  }
  const flaggedDirectiveIds = [...new Set(overdue.map((task) => recordOf(task.taskId).directiveId))];
  const directiveOfSource = input.directive ?? directives.get(flaggedDirectiveIds[0]) ?? null;
  const documentNumberOf = (directiveId: string): string | null => {
    const events = directives.get(directiveId);
    if (events === undefined) return null;
    const state = fold(directiveDecider, events);
    return state.status === 'none' ? null : state.documentNumber;
  };

  // The cause claims of the objectives measuring the flagged tasks (none confirmed, or the tasks would be excused).
  const flaggedIds = new Set(overdue.map((task) => task.taskId));
  const causeEvents = objectives
    .filter(({ state }) => state.taskIds.some((taskId) => flaggedIds.has(taskId)))
    .flatMap(({ events }) => events.filter((event) => dateOf(event.data.at) <= input.asOf && CAUSE_EVENTS.has(event.type)));
  const mitigations = mitigationsOf({ ...input, objective: causeEvents }, flagged, { unitId, personIds, year: year ?? Number(input.asOf.slice(0, 4)), asOf: input.asOf });
  return {
    jurisdiction: input.ruleSet.jurisdiction,
    reasons: ['tasks_overdue'],
    subject: { unitId, resolvedOn: earliestDeadline, persons: [...persons.values()], headVacant },
    failure: {
      kind: 'tasks_overdue',
      asOf: input.asOf,
      year,
      minDaysOverdue: threshold.minDaysOverdue,
      minCount: threshold.minCount,
      tasks: overdue.map((task) => {
        const record = recordOf(task.taskId);
        return {
          taskId: task.taskId,
          title: record.title,
          directiveId: record.directiveId,
          documentNumber: documentNumberOf(record.directiveId),
          deadline: task.deadline,
          originalDeadline: record.assignment?.originalDeadline ?? task.deadline,
          daysOverdue: task.daysOverdue,
        };
      }),
      source: sourceOf(input.letter ?? null, directiveOfSource),
    },
    chronology: entries,
    mitigations,
    integrity: {
      eventIds: unique([
        ...flaggedDirectiveIds.flatMap((directiveId) => (directives.get(directiveId) ?? []).filter((event) => event.type === 'DirectiveIssued').map((event) => event.id)),
        ...chronology.events().map((event) => event.id),
        ...mitigations.causes.flatMap((cause) => cause.eventIds),
        ...mitigations.extensions.flatMap((extension) => extension.eventIds),
        ...priorEventIds(mitigations),
      ]),
      evidenceHashes: unique(evidenceOf([...chronology.events(), ...causeEvents])),
      ruleSetId: input.ruleSet.id,
    },
  };
}

const CAUSE_EVENTS: ReadonlySet<string> = new Set(['ObjectiveCauseClaimed', 'ObjectiveCauseConfirmed', 'ObjectiveCauseRejected']);

// ── Subject ────────────────────────────────────────────────────────────────────────────────────────────────────

function requireUnit(unit: UnitState, unitId: string | null): string {
  if (unit.status === 'unregistered' || (unitId !== null && unit.unitId !== unitId)) {
    throw domainError('REFERRAL.UNIT_MISMATCH', { unit: unit.status === 'unregistered' ? '—' : unit.unitId, expected: unitId ?? '—' });
  }
  return unit.unitId;
}

/** Responsibility is resolved on the day: the head then (not today's), and the deputies in charge then. */
function subjectOf(input: ReferralContext, unitId: string, on: IsoDate): ReferralSubject {
  const persons: ResponsiblePersonRef[] = [];
  const head = headOn(input.unit, on);
  if (head !== null) {
    persons.push({
      personId: head.personId,
      name: head.name,
      postTitle: head.postTitle,
      unitId,
      responsibility: 'main',
      basis: 'head_at_deadline',
      tenure: { from: head.from, to: head.to },
    });
  }
  for (const deputy of deputiesOn(input.unit, on)) {
    if (!(input.deputiesInCharge ?? []).includes(deputy.personId)) continue;
    persons.push({
      personId: deputy.personId,
      name: deputy.name,
      postTitle: deputy.postTitle,
      unitId,
      responsibility: 'important',
      basis: 'deputy_in_charge',
      tenure: { from: deputy.from, to: deputy.to },
    });
  }
  return { unitId, resolvedOn: on, persons, headVacant: head === null };
}

// ── Chronology ─────────────────────────────────────────────────────────────────────────────────────────────────

type Candidate = { entry: ChronologyEntry; event: AnyLogged; order: number };

/** Collects entries within the window (up to `until`), then sorts them by when they happened. */
class Chronology {
  private readonly candidates: Candidate[] = [];
  /** Events the entries rest on without being entries themselves: the findings a notice made public. */
  private readonly related: AnyLogged[] = [];
  constructor(
    private readonly deadline: IsoDate,
    private readonly until: IsoDate,
  ) {}

  add(event: AnyLogged, kind: ChronologyKind, summary: string, on: IsoDate = dateOf(event.data.at)): void {
    if (isAfter(on, this.until)) return;
    if (this.candidates.some((candidate) => candidate.entry.eventId === event.id)) return;
    this.candidates.push({
      entry: {
        on,
        at: event.data.at,
        kind,
        eventId: event.id,
        streamId: event.streamId,
        eventType: event.type,
        summary,
        beforeDeadline: !isAfter(on, this.deadline),
      },
      event,
      order: this.candidates.length,
    });
  }

  addTask(events: readonly LoggedEvent<TaskEvent>[]): void {
    for (const event of events) {
      const kind = TASK_CHRONOLOGY[event.type];
      if (kind !== undefined) this.add(event, kind, summarizeTaskEvent(event));
    }
  }

  /** Notices that name the unit, or one of the tasks, in one of their findings, and are addressed to the unit. */
  addNotices(inspections: readonly (readonly LoggedEvent<InspectionEvent>[])[], unitId: string, taskIds: readonly string[]): void {
    for (const events of inspections) {
      const findings = new Map<string, LoggedEvent<Extract<InspectionEvent, { type: 'FindingRecorded' }>>>();
      for (const event of events) {
        if (event.type === 'FindingRecorded') findings.set(event.data.findingId, event);
        if (event.type !== 'NoticePublished' || !event.data.addressees.includes(unitId)) continue;
        const about = event.data.findingIds
          .map((findingId) => findings.get(findingId))
          .filter((finding) => finding !== undefined)
          .filter(({ data: { subject } }) => subject.unitId === unitId || (subject.taskId !== null && taskIds.includes(subject.taskId)));
        if (about.length === 0 || isAfter(dateOf(event.data.at), this.until)) continue;
        const verdicts = [...new Set(about.map((finding) => finding.data.verdict))].join(', ');
        this.add(event, 'inspection_notice', `Notice ${event.data.documentNumber} (${event.data.kind}): ${verdicts} of ${unitId} — ${event.data.title}`);
        this.related.push(...about);
      }
    }
  }

  addInterviews(interviews: readonly LoggedEvent<InterviewEvent>[], unitId: string): void {
    for (const event of interviews) {
      if (event.data.subjectUnitId !== unitId) continue;
      const attendees = event.data.attendees.map((attendee) => attendee.name).join(', ');
      this.add(event, 'interview', `Interview (约谈) of ${unitId}: ${event.data.subject}; attended by ${attendees}`, event.data.heldOn);
    }
  }

  entries(): ChronologyEntry[] {
    return this.sorted().map((candidate) => candidate.entry);
  }

  /** The entries' events, in chronological order, then the events they rest on. */
  events(): AnyLogged[] {
    return [...this.sorted().map((candidate) => candidate.event), ...this.related];
  }

  private sorted(): Candidate[] {
    return [...this.candidates].sort(
      (a, b) =>
        compare(a.entry.on, b.entry.on) ||
        Date.parse(a.entry.at) - Date.parse(b.entry.at) ||
        (a.event.position ?? 0) - (b.event.position ?? 0) ||
        a.order - b.order,
    );
  }
}

const TASK_CHRONOLOGY: { readonly [T in TaskEvent['type']]?: ChronologyKind } = {
  TaskAssigned: 'assignment',
  TaskAcknowledged: 'acknowledgement',
  ProgressReported: 'progress_report',
  CompletionReported: 'completion_report',
  ReminderIssued: 'reminder',
  ExtensionRequested: 'extension_request',
  ExtensionGranted: 'extension_granted',
  ExtensionDenied: 'extension_denied',
};

/** An objective without tasks: its definition is the assignment, the lower party's signature the acknowledgement. */
function addObjectiveAssignment(
  chronology: Chronology,
  objective: readonly LoggedEvent<ObjectiveEvent>[],
  letter: readonly LoggedEvent<ResponsibilityLetterEvent>[] | null,
  unitId: string,
): void {
  for (const event of objective) {
    if (event.type === 'ObjectiveDefined') chronology.add(event, 'assignment', summarizeObjectiveEvent(event));
  }
  for (const event of letter ?? []) {
    if (event.type === 'ResponsibilityLetterSigned' && event.data.party === 'lower') {
      chronology.add(event, 'acknowledgement', `Responsibility letter signed for ${unitId} by ${event.data.by.id}`);
    }
  }
}

function objectiveExtensionKind(event: LoggedEvent<ObjectiveEvent>): ChronologyKind | null {
  switch (event.type) {
    case 'ObjectiveExtensionRequested':
      return 'extension_request';
    case 'ObjectiveExtensionGranted':
      return 'extension_granted';
    case 'ObjectiveExtensionDenied':
      return 'extension_denied';
    default:
      return null;
  }
}

function summarizeTaskEvent(event: TaskEvent): string {
  const by = event.data.by.id;
  switch (event.type) {
    case 'TaskAssigned':
      return `Task ${event.data.taskId} assigned to ${event.data.leadUnitId} (responsible: ${event.data.responsible.name}), deadline ${event.data.deadline}`;
    case 'TaskAcknowledged':
      return `Task ${event.data.taskId} acknowledged by ${by}`;
    case 'ProgressReported':
      return `Progress on ${event.data.taskId}: ${event.data.percent}% — ${event.data.narrative}`;
    case 'CompletionReported':
      return `Completion of ${event.data.taskId} reported by ${by}`;
    case 'ReminderIssued':
      return `Reminder (催办) on ${event.data.taskId} by ${by} (${event.data.channel}): ${event.data.message}`;
    case 'ExtensionRequested':
      return `Extension of ${event.data.taskId} to ${event.data.requestedDeadline} requested by ${by}`;
    case 'ExtensionGranted':
      return `Extension of ${event.data.taskId} to ${event.data.newDeadline} granted by ${by}`;
    case 'ExtensionDenied':
      return `Extension of ${event.data.taskId} denied by ${by}: ${event.data.reason}`;
    default:
      return `${event.type} on ${event.data.taskId}`;
  }
}

function summarizeObjectiveEvent(event: ObjectiveEvent): string {
  const by = event.data.by.id;
  switch (event.type) {
    case 'ObjectiveDefined':
      return `Objective ${event.data.objectiveId} set for ${event.data.unitId}: ${event.data.metric}, target ${event.data.target} ${event.data.unitOfMeasure} by ${event.data.deadline}`;
    case 'ObjectiveExtensionRequested':
      return `Extension of objective ${event.data.objectiveId} to ${event.data.requestedDeadline} requested by ${by}`;
    case 'ObjectiveExtensionGranted':
      return `Extension of objective ${event.data.objectiveId} to ${event.data.newDeadline} granted by ${by}`;
    case 'ObjectiveExtensionDenied':
      return `Extension of objective ${event.data.objectiveId} denied by ${by}: ${event.data.reason}`;
    case 'ObjectiveEvaluated': {
      const { outcome, actual, target, ratioToPlan, unitOfMeasure } = event.data;
      const ratio = ratioToPlan === null ? 'no ratio' : `${(ratioToPlan * 100).toFixed(1)}% of plan`;
      return `Objective ${event.data.objectiveId} evaluated: ${outcome}, ${actual ?? 'nothing reported'} of ${target} ${unitOfMeasure} (${ratio})`;
    }
    default:
      return `${event.type} on ${event.data.objectiveId}`;
  }
}

// ── Failure source, mitigations, evidence ──────────────────────────────────────────────────────────────────────

function sourceOf(
  letterEvents: readonly LoggedEvent<ResponsibilityLetterEvent>[] | null,
  directiveEvents: readonly LoggedEvent<DirectiveEvent>[] | null,
): ReferralSource {
  const letter = letterEvents === null ? null : fold(responsibilityLetterDecider, letterEvents);
  const directive = directiveEvents === null ? null : fold(directiveDecider, directiveEvents);
  return {
    letter:
      letter === null || letter.status === 'none'
        ? null
        : {
            letterId: letter.letterId,
            documentNumber: letter.documentNumber,
            title: letter.title,
            year: letter.year,
            upperUnitId: letter.upperUnitId,
            lowerUnitId: letter.lowerUnitId,
            inForceFrom: letter.inForceFrom,
          },
    directive:
      directive === null || directive.status === 'none'
        ? null
        : {
            directiveId: directive.directiveId,
            documentNumber: directive.documentNumber,
            title: directive.title,
            issuedOn: directive.issuedOn,
          },
  };
}

/** Who and what the prior record is looked up for: the unit, the persons named, the referral's year and day. */
type PriorScope = Pick<PriorRecordInput, 'unitId' | 'personIds' | 'year' | 'asOf'>;

function mitigationsOf(input: ObjectiveReferralInput, tasks: readonly (readonly LoggedEvent<TaskEvent>[])[], scope: PriorScope): ReferralMitigations {
  const causes = new Map<string, CauseRef>();
  const extensions = new Map<string, ExtensionRef>();
  const approvedRevisions: ReferralMitigations['approvedRevisions'] = [];
  for (const event of input.objective) {
    const on = dateOf(event.data.at);
    switch (event.type) {
      case 'ObjectiveCauseClaimed':
        causes.set(event.data.claimId, {
          claimId: event.data.claimId,
          kind: event.data.kind,
          cause: event.data.cause,
          decision: 'pending',
          claimedOn: on,
          decidedOn: null,
          eventIds: [event.id],
        });
        break;
      case 'ObjectiveCauseConfirmed':
      case 'ObjectiveCauseRejected': {
        const cause = causes.get(event.data.claimId);
        if (cause === undefined) break;
        cause.decision = event.type === 'ObjectiveCauseConfirmed' ? 'confirmed' : 'rejected';
        cause.decidedOn = on;
        cause.eventIds.push(event.id);
        break;
      }
      case 'ObjectiveExtensionRequested':
        extensions.set(`${event.streamId}/${event.data.requestId}`, {
          streamId: event.streamId,
          requestId: event.data.requestId,
          requestedOn: on,
          requestedDeadline: event.data.requestedDeadline,
          decision: 'pending',
          eventIds: [event.id],
        });
        break;
      case 'ObjectiveExtensionGranted':
      case 'ObjectiveExtensionDenied':
        decideExtension(extensions, event.streamId, event.data.requestId, event.type === 'ObjectiveExtensionGranted', event.id);
        break;
      case 'RevisionApproved':
        approvedRevisions.push({
          revisionId: event.data.revisionId,
          previousTarget: event.data.previousTarget,
          newTarget: event.data.newTarget,
          signOffId: event.data.signOffId,
          eventId: event.id,
        });
        break;
      default:
        break;
    }
  }
  for (const events of tasks) {
    for (const event of events) {
      if (event.type === 'ExtensionRequested') {
        extensions.set(`${event.streamId}/${event.data.requestId}`, {
          streamId: event.streamId,
          requestId: event.data.requestId,
          requestedOn: dateOf(event.data.at),
          requestedDeadline: event.data.requestedDeadline,
          decision: 'pending',
          eventIds: [event.id],
        });
      } else if (event.type === 'ExtensionGranted' || event.type === 'ExtensionDenied') {
        decideExtension(extensions, event.streamId, event.data.requestId, event.type === 'ExtensionGranted', event.id);
      }
    }
  }
  const prior = priorRecordOf({ ...scope, ...input.prior, units: [input.unit, ...(input.prior?.units ?? [])] });
  return {
    causes: [...causes.values()],
    extensions: [...extensions.values()],
    approvedRevisions,
    priorGrades: uniqueBy([...prior.priorGrades, ...(input.priorGrades ?? [])], (grade) => `${grade.eventId}/${grade.subject}/${grade.unitId}/${grade.personId}`).map((grade) => ({ ...grade })),
    priorDecisions: uniqueBy([...prior.priorDecisions, ...(input.priorDecisions ?? [])], (decision) => `${decision.caseId}/${decision.personId}`).map((decision) => ({ ...decision })),
  };
}

/** The events the prior grades and decisions rest on. */
function priorEventIds(mitigations: ReferralMitigations): string[] {
  return [...mitigations.priorGrades.map((grade) => grade.eventId), ...mitigations.priorDecisions.map((decision) => decision.eventId)];
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const value of values) if (!seen.has(key(value))) seen.set(key(value), value);
  return [...seen.values()];
}

function decideExtension(extensions: Map<string, ExtensionRef>, streamId: string, requestId: string, granted: boolean, eventId: string): void {
  const extension = extensions.get(`${streamId}/${requestId}`);
  if (extension === undefined) return;
  extension.decision = granted ? 'granted' : 'denied';
  extension.eventIds.push(eventId);
}

/** The evidence hashes the events carry: reports' and claims' evidence, findings' evidence, interview minutes. */
function evidenceOf(events: readonly { type: string; data: unknown }[]): string[] {
  const hashes: string[] = [];
  for (const event of events) {
    const data = event.data as { evidence?: unknown; minutesHash?: unknown };
    if (Array.isArray(data.evidence)) hashes.push(...(data.evidence as string[]));
    if (typeof data.minutesHash === 'string') hashes.push(data.minutesHash);
  }
  return hashes;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
