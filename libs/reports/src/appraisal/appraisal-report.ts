import { Formatter, type ReportLanguage } from '../i18n/language';
import { label, labelOf } from '../i18n/labels';
import { infoTable, ledgerFields } from '../ledger-stamp';
import { PdfBuilder } from '../pdf/pdf-builder';
import { csvOf, pdfTable, xlsxBytes, xlsxSheet, type ReportTable } from '../table';
import { gradeIn, nameIn } from '../view';
import { rate, type AppraisalMoveRow, type AppraisalReportView } from './appraisal-report.view';

/**
 * The annual appraisal report of a peer group (考核 / đánh giá, xếp loại): per unit, tasks by timeliness with the
 * on-time rate, objectives by outcome, inspection findings, score, proposed and final grade; the heads in post with
 * their grade; every moderation move with its reason; and the ledger position it reflects. As PDF, XLSX or CSV.
 */

export function appraisalTitle(view: AppraisalReportView, language: ReportLanguage): string {
  return `${label(language, 'appraisalTitle')} ${view.cycle.year} — ${view.cycle.peerGroup}`;
}

function unitName(language: ReportLanguage, unitId: string, names: AppraisalReportView['units'][number]['names']): string {
  const name = nameIn(language, names, unitId);
  return name === unitId ? unitId : `${name} (${unitId})`;
}

export function appraisalUnitsTable(view: AppraisalReportView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return {
    sheet: t('unitsSection'),
    title: t('unitsSection'),
    columns: [
      { header: t('unit'), width: 15 },
      { header: t('total'), group: t('tasks'), width: 5, kind: 'integer' },
      { header: t('doneOnTime'), group: t('tasks'), width: 6.5, kind: 'integer' },
      { header: t('doneLate'), group: t('tasks'), width: 6.5, kind: 'integer' },
      { header: t('notDoneWithinDeadline'), group: t('tasks'), width: 7, kind: 'integer' },
      { header: t('notDoneOverdue'), group: t('tasks'), width: 6.5, kind: 'integer' },
      { header: t('onTimeRate'), group: t('tasks'), width: 6.5, kind: 'percent' },
      { header: t('exceeded'), group: t('objectives'), width: 5.5, kind: 'integer' },
      { header: t('met'), group: t('objectives'), width: 5, kind: 'integer' },
      { header: t('missed'), group: t('objectives'), width: 5.5, kind: 'integer' },
      { header: t('excused'), group: t('objectives'), width: 5.5, kind: 'integer' },
      { header: t('notEvaluated'), group: t('objectives'), width: 5.5, kind: 'integer' },
      { header: t('praise'), group: t('findings'), width: 5.5, kind: 'integer' },
      { header: t('criticism'), group: t('findings'), width: 5.5, kind: 'integer' },
      { header: t('score'), width: 5, kind: 'number' },
      { header: t('proposedGrade'), width: 9.5 },
      { header: t('finalGrade'), width: 9.5 },
    ],
    rows: view.units.map((unit) => [
      unit.tasks === null ? `${unitName(language, unit.unitId, unit.names)} ${t('notInScope')}` : unitName(language, unit.unitId, unit.names),
      unit.tasks?.total ?? null,
      unit.tasks?.doneOnTime ?? null,
      unit.tasks?.doneLate ?? null,
      unit.tasks?.notDoneWithinDeadline ?? null,
      unit.tasks?.notDoneOverdue ?? null,
      rate(unit.tasks?.doneOnTime ?? 0, unit.tasks),
      unit.objectives?.exceeded ?? null,
      unit.objectives?.met ?? null,
      unit.objectives?.missed ?? null,
      unit.objectives?.excused ?? null,
      unit.objectives?.notEvaluated ?? null,
      unit.findings?.praise ?? null,
      unit.findings?.criticism ?? null,
      unit.score,
      gradeIn(language, unit.proposedGrade),
      gradeIn(language, unit.finalGrade),
    ]),
  };
}

function cadresTable(view: AppraisalReportView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  const format = new Formatter(language, view.timeZoneOffset);
  return {
    sheet: t('cadres'),
    title: t('cadresSection'),
    empty: t('noCadres'),
    columns: [
      { header: t('person'), width: 14 },
      { header: t('post'), width: 14 },
      { header: t('unit'), width: 16 },
      { header: t('tenure'), width: 18 },
      { header: t('unitGrade'), width: 12 },
      { header: t('headGrade'), width: 12 },
    ],
    rows: view.cadres.map((cadre) => [
      `${cadre.name} (${cadre.personId})`,
      cadre.postTitle,
      unitName(language, cadre.unitId, cadre.unitNames),
      `${format.date(cadre.from)} – ${cadre.to ? format.date(cadre.to) : '…'}`,
      gradeIn(language, cadre.unitGrade),
      gradeIn(language, cadre.headGrade),
    ]),
  };
}

function moveReason(language: ReportLanguage, move: AppraisalMoveRow): string {
  switch (move.reason) {
    case 'quota':
      return label(language, 'quotaMove', { rank: move.rank, limit: move.limit, pool: move.poolSize, tie: move.tie ? label(language, 'quotaTie') : '' });
    case 'council':
      return label(language, 'councilMove', { note: move.note });
    case 'appeal':
      return label(language, 'appealMove', { appeal: move.appealId, note: move.note });
  }
}

function movesTable(view: AppraisalReportView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return {
    sheet: t('moderation'),
    title: t('moderationSection'),
    empty: t('noMoves'),
    columns: [
      { header: t('unit'), width: 16 },
      { header: t('from'), width: 12 },
      { header: t('to'), width: 12 },
      { header: t('reason'), width: 40 },
    ],
    rows: view.moves.map((move) => [unitName(language, move.unitId, move.unitNames), gradeIn(language, move.from), gradeIn(language, move.to), moveReason(language, move)]),
  };
}

