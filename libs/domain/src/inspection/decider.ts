import { type ActorRef, actorRef } from '../shared/actor';
import { dateOf, isAfter, isBefore, type IsoDate } from '../shared/dates';
import type { Decider } from '../shared/decider';
import { domainError } from '../shared/domain-error';
import type { Role } from '../shared/roles';
import { isDocumentNumber } from '../shared/streams';
import {
  checkEnvelope,
  isId,
  optionalText,
  requireDate,
  requireHashList,
  requireId,
  requireIdList,
  requireOneOf,
  requireReason,
  requireText,
} from '../shared/validate';
import type {
  CloseInspection,
  InspectionCommand,
  OrderRectification,
  PublishInspectionNotice,
  RecordFinding,
  ReportRectification,
  ReturnRectification,
  ScheduleInspection,
  VerifyRectification,
} from './commands';
import {
  FINDING_SEVERITIES,
  FINDING_VERDICTS,
  type FindingSeverity,
  type FindingSubject,
  type FindingVerdict,
  INSPECTION_KINDS,
  type InspectionEvent,
  type InspectionKind,
  NOTICE_KINDS,
  type NoticeKind,
} from './events';

export type Finding = {
  findingId: string;
  subject: FindingSubject;
  verdict: FindingVerdict;
  severity: FindingSeverity | null;
  recordedOn: IsoDate;
};
export type Notice = {
  noticeId: string;
  documentNumber: string;
  kind: NoticeKind;
  publishedOn: IsoDate;
  findingIds: string[];
  addressees: string[];
};
export type Rectification = {
  rectificationId: string;
  unitId: string;
  findingIds: string[];
  deadline: IsoDate;
  status: 'ordered' | 'reported' | 'returned' | 'verified';
  /** The latest report: the one verified, once verified. */
  report: { reportedBy: string; reportedOn: IsoDate } | null;
};

export type InspectionRecord = {
  status: 'scheduled' | 'closed';
  inspectionId: string;
  kind: InspectionKind;
  title: string;
  periodFrom: IsoDate;
  periodTo: IsoDate;
  unitIds: string[];
  findings: Finding[];
  notices: Notice[];
  rectifications: Rectification[];
};

export type InspectionState = { status: 'none' } | InspectionRecord;

type Recorded = { inspectionId: string; at: string; by: ActorRef };

const INSPECTOR_ROLES: readonly Role[] = ['inspector'];
const VERIFIER_ROLES: readonly Role[] = ['inspector', 'leader'];

/** The roles the inspection decider itself insists on, whatever the authorization table says (it must agree). */
export const INSPECTION_DECIDER_ROLES = {
  ScheduleInspection: INSPECTOR_ROLES,
  RecordFinding: INSPECTOR_ROLES,
  PublishInspectionNotice: INSPECTOR_ROLES,
  OrderRectification: INSPECTOR_ROLES,
  VerifyRectification: VERIFIER_ROLES,
  ReturnRectification: VERIFIER_ROLES,
  CloseInspection: INSPECTOR_ROLES,
} as const;

export const inspectionDecider: Decider<InspectionState, InspectionCommand, InspectionEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

