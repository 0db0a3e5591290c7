import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appraisalReportCsv, appraisalReportPdf, appraisalReportXlsx, inspectionNoticePdf, inspectionNoticeXlsx, REPORT_LANGUAGES } from '..';
import { APPRAISAL_VIEW, NOTICE_VIEW } from './fixtures';

/**
 * Writes the sample reports in every language to a folder, to look at them:
 *   node -r @swc-node/register libs/reports/src/testing/render-samples.script.ts /tmp/reports
 *   pdftoppm -r 80 -png /tmp/reports/appraisal-vi.pdf /tmp/reports/appraisal-vi
 */
async function main(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const language of REPORT_LANGUAGES) {
    const started = performance.now();
    writeFileSync(join(dir, `appraisal-${language}.pdf`), await appraisalReportPdf(APPRAISAL_VIEW, language));
    const pdfMs = performance.now() - started;
    writeFileSync(join(dir, `appraisal-${language}.xlsx`), await appraisalReportXlsx(APPRAISAL_VIEW, language));
    writeFileSync(join(dir, `appraisal-${language}.csv`), appraisalReportCsv(APPRAISAL_VIEW, language));
    writeFileSync(join(dir, `notice-${language}.pdf`), await inspectionNoticePdf(NOTICE_VIEW, language));
    writeFileSync(join(dir, `notice-${language}.xlsx`), await inspectionNoticeXlsx(NOTICE_VIEW, language));
    console.log(`${language}: appraisal PDF in ${pdfMs.toFixed(0)} ms`);
  }
  console.log(`written to ${dir}`);
}

void main(process.argv[2] ?? 'reports-samples');