function appealsTable(view: AppraisalReportView, language: ReportLanguage): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return {
    sheet: t('appealsSection'),
    title: t('appealsSection'),
    columns: [
      { header: t('appealsSection'), width: 12 },
      { header: t('unit'), width: 16 },
      { header: t('appellant'), width: 14 },
      { header: t('decision'), width: 12 },
    ],
    rows: view.appeals.map((appeal) => [appeal.appealId, unitName(language, appeal.unitId, appeal.unitNames), appeal.appellantId, label(language, appeal.decision)]),
  };
}

function cycleFields(view: AppraisalReportView, language: ReportLanguage): Array<[string, string]> {
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  const { cycle } = view;
  const ruleSetName = cycle.ruleSetName ? `${cycle.ruleSetName[language]} (${cycle.ruleSetId})` : cycle.ruleSetId;
  return [
    [t('cycle'), cycle.cycleId],
    [t('year'), String(cycle.year)],
    [t('peerGroup'), cycle.peerGroup],
    [t('ownerUnit'), unitName(language, cycle.ownerUnitId, cycle.ownerUnitNames)],
    [t('ruleSet'), ruleSetName],
    [t('cycleStatus'), labelOf(language, 'status', cycle.status)],
    [t('approvedBy'), cycle.signOffId ?? ''],
  ];
}

export async function appraisalReportPdf(view: AppraisalReportView, language: ReportLanguage): Promise<Buffer> {
  const format = new Formatter(language, view.timeZoneOffset);
  const title = appraisalTitle(view, language);
  const pdf = new PdfBuilder({ title, subject: `appraisal ${view.cycle.cycleId}`, language, createdAt: new Date(view.generatedAt), landscape: true });
  pdf.title(title, `${label(language, 'ruleSet')}: ${view.cycle.ruleSetName?.[language] ?? view.cycle.ruleSetId} · ${label(language, 'generatedAt')}: ${format.instant(view.generatedAt)}`);
  pdf.fields(cycleFields(view, language));
  pdfTable(pdf, format, appraisalUnitsTable(view, language));
  pdfTable(pdf, format, cadresTable(view, language));
  pdfTable(pdf, format, movesTable(view, language));
  if (view.appeals.length > 0) pdfTable(pdf, format, appealsTable(view, language));
  pdf.heading(label(language, 'ledgerSection'));
  pdf.fields(ledgerFields(view.ledger, format));
  if (view.ledger.checkpoint) pdf.paragraph(label(language, 'verifyHint', { size: view.ledger.checkpoint.size }), { muted: true, size: 8.5 });
  return pdf.finish((page, pages) => `${title} · ${label(language, 'ledgerPosition')} ${view.ledger.position} · ${label(language, 'page', { page, pages })}`);
}

export function appraisalReportXlsx(view: AppraisalReportView, language: ReportLanguage): Promise<Buffer> {
  const format = new Formatter(language, view.timeZoneOffset);
  const title = appraisalTitle(view, language);
  return xlsxBytes(
    (workbook) => {
      const units = xlsxSheet(workbook, appraisalUnitsTable(view, language));
      // Every rate by timeliness as well, beside the counts (the sheet is for computing further).
      const t = (key: Parameters<typeof label>[1]) => `${label(language, key)} %`;
      const start = units.columnCount + 1;
      [t('doneLate'), t('notDoneWithinDeadline'), t('notDoneOverdue')].forEach((header, i) => {
        const column = units.getColumn(start + i);
        column.width = 12;
        column.numFmt = '0.0%';
        units.getCell(1, start + i).value = header;
      });
      view.units.forEach((unit, index) => {
        const counts = unit.tasks;
        [counts?.doneLate, counts?.notDoneWithinDeadline, counts?.notDoneOverdue].forEach((count, i) => {
          units.getCell(index + 2, start + i).value = counts ? rate(count ?? 0, counts) : null;
        });
      });
      xlsxSheet(workbook, cadresTable(view, language));
      xlsxSheet(workbook, movesTable(view, language));
      xlsxSheet(workbook, appealsTable(view, language));
      xlsxSheet(workbook, infoTable(format, label(language, 'ledgerSection'), [...cycleFields(view, language), ...ledgerFields(view.ledger, format)]));
    },
    { title, createdAt: new Date(view.generatedAt) },
  );
}

/** One row per unit, the columns of the units table (the cycle and ledger stamp as the last columns of each row). */
export function appraisalReportCsv(view: AppraisalReportView, language: ReportLanguage): Buffer {
  const table = appraisalUnitsTable(view, language);
  const t = (key: Parameters<typeof label>[1]) => label(language, key);
  return csvOf({
    ...table,
    columns: [
      { header: 'unit_id', width: 10 },
      ...table.columns,
      { header: t('cycle'), width: 10 },
      { header: t('ruleSet'), width: 10 },
      { header: t('cycleStatus'), width: 10 },
      { header: t('ledgerPosition'), width: 10 },
      { header: `${t('checkpoint')}: ${t('checkpointSize')}`, width: 10 },
      { header: `${t('checkpoint')}: ${t('rootHash')}`, width: 10 },
    ],
    rows: table.rows.map((row, i) => [
      view.units[i].unitId,
      ...row,
      view.cycle.cycleId,
      view.cycle.ruleSetId,
      view.cycle.status,
      view.ledger.position,
      view.ledger.checkpoint?.size ?? null,
      view.ledger.checkpoint?.rootHash ?? null,
    ]),
  });
}