function decide(command: InspectionCommand, state: InspectionState): InspectionEvent[] {
  checkEnvelope(command);
  const recorded: Recorded = {
    inspectionId: requireId(command.inspectionId, 'inspectionId'),
    at: command.now,
    by: actorRef(command.actor),
  };
  const roles = (INSPECTION_DECIDER_ROLES as { readonly [command: string]: readonly Role[] | undefined })[command.type];
  if (roles !== undefined && !roles.includes(command.actor.role)) {
    throw domainError('INSPECTION.ROLE_NOT_ALLOWED', { role: command.actor.role, command: command.type });
  }
  switch (command.type) {
    case 'ScheduleInspection':
      return schedule(command, state, recorded);
    case 'RecordFinding':
      return recordFinding(command, state, recorded);
    case 'PublishInspectionNotice':
      return publishNotice(command, state, recorded);
    case 'OrderRectification':
      return orderRectification(command, state, recorded);
    case 'ReportRectification':
      return reportRectification(command, state, recorded);
    case 'VerifyRectification':
      return verifyRectification(command, state, recorded);
    case 'ReturnRectification':
      return returnRectification(command, state, recorded);
    case 'CloseInspection':
      return close(command, state, recorded);
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown inspection command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function open(state: InspectionState, inspectionId: string): InspectionRecord {
  if (state.status === 'none') throw domainError('INSPECTION.NOT_FOUND', { inspection: inspectionId });
  if (state.status === 'closed') throw domainError('INSPECTION.CLOSED', { inspection: state.inspectionId });
  return state;
}

function schedule(command: ScheduleInspection, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  if (state.status !== 'none') throw domainError('INSPECTION.ALREADY_SCHEDULED', { inspection: command.inspectionId });
  const kind = requireOneOf(command.kind, INSPECTION_KINDS, 'kind');
  const title = requireText(command.title, 'title');
  const periodFrom = requireDate(command.periodFrom, 'periodFrom');
  const periodTo = requireDate(command.periodTo, 'periodTo');
  if (isBefore(periodTo, periodFrom)) {
    throw domainError('INSPECTION.PERIOD_INVALID', { field: 'periodTo', periodFrom, periodTo });
  }
  const unitIds = requireIdList(command.unitIds, 'unitIds');
  if (unitIds.length === 0) throw domainError('INSPECTION.NO_UNITS', { field: 'unitIds' });
  return [{ type: 'InspectionScheduled', data: { ...recorded, kind, title, periodFrom, periodTo, unitIds } }];
}

/** A criticism says how serious it is; praise and neutral findings have no severity. */
function recordFinding(command: RecordFinding, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const inspection = open(state, command.inspectionId);
  const findingId = requireId(command.findingId, 'findingId');
  if (inspection.findings.some((finding) => finding.findingId === findingId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'findingId', value: findingId });
  }
  const unitId = requireId(command.subject?.unitId, 'subject.unitId');
  if (!inspection.unitIds.includes(unitId)) {
    throw domainError('INSPECTION.UNIT_NOT_INSPECTED', { field: 'subject.unitId', unit: unitId });
  }
  const taskId = command.subject.taskId === null || command.subject.taskId === undefined ? null : requireId(command.subject.taskId, 'subject.taskId');
  const verdict = requireOneOf(command.verdict, FINDING_VERDICTS, 'verdict');
  const severity = command.severity === null || command.severity === undefined ? null : requireOneOf(command.severity, FINDING_SEVERITIES, 'severity');
  if ((verdict === 'criticism') !== (severity !== null)) {
    throw domainError('INSPECTION.SEVERITY_MISMATCH', { field: 'severity', verdict });
  }
  const text = requireText(command.text, 'text');
  const evidence = requireHashList(command.evidence, 'evidence');
  return [
    {
      type: 'FindingRecorded',
      data: { ...recorded, findingId, subject: { unitId, taskId }, verdict, severity, text, evidence },
    },
  ];
}

/**
 * A notice makes findings public. Every unit a finding names must be among the addressees (a unit is told what is
 * said about it); a praise notice criticises nobody, a criticism notice criticises someone.
 */
function publishNotice(command: PublishInspectionNotice, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const inspection = open(state, command.inspectionId);
  const noticeId = requireId(command.noticeId, 'noticeId');
  if (inspection.notices.some((notice) => notice.noticeId === noticeId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'noticeId', value: noticeId });
  }
  if (!isDocumentNumber(command.documentNumber)) {
    throw domainError('DOCNO.NUMBER_INVALID', { field: 'documentNumber', value: String(command.documentNumber) });
  }
  const documentNumber = command.documentNumber.normalize('NFC');
  if (inspection.notices.some((notice) => notice.documentNumber === documentNumber)) {
    throw domainError('INSPECTION.NOTICE_NUMBER_USED', { field: 'documentNumber', documentNumber });
  }
  const kind = requireOneOf(command.kind, NOTICE_KINDS, 'kind');
  const title = requireText(command.title, 'title');
  const findingIds = requireIdList(command.findingIds, 'findingIds');
  if (findingIds.length === 0) throw domainError('INSPECTION.NOTICE_WITHOUT_FINDINGS', { field: 'findingIds' });
  const findings = findingIds.map((findingId) => knownFinding(inspection, findingId));
  const criticisms = findings.filter((finding) => finding.verdict === 'criticism');
  if ((kind === 'praise' && criticisms.length > 0) || (kind === 'criticism' && criticisms.length === 0)) {
    throw domainError('INSPECTION.NOTICE_KIND_MISMATCH', { field: 'kind', kind });
  }
  const addressees = requireIdList(command.addressees, 'addressees');
  for (const finding of findings) {
    if (!addressees.includes(finding.subject.unitId)) {
      throw domainError('INSPECTION.ADDRESSEE_MISSING', { field: 'addressees', unit: finding.subject.unitId });
    }
  }
  const unitsWith = (verdict: FindingVerdict): string[] => [
    ...new Set(findings.filter((finding) => finding.verdict === verdict).map((finding) => finding.subject.unitId)),
  ];
  return [
    {
      type: 'NoticePublished',
      data: {
        ...recorded,
        noticeId,
        documentNumber,
        kind,
        title,
        publishedOn: dateOf(command.now),
        findingIds,
        addressees,
        praisedUnitIds: unitsWith('praise'),
        criticisedUnitIds: unitsWith('criticism'),
      },
    },
  ];
}

