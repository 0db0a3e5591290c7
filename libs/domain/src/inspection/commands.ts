import type { CommandEnvelope } from '../shared/actor';
import type { IsoDate } from '../shared/dates';
import type { FindingSeverity, FindingSubject, FindingVerdict, InspectionKind, NoticeKind } from './events';

type Shape<Type extends string, Fields> = Readonly<{ type: Type; inspectionId: string } & Fields> & CommandEnvelope;

export type ScheduleInspection = Shape<
  'ScheduleInspection',
  { kind: InspectionKind; title: string; periodFrom: IsoDate; periodTo: IsoDate; unitIds: readonly string[] }
>;
export type RecordFinding = Shape<
  'RecordFinding',
  {
    findingId: string;
    subject: Readonly<FindingSubject>;
    verdict: FindingVerdict;
    severity?: FindingSeverity | null;
    text: string;
    evidence: readonly string[];
  }
>;
export type PublishInspectionNotice = Shape<
  'PublishInspectionNotice',
  {
    noticeId: string;
    documentNumber: string;
    kind: NoticeKind;
    title: string;
    findingIds: readonly string[];
    addressees: readonly string[];
  }
>;
export type OrderRectification = Shape<
  'OrderRectification',
  { rectificationId: string; unitId: string; findingIds: readonly string[]; requirement: string; deadline: IsoDate }
>;
export type ReportRectification = Shape<
  'ReportRectification',
  { rectificationId: string; narrative: string; evidence: readonly string[] }
>;
export type VerifyRectification = Shape<'VerifyRectification', { rectificationId: string; comment?: string | null }>;
export type ReturnRectification = Shape<'ReturnRectification', { rectificationId: string; reason: string }>;
export type CloseInspection = Shape<'CloseInspection', { comment?: string | null }>;

export type InspectionCommand =
  | ScheduleInspection
  | RecordFinding
  | PublishInspectionNotice
  | OrderRectification
  | ReportRectification
  | VerifyRectification
  | ReturnRectification
  | CloseInspection;

export type InspectionCommandType = InspectionCommand['type'];
