import { gradeLabels, headGradeFor, ruleSetById, type AppraisalRecord, type InspectionRecord, type RuleSet } from '@ledger/domain';
import { unitAppraisal, type LedgerReadModels, type RecordView } from '@ledger/projections';
import type { AppraisalReportView, GradeView, InspectionNoticeView, LedgerStamp, Names, TimelinessCounts, UnitRef } from '@ledger/reports';
import type { ReadScope } from '../read-models/read-scope';

/**
 * From the read models to the reports' plain views. What a reader may see follows READ_SCOPE as the JSON endpoints
 * do: the cycle's grades as `GET /v1/appraisals/{cycleId}` serves them, a unit's counts and heads only when the
 * unit is readable (as `GET /v1/appraisals/units/{unitId}/{year}` requires).
 */

export interface ReportContext {
  readonly models: LedgerReadModels;
  readonly scope: ReadScope;
  readonly ledger: LedgerStamp;
  readonly generatedAt: string;
  readonly timeZoneOffset: string;
}

function namesOf(models: LedgerReadModels, unitId: string): Names | null {
  return models.organisation.units.get(unitId)?.record.names ?? null;
}

function grade(ruleSet: RuleSet | null, id: string | null | undefined, scale: 'unit' | 'cadre' = 'unit'): GradeView | null {
  if (id === null || id === undefined) return null;
  const labels = ruleSet ? gradeLabels(ruleSet, id, scale) : null;
  return { id, labels: labels ?? { en: id, vi: id, zh: id } };
}

const PUBLISHED = new Set(['published', 'appealed', 'final']);

export function appraisalReportView(ctx: ReportContext, cycle: RecordView<AppraisalRecord>): AppraisalReportView {
  const { models, scope } = ctx;
  const record = cycle.record;
  // The rule set the cycle recorded (a published one is known to no code registry); older records name a built-in one.
  const ruleSet = record.ruleSet ?? ruleSetById(record.ruleSetId);
  const inForce = (unitId: string) => record.grades.find((entry) => entry.unitId === unitId)?.grade ?? null;
  const units = record.unitIds.map((unitId) => {
    const result = record.results.find((score) => score.unitId === unitId) ?? null;
    const common = {
      unitId,
      names: namesOf(models, unitId),
      score: result?.score ?? null,
      proposedGrade: grade(ruleSet, result?.proposedGrade),
      finalGrade: PUBLISHED.has(record.status) ? grade(ruleSet, inForce(unitId)) : null,
    };
    if (!scope.unit(unitId)) return { ...common, tasks: null, objectives: null, findings: null };
    const appraisal = unitAppraisal(models, unitId, record.year);
    const t = appraisal.tasks.byTimeliness;
    const tasks: TimelinessCounts = {
      total: appraisal.tasks.total,
      doneOnTime: t.done_on_time,
      doneLate: t.done_late,
      notDoneWithinDeadline: t.not_done_within_deadline,
      notDoneOverdue: t.not_done_overdue,
    };
    const o = appraisal.objectives.byOutcome;
    return {
      ...common,
      tasks,
      objectives: { total: appraisal.objectives.total, exceeded: o.exceeded, met: o.met, missed: o.missed, excused: o.excused, notEvaluated: o.not_evaluated },
      findings: { praise: appraisal.findings.praise, criticism: appraisal.findings.criticism, neutral: appraisal.findings.neutral },
    };
  });
  const from = `${record.year}-01-01`;
  const to = `${record.year}-12-31`;
  const cadres = record.unitIds
    .filter((unitId) => scope.unit(unitId))
    .flatMap((unitId) => {
      const unit = models.organisation.units.get(unitId);
      const unitGradeId = inForce(unitId) ?? record.results.find((score) => score.unitId === unitId)?.proposedGrade ?? null;
      return (unit?.record.heads ?? [])
        .filter((tenure) => tenure.from <= to && (tenure.to === null || tenure.to >= from))
        .map((tenure) => ({
          personId: tenure.personId,
          name: tenure.name,
          postTitle: tenure.postTitle,
          unitId,
          unitNames: unit?.record.names ?? null,
          from: tenure.from,
          to: tenure.to,
          unitGrade: grade(ruleSet, unitGradeId),
          headGrade: ruleSet && unitGradeId ? grade(ruleSet, headGradeFor(ruleSet, unitGradeId), 'cadre') : null,
        }));
    });
  const moves = record.moves.map((move) => {
    const base = { unitId: move.unitId, unitNames: namesOf(models, move.unitId), from: grade(ruleSet, move.from)!, to: grade(ruleSet, move.to)! };
    switch (move.reason) {
      case 'quota':
        return { ...base, reason: 'quota' as const, rank: move.rank, limit: move.limit, poolSize: move.poolSize, tie: move.tie };
      case 'council':
        return { ...base, reason: 'council' as const, note: move.note };
      case 'appeal':
        return { ...base, reason: 'appeal' as const, appealId: move.appealId, note: move.note };
    }
  });
  return {
    cycle: {
      cycleId: record.cycleId,
      year: record.year,
      peerGroup: record.peerGroup,
      status: record.status,
      ownerUnitId: record.ownerUnitId,
      ownerUnitNames: namesOf(models, record.ownerUnitId),
      ruleSetId: record.ruleSetId,
      ruleSetName: ruleSet?.name ?? null,
      signOffId: record.signOffId,
    },
    units,
    cadres,
    moves,
    appeals: record.appeals.map((appeal) => ({ appealId: appeal.appealId, unitId: appeal.unitId, unitNames: namesOf(models, appeal.unitId), appellantId: appeal.appellantId, decision: appeal.decision })),
    ledger: ctx.ledger,
    generatedAt: ctx.generatedAt,
    timeZoneOffset: ctx.timeZoneOffset,
  };
}