/** Rectification answers criticism: of the unit ordered, at least one criticism among the findings. */
function orderRectification(command: OrderRectification, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const inspection = open(state, command.inspectionId);
  const rectificationId = requireId(command.rectificationId, 'rectificationId');
  if (inspection.rectifications.some((entry) => entry.rectificationId === rectificationId)) {
    throw domainError('COMMON.DUPLICATE_VALUE', { field: 'rectificationId', value: rectificationId });
  }
  const unitId = requireId(command.unitId, 'unitId');
  if (!inspection.unitIds.includes(unitId)) throw domainError('INSPECTION.UNIT_NOT_INSPECTED', { field: 'unitId', unit: unitId });
  const findingIds = requireIdList(command.findingIds, 'findingIds');
  const findings = findingIds.map((findingId) => knownFinding(inspection, findingId));
  for (const finding of findings) {
    if (finding.subject.unitId !== unitId) {
      throw domainError('INSPECTION.FINDING_NOT_ABOUT_UNIT', { field: 'findingIds', finding: finding.findingId, unit: unitId });
    }
  }
  if (!findings.some((finding) => finding.verdict === 'criticism')) {
    throw domainError('INSPECTION.RECTIFICATION_NEEDS_CRITICISM', { field: 'findingIds' });
  }
  const requirement = requireText(command.requirement, 'requirement');
  const deadline = requireDate(command.deadline, 'deadline');
  const today = dateOf(command.now);
  if (isBefore(deadline, today)) throw domainError('INSPECTION.DEADLINE_IN_PAST', { field: 'deadline', deadline, today });
  return [{ type: 'RectificationOrdered', data: { ...recorded, rectificationId, unitId, findingIds, requirement, deadline } }];
}

function reportRectification(command: ReportRectification, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const rectification = knownRectification(open(state, command.inspectionId), command.rectificationId);
  if (rectification.status === 'verified') {
    throw domainError('INSPECTION.RECTIFICATION_VERIFIED', { rectification: rectification.rectificationId });
  }
  if (rectification.status === 'reported') {
    throw domainError('INSPECTION.RECTIFICATION_AWAITING_VERIFICATION', { rectification: rectification.rectificationId });
  }
  const narrative = requireText(command.narrative, 'narrative');
  const evidence = requireHashList(command.evidence, 'evidence');
  return [{ type: 'RectificationReported', data: { ...recorded, rectificationId: rectification.rectificationId, narrative, evidence } }];
}

/** Verification and return check someone else's report (segregation of duties). */
function rectificationUnderReview(
  command: VerifyRectification | ReturnRectification,
  state: InspectionState,
): Rectification & { report: { reportedBy: string; reportedOn: IsoDate } } {
  const rectification = knownRectification(open(state, command.inspectionId), command.rectificationId);
  if (rectification.status !== 'reported' || rectification.report === null) {
    throw domainError('INSPECTION.RECTIFICATION_NOT_REPORTED', { rectification: rectification.rectificationId });
  }
  if (command.actor.id === rectification.report.reportedBy) throw domainError('INSPECTION.SELF_VERIFICATION', {});
  return rectification as Rectification & { report: { reportedBy: string; reportedOn: IsoDate } };
}

