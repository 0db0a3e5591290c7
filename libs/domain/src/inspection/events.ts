import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

/**
 * An inspection (kiểm tra, giám sát / 督查) by the inspection and supervision office: scheduled (monthly or by
 * surprise, for a period and a list of units) → findings per unit or task → notices published with a document
 * number (通报: praise, criticism, or a general situation notice) → rectification ordered with a deadline
 * → reported by the unit → verified (or returned) → closed.
 *
 * Every event carries `inspectionId`, `at` (the command's `now`) and `by` (who recorded it).
 */
type Recorded = { inspectionId: string; at: IsoInstant; by: ActorRef };

export const INSPECTION_KINDS = ['monthly', 'surprise'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const FINDING_VERDICTS = ['praise', 'criticism', 'neutral'] as const;
export type FindingVerdict = (typeof FINDING_VERDICTS)[number];

export const FINDING_SEVERITIES = ['low', 'medium', 'high'] as const;
/** How serious a criticism is; praise and neutral findings have none. */
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const NOTICE_KINDS = ['praise', 'criticism', 'general'] as const;
/** 通报表扬 / biểu dương, 通报批评 / phê bình, 情况通报 / thông báo tình hình (praises and criticises by unit). */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A finding is about a unit, or about one task of that unit (then `taskId` names it). */
export type FindingSubject = { unitId: string; taskId: string | null };

export type InspectionScheduled = DomainEvent<
  'InspectionScheduled',
  Recorded & { kind: InspectionKind; title: string; periodFrom: IsoDate; periodTo: IsoDate; unitIds: string[] }
>;

export type FindingRecorded = DomainEvent<
  'FindingRecorded',
  Recorded & {
    findingId: string;
    subject: FindingSubject;
    verdict: FindingVerdict;
    severity: FindingSeverity | null;
    text: string;
    evidence: string[];
  }
>;

/**
 * The notice as published: its document number (in NFC, reserved by the application under `docno-...`), the
 * findings it makes public, who it is addressed to (the units told), and, read from those findings, which units
 * it praises and which it criticises.
 */
export type NoticePublished = DomainEvent<
  'NoticePublished',
  Recorded & {
    noticeId: string;
    documentNumber: string;
    kind: NoticeKind;
    title: string;
    publishedOn: IsoDate;
    findingIds: string[];
    addressees: string[];
    praisedUnitIds: string[];
    criticisedUnitIds: string[];
  }
>;

export type RectificationOrdered = DomainEvent<
  'RectificationOrdered',
  Recorded & { rectificationId: string; unitId: string; findingIds: string[]; requirement: string; deadline: IsoDate }
>;
export type RectificationReported = DomainEvent<
  'RectificationReported',
  Recorded & { rectificationId: string; narrative: string; evidence: string[] }
>;
/** `onTime`: the report that was verified is dated on or before the rectification deadline. */
export type RectificationVerified = DomainEvent<
  'RectificationVerified',
  Recorded & { rectificationId: string; comment: string | null; onTime: boolean }
>;
export type RectificationReturned = DomainEvent<
  'RectificationReturned',
  Recorded & { rectificationId: string; reason: string }
>;

export type InspectionClosed = DomainEvent<'InspectionClosed', Recorded & { comment: string | null }>;

export type InspectionEvent =
  | InspectionScheduled
  | FindingRecorded
  | NoticePublished
  | RectificationOrdered
  | RectificationReported
  | RectificationVerified
  | RectificationReturned
  | InspectionClosed;

export type InspectionEventType = InspectionEvent['type'];
