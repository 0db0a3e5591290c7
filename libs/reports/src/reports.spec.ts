import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';
import { appraisalReportCsv, appraisalReportPdf, appraisalReportXlsx, inspectionNoticePdf, inspectionNoticeXlsx, REPORT_LANGUAGES } from '.';
import { APPRAISAL_VIEW, NOTICE_VIEW } from './testing/fixtures';
import { pdfFonts, pdfText } from './testing/pdf-text';

/** Words as a reader finds them: pdftotext's layout may break lines and pad with spaces. */
const squash = (text: string) => text.replace(/\s+/g, '');
const readXlsx = async (bytes: Buffer) => {
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as never);
  return workbook;
};
const sheetValues = (workbook: Workbook, index: number) =>
  (workbook.worksheets[index].getSheetValues() as unknown[][]).filter(Boolean).map((row) => row.slice(1).map((cell) => (cell instanceof Date ? cell.toISOString().slice(0, 10) : cell)));

describe('the annual appraisal report', () => {
  describe('as a PDF', () => {
    it.each(REPORT_LANGUAGES)('in %s, embeds subsets of Noto Sans and Noto Sans CJK, and nothing else', async (language) => {
      const fonts = pdfFonts(await appraisalReportPdf(APPRAISAL_VIEW, language));
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(font).toMatchObject({ embedded: true, subset: true });
        expect(font.name).toMatch(/\+NotoSans(Hans)?-(Regular|Bold)$/);
      }
    });

    it('in Vietnamese, prints the labels, the unit names with every diacritic, the grades, the moves and the ledger stamp', async () => {
      const text = squash(pdfText(await appraisalReportPdf(APPRAISAL_VIEW, 'vi')));
      for (const expected of [
        'Báocáođánhgiá,xếploạihằngnăm2018',
        'Hoànthànhđúnghạn',
        'Chưahoànthành,quáhạn',
        'QuậnChâuHuy(zh)',
        'QuậnChưngTương(zx)',
        'Hoànthànhxuấtsắcnhiệmvụ',
        'Khônghoànthànhnhiệmvụ',
        'Tỷlệ:xếpthứ2,tốiđa1trên5',
        '通报批评', // Han characters inside a Vietnamese note: set in the CJK font
        'LưuMinhĐức',
        '9f2c4e1ab7d3c2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1',
        '48,5', // the score with the Vietnamese decimal comma
        'Trang1/2',
      ]) expect(text).toContain(squash(expected));
    });

    it('in Chinese, prints the terms of the domain and the grades in Chinese', async () => {
      const text = squash(pdfText(await appraisalReportPdf(APPRAISAL_VIEW, 'zh')));
      for (const expected of ['年度考核报告', '按期完成', '逾期未完成', '珠晖区(zh)', '良好', '较差', '基本称职', '比例限制：排名第2，5个中最多1个', '反映账本截至位置', '412', '2019年1月5日']) {
        expect(text).toContain(squash(expected));
      }
    });

    it('in English, says which unit is outside the reader\'s scope and shows no counts for it', async () => {
      const text = pdfText(await appraisalReportPdf(APPRAISAL_VIEW, 'en'));
      expect(squash(text)).toContain(squash('(outside your read scope)'));
      expect(squash(text)).toContain(squash('Council: Hội đồng: báo cáo "quý 4" nộp muộn'));
      expect(squash(text)).toContain('20%'); // Zhuhui: 1 of 5 on time
    });
  });

  describe('as XLSX', () => {
    it('reopens with one sheet per table; counts and rates stay numbers', async () => {
      const workbook = await readXlsx(await appraisalReportXlsx(APPRAISAL_VIEW, 'en'));
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Units', 'Cadres', 'Moderation', 'Appeals', 'Ledger']);
      const units = sheetValues(workbook, 0);
      expect(units[0].slice(0, 3)).toEqual(['Unit', 'Tasks: Total', 'Tasks: Done on time']);
      expect(units[2].slice(0, 7)).toEqual(['Zhuhui District (zh)', 5, 1, 1, 0, 3, 0.2]);
      expect(units[2].slice(14, 17)).toEqual([48.5, 'Poor', 'Poor']);
      // The rates by timeliness beside the counts: done late, not done within deadline, overdue.
      expect(units[2].slice(-3)).toEqual([0.2, 0, 0.6]);
      expect(workbook.worksheets[0].getCell('G2').numFmt).toBe('0.0%');
      const ledger = sheetValues(workbook, 4);
      expect(ledger).toContainEqual(['Reflects the ledger up to position', '412']);
    });

    it('in Chinese, labels the grades as the rule set does', async () => {
      const workbook = await readXlsx(await appraisalReportXlsx(APPRAISAL_VIEW, 'zh'));
      const cadres = sheetValues(workbook, 1);
      expect(cadres[2]).toEqual(['区长 C (p-zh-head-c)', '区长', '珠晖区 (zh)', '2017年1月10日 – 2018年11月30日', '较差', '基本称职']);
    });
  });

  describe('as CSV', () => {
    it('has a row per unit with plain numbers, the cycle and the ledger stamp', () => {
      const rows = parse(appraisalReportCsv(APPRAISAL_VIEW, 'vi'), { bom: true }) as string[][];
      expect(rows).toHaveLength(1 + APPRAISAL_VIEW.units.length);
      expect(rows[0][0]).toBe('unit_id');
      const zh = rows.find((row) => row[0] === 'zh')!;
      expect(zh.slice(2, 8)).toEqual(['5', '1', '1', '0', '3', '0.2']);
      expect(zh).toContain('48.5');
      expect(zh).toContain('Không hoàn thành nhiệm vụ');
      expect(zh.slice(-6)).toEqual(['2018-districts', 'cn-2019', 'final', '412', '400', APPRAISAL_VIEW.ledger.checkpoint!.rootHash]);
    });
  });
});

describe('the inspection notice', () => {
  it.each(REPORT_LANGUAGES)('as a PDF in %s, carries the document number, the findings and the rectification ordered', async (language) => {
    const text = squash(pdfText(await inspectionNoticePdf(NOTICE_VIEW, language)));
    for (const expected of ['衡督通〔2018〕10号', '关于2018年10月重点工作督查情况的通报', '棚户区改造进度滞后', '11月15日前提交整改方案并落实责任人', 'r-zh-1', NOTICE_VIEW.notice.eventId]) {
      expect(text).toContain(squash(expected));
    }
    const title = { en: 'Notice of criticism', vi: 'Thông báo phê bình', zh: '通报批评' }[language];
    expect(text).toContain(squash(title));
  });

  it('as XLSX, lists the findings and the rectification with real dates', async () => {
    const workbook = await readXlsx(await inspectionNoticeXlsx(NOTICE_VIEW, 'vi'));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Thông báo kết quả kiểm tra', 'Kết luận kiểm tra', 'Yêu cầu khắc phục', 'Sổ cái']);
    const findings = sheetValues(workbook, 1);
    expect(findings[2]).toEqual(['f2', 'Quận Châu Huy (zh)', 't4-zh', 'Phê bình', 'Cao', NOTICE_VIEW.findings[1].text, '2018-10-21']);
    const rectifications = sheetValues(workbook, 2);
    expect(rectifications[1]).toEqual(['r-zh-1', 'Quận Châu Huy (zh)', 'f2', '11月15日前提交整改方案并落实责任人', '2018-11-15', 'Đã xác minh', '2018-11-14']);
    const header = sheetValues(workbook, 0);
    expect(header).toContainEqual(['Số văn bản', '衡督通〔2018〕10号']);
  });
});