function verifyRectification(command: VerifyRectification, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const rectification = rectificationUnderReview(command, state);
  return [
    {
      type: 'RectificationVerified',
      data: {
        ...recorded,
        rectificationId: rectification.rectificationId,
        comment: optionalText(command.comment),
        onTime: !isAfter(rectification.report.reportedOn, rectification.deadline),
      },
    },
  ];
}

function returnRectification(command: ReturnRectification, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const rectification = rectificationUnderReview(command, state);
  const reason = requireReason(command.reason);
  return [{ type: 'RectificationReturned', data: { ...recorded, rectificationId: rectification.rectificationId, reason } }];
}

function close(command: CloseInspection, state: InspectionState, recorded: Recorded): InspectionEvent[] {
  const inspection = open(state, command.inspectionId);
  const unfinished = inspection.rectifications.find((entry) => entry.status !== 'verified');
  if (unfinished) throw domainError('INSPECTION.RECTIFICATION_OPEN', { rectification: unfinished.rectificationId });
  return [{ type: 'InspectionClosed', data: { ...recorded, comment: optionalText(command.comment) } }];
}

function knownFinding(inspection: InspectionRecord, findingId: string): Finding {
  const finding = inspection.findings.find((entry) => entry.findingId === findingId);
  if (!finding) throw domainError('INSPECTION.FINDING_NOT_FOUND', { field: 'findingIds', finding: findingId });
  return finding;
}

function knownRectification(inspection: InspectionRecord, rectificationId: unknown): Rectification {
  const rectification = isId(rectificationId)
    ? inspection.rectifications.find((entry) => entry.rectificationId === rectificationId)
    : undefined;
  if (!rectification) {
    throw domainError('INSPECTION.RECTIFICATION_NOT_FOUND', { field: 'rectificationId', rectification: String(rectificationId) });
  }
  return rectification;
}

function evolve(state: InspectionState, event: InspectionEvent): InspectionState {
  if (event.type === 'InspectionScheduled') {
    const { inspectionId, kind, title, periodFrom, periodTo, unitIds } = event.data;
    return {
      status: 'scheduled',
      inspectionId,
      kind,
      title,
      periodFrom,
      periodTo,
      unitIds,
      findings: [],
      notices: [],
      rectifications: [],
    };
  }
  if (state.status === 'none') return state;
  const on = dateOf(event.data.at);
  switch (event.type) {
    case 'FindingRecorded': {
      const { findingId, subject, verdict, severity } = event.data;
      return { ...state, findings: [...state.findings, { findingId, subject, verdict, severity, recordedOn: on }] };
    }
    case 'NoticePublished': {
      const { noticeId, documentNumber, kind, publishedOn, findingIds, addressees } = event.data;
      return { ...state, notices: [...state.notices, { noticeId, documentNumber, kind, publishedOn, findingIds, addressees }] };
    }
    case 'RectificationOrdered': {
      const { rectificationId, unitId, findingIds, deadline } = event.data;
      const entry: Rectification = { rectificationId, unitId, findingIds, deadline, status: 'ordered', report: null };
      return { ...state, rectifications: [...state.rectifications, entry] };
    }
    case 'RectificationReported':
      return updateRectification(state, event.data.rectificationId, {
        status: 'reported',
        report: { reportedBy: event.data.by.id, reportedOn: on },
      });
    case 'RectificationVerified':
      return updateRectification(state, event.data.rectificationId, { status: 'verified' });
    case 'RectificationReturned':
      return updateRectification(state, event.data.rectificationId, { status: 'returned' });
    case 'InspectionClosed':
      return { ...state, status: 'closed' };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

function updateRectification(state: InspectionRecord, rectificationId: string, change: Partial<Rectification>): InspectionRecord {
  return {
    ...state,
    rectifications: state.rectifications.map((entry) =>
      entry.rectificationId === rectificationId ? { ...entry, ...change } : entry,
    ),
  };
}
