import { Formatter, type ReportLanguage } from '../i18n/language';
import { label, labelOf } from '../i18n/labels';
import { infoTable, ledgerFields } from '../ledger-stamp';
import { PdfBuilder } from '../pdf/pdf-builder';
import { pdfTable, xlsxBytes, xlsxSheet, type ReportTable } from '../table';
import { nameIn, type LedgerStamp, type Names } from '../view';

/**
 * The monthly (or surprise) inspection notice (通报 / thông báo): praise, criticism or a situation notice, with its
 * document number, the findings it makes public, and the rectification ordered on them. As PDF or XLSX.
 */
export interface InspectionNoticeView {
  readonly notice: {
    readonly noticeId: string;
    readonly documentNumber: string;
    readonly kind: 'praise' | 'criticism' | 'general' | string;
    readonly title: string;
    readonly publishedOn: string;
    /** The `NoticePublished` event, to find it in the log. */
    readonly eventId: string;
    readonly position: number;
  };
  readonly inspection: { readonly inspectionId: string; readonly kind: string; readonly title: string; readonly periodFrom: string; readonly periodTo: string };
  readonly issuer: { readonly unitId: string; readonly names: Names | null };
  readonly addressees: readonly UnitRef[];
  readonly praised: readonly UnitRef[];
  readonly criticised: readonly UnitRef[];
  readonly findings: readonly {
    readonly findingId: string;
    readonly unit: UnitRef;
    readonly taskId: string | null;
    readonly verdict: string;
    readonly severity: string | null;
    readonly text: string;
    readonly recordedOn: string;
  }[];
  readonly rectifications: readonly {
    readonly rectificationId: string;
    readonly unit: UnitRef;
    readonly findingIds: readonly string[];
    readonly requirement: string;
    readonly deadline: string;
    readonly status: string;
    readonly reportedOn: string | null;
  }[];
  readonly ledger: LedgerStamp;
  readonly generatedAt: string;
  readonly timeZoneOffset: string;
}

export type UnitRef = { readonly unitId: string; readonly names: Names | null };

function unitName(language: ReportLanguage, unit: UnitRef): string {
  const name = nameIn(language, unit.names, unit.unitId);
  return name === unit.unitId ? unit.unitId : `${name} (${unit.unitId})`;
}

const verdictLabel = (language: ReportLanguage, verdict: string): string =>
  verdict === 'praise' || verdict === 'criticism' || verdict === 'neutral' ? label(language, verdict) : verdict;

const units = (language: ReportLanguage, list: readonly UnitRef[]) => list.map((unit) => unitName(language, unit)).join('; ');

export function noticeTitle(view: InspectionNoticeView, language: ReportLanguage): string {
  return `${labelOf(language, 'notice', view.notice.kind) || label(language, 'noticeTitle')} ${view.notice.documentNumber}`;
}

function headerFields(view: InspectionNoticeView, language: ReportLanguage, format: Formatter): Array<[string, string]> {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  const { notice, inspection } = view;
  const fields: Array<[string, string]> = [
    [t('documentNumber'), notice.documentNumber],
    [t('publishedOn'), format.date(notice.publishedOn)],
    [t('issuedBy'), unitName(language, view.issuer)],
    [t('inspection'), `${inspection.title} — ${labelOf(language, 'inspection', inspection.kind)} (${inspection.inspectionId})`],
    [t('period'), `${format.date(inspection.periodFrom)} – ${format.date(inspection.periodTo)}`],
    [t('addressees'), units(language, view.addressees)],
  ];
  if (view.praised.length > 0) fields.push([t('praised'), units(language, view.praised)]);
  if (view.criticised.length > 0) fields.push([t('criticised'), units(language, view.criticised)]);
  return fields;
}

function findingsTable(view: InspectionNoticeView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return {
    sheet: t('findings'),
    title: t('findings'),
    columns: [
      { header: '#', width: 6 },
      { header: t('unit'), width: 16 },
      { header: t('task'), width: 9 },
      { header: t('verdict'), width: 8 },
      { header: t('severity'), width: 7 },
      { header: t('finding'), width: 38 },
      { header: t('recordedOn'), width: 12, kind: 'date' },
    ],
    rows: view.findings.map((finding) => [
      finding.findingId,
      unitName(language, finding.unit),
      finding.taskId ?? '',
      verdictLabel(language, finding.verdict),
      labelOf(language, 'severity', finding.severity),
      finding.text,
      finding.recordedOn,
    ]),
  };
}

function rectificationsTable(view: InspectionNoticeView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return {
    sheet: t('rectificationsSection'),
    title: t('rectificationsSection'),
    empty: t('noRectifications'),
    columns: [
      { header: '#', width: 7 },
      { header: t('unit'), width: 15 },
      { header: t('finding'), width: 7 },
      { header: t('requirement'), width: 32 },
      { header: t('deadline'), width: 12, kind: 'date' },
      { header: t('status'), width: 9 },
      { header: t('reportedOn'), width: 12, kind: 'date' },
    ],
    rows: view.rectifications.map((r) => [r.rectificationId, unitName(language, r.unit), r.findingIds.join(', '), r.requirement, r.deadline, labelOf(language, 'rectification', r.status), r.reportedOn]),
  };
}

function recordFields(view: InspectionNoticeView, format: Formatter): Array<[string, string]> {
  return [[label(format.language, 'recordEvent'), `${view.notice.eventId} (#${view.notice.position})`], ...ledgerFields(view.ledger, format)];
}

export async function inspectionNoticePdf(view: InspectionNoticeView, language: ReportLanguage): Promise<Buffer> {
  const format = new Formatter(language, view.timeZoneOffset);
  const title = noticeTitle(view, language);
  const pdf = new PdfBuilder({ title, subject: `notice ${view.notice.noticeId}`, language, createdAt: new Date(view.generatedAt) });
  pdf.title(view.notice.title, title);
  pdf.fields(headerFields(view, language, format), 140);
  pdfTable(pdf, format, findingsTable(view, language));
  pdfTable(pdf, format, rectificationsTable(view, language));
  pdf.heading(label(language, 'ledgerSection'));
  pdf.fields(recordFields(view, format), 140);
  if (view.ledger.checkpoint) pdf.paragraph(label(language, 'verifyHint', { size: view.ledger.checkpoint.size }), { muted: true, size: 8.5 });
  return pdf.finish((page, pages) => `${title} · ${label(language, 'generatedAt')} ${format.instant(view.generatedAt)} · ${label(language, 'page', { page, pages })}`);
}

export function inspectionNoticeXlsx(view: InspectionNoticeView, language: ReportLanguage): Promise<Buffer> {
  const format = new Formatter(language, view.timeZoneOffset);
  const title = noticeTitle(view, language);
  return xlsxBytes(
    (workbook) => {
      xlsxSheet(workbook, infoTable(format, label(language, 'noticeTitle'), [[label(language, 'noticeTitle'), view.notice.title], ...headerFields(view, language, format)]));
      xlsxSheet(workbook, findingsTable(view, language));
      xlsxSheet(workbook, rectificationsTable(view, language));
      xlsxSheet(workbook, infoTable(format, label(language, 'ledgerSection'), recordFields(view, format)));
    },
    { title, createdAt: new Date(view.generatedAt) },
  );
}