/** The inspections that published a notice with this id (`<inspectionId>:<noticeId>` names one inspection). */
export function inspectionsWithNotice(models: LedgerReadModels, reference: string): { view: RecordView<InspectionRecord>; noticeId: string }[] {
  const colon = reference.indexOf(':');
  const inspectionId = colon >= 0 ? reference.slice(0, colon) : null;
  const noticeId = colon >= 0 ? reference.slice(colon + 1) : reference;
  const candidates = inspectionId === null ? [...models.inspections.values()] : [models.inspections.get(inspectionId)].filter((view) => view !== undefined);
  return candidates.filter((view) => view.record.notices.some((notice) => notice.noticeId === noticeId)).map((view) => ({ view, noticeId }));
}

/** Who may read an inspection (and so its notices): as `GET /v1/inspections/{id}`, the office or a unit it names. */
export function inspectionOffice(view: RecordView<InspectionRecord>): string {
  return view.events[0]?.actor.unit ?? '';
}

export function canReadInspection(scope: ReadScope, view: RecordView<InspectionRecord>): boolean {
  return [inspectionOffice(view), ...view.record.unitIds].some((unitId) => scope.unit(unitId));
}

export function inspectionNoticeView(ctx: ReportContext, view: RecordView<InspectionRecord>, noticeId: string): InspectionNoticeView {
  const { models } = ctx;
  const record = view.record;
  const notice = record.notices.find((entry) => entry.noticeId === noticeId)!;
  const published = view.events.find((entry) => entry.type === 'NoticePublished' && entry.data.noticeId === noticeId)!;
  const data = published.data as { title: string; praisedUnitIds: string[]; criticisedUnitIds: string[] };
  const ref = (unitId: string): UnitRef => ({ unitId, names: namesOf(models, unitId) });
  const dataOf = <T>(type: string, key: string, id: string): T | undefined => view.events.find((entry) => entry.type === type && entry.data[key] === id)?.data as T | undefined;
  const findings = notice.findingIds.map((findingId) => {
    const finding = record.findings.find((entry) => entry.findingId === findingId)!;
    const recorded = dataOf<{ text: string }>('FindingRecorded', 'findingId', findingId);
    return {
      findingId,
      unit: ref(finding.subject.unitId),
      taskId: finding.subject.taskId,
      verdict: finding.verdict,
      severity: finding.severity,
      text: recorded?.text ?? '',
      recordedOn: finding.recordedOn,
    };
  });
  const rectifications = record.rectifications
    .filter((entry) => entry.findingIds.some((findingId) => notice.findingIds.includes(findingId)))
    .map((entry) => ({
      rectificationId: entry.rectificationId,
      unit: ref(entry.unitId),
      findingIds: entry.findingIds,
      requirement: dataOf<{ requirement: string }>('RectificationOrdered', 'rectificationId', entry.rectificationId)?.requirement ?? '',
      deadline: entry.deadline,
      status: entry.status,
      reportedOn: entry.report?.reportedOn ?? null,
    }));
  return {
    notice: { noticeId, documentNumber: notice.documentNumber, kind: notice.kind, title: data.title, publishedOn: notice.publishedOn, eventId: published.eventId, position: published.position },
    inspection: { inspectionId: record.inspectionId, kind: record.kind, title: record.title, periodFrom: record.periodFrom, periodTo: record.periodTo },
    issuer: ref(inspectionOffice(view)),
    addressees: notice.addressees.map(ref),
    praised: data.praisedUnitIds.map(ref),
    criticised: data.criticisedUnitIds.map(ref),
    findings,
    rectifications,
    ledger: ctx.ledger,
    generatedAt: ctx.generatedAt,
    timeZoneOffset: ctx.timeZoneOffset,
  };
}
