export * from './i18n/language';
export { LABELS, label, labelOf, type LabelKey } from './i18n/labels';
export * from './csv/csv-writer';
export { ReportFontsMissingError } from './pdf/fonts';
export * from './view';
export * from './appraisal/appraisal-report.view';
export { appraisalReportCsv, appraisalReportPdf, appraisalReportXlsx, appraisalTitle } from './appraisal/appraisal-report';
export { inspectionNoticePdf, inspectionNoticeXlsx, noticeTitle, type InspectionNoticeView, type UnitRef } from './notice/inspection-notice-report';
