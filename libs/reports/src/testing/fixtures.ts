import type { AppraisalReportView } from '../appraisal/appraisal-report.view';
import type { InspectionNoticeView } from '../notice/inspection-notice-report';
import type { GradeView, LedgerStamp, Names } from '../view';

/** Views shaped like the Hengyang 2018 year (cn-2019 team grades, a Vietnamese-named unit for the diacritics). */
const names = (en: string, vi: string | null, zh: string | null): Names => ({ en, vi, zh });
const grade = (id: string, en: string, vi: string, zh: string): GradeView => ({ id, labels: { en, vi, zh } });

export const GRADES = {
  excellent: grade('excellent', 'Excellent', 'Hoàn thành xuất sắc nhiệm vụ', '优秀'),
  good: grade('good', 'Good', 'Hoàn thành tốt nhiệm vụ', '良好'),
  fair: grade('fair', 'Fair', 'Hoàn thành nhiệm vụ', '一般'),
  poor: grade('poor', 'Poor', 'Không hoàn thành nhiệm vụ', '较差'),
  competent: grade('competent', 'Competent', 'Hoàn thành tốt nhiệm vụ', '称职'),
  basic: grade('basically_competent', 'Basically competent', 'Hoàn thành nhiệm vụ', '基本称职'),
};

export const STAMP: LedgerStamp = {
  position: 412,
  checkpoint: { size: 400, rootHash: '9f2c4e1ab7d3c2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1', signedAt: '2019-01-05T02:00:00.000Z', keyId: 'k-3a9f0c12', origin: 'accountability-ledger.local/log' },
};

export const APPRAISAL_VIEW: AppraisalReportView = {
  cycle: {
    cycleId: '2018-districts',
    year: 2018,
    peerGroup: 'districts',
    status: 'final',
    ownerUnitId: 'city',
    ownerUnitNames: names('Hengyang City', 'Thành phố Hành Dương', '衡阳市'),
    ruleSetId: 'cn-2019',
    ruleSetName: { en: 'China 2019 (teams and cadres)', vi: 'Trung Quốc 2019 (tập thể và cán bộ)', zh: '2019 年领导班子和干部考核' },
    signOffId: 'so-appraisal-2018',
  },
  units: [
    {
      unitId: 'zx',
      names: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区'),
      tasks: { total: 4, doneOnTime: 3, doneLate: 1, notDoneWithinDeadline: 0, notDoneOverdue: 0 },
      objectives: { total: 1, exceeded: 1, met: 0, missed: 0, excused: 0, notEvaluated: 0 },
      findings: { praise: 1, criticism: 0, neutral: 0 },
      score: null,
      proposedGrade: GRADES.excellent,
      finalGrade: GRADES.good,
    },
    {
      unitId: 'zh',
      names: names('Zhuhui District', 'Quận Châu Huy', '珠晖区'),
      tasks: { total: 5, doneOnTime: 1, doneLate: 1, notDoneWithinDeadline: 0, notDoneOverdue: 3 },
      objectives: { total: 1, exceeded: 0, met: 0, missed: 1, excused: 0, notEvaluated: 0 },
      findings: { praise: 0, criticism: 2, neutral: 0 },
      score: 48.5,
      proposedGrade: GRADES.poor,
      finalGrade: GRADES.poor,
    },
    { unitId: 'hd', names: names('Huaxin Development Zone', 'Khu phát triển Hoa Tân', '华新开发区'), tasks: null, objectives: null, findings: null, score: null, proposedGrade: GRADES.fair, finalGrade: GRADES.fair },
  ],
  cadres: [
    { personId: 'p-zx-head', name: 'Lưu Minh Đức', postTitle: 'District Head', unitId: 'zx', unitNames: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区'), from: '2016-03-01', to: null, unitGrade: GRADES.good, headGrade: GRADES.competent },
    { personId: 'p-zh-head-c', name: '区长 C', postTitle: '区长', unitId: 'zh', unitNames: names('Zhuhui District', 'Quận Châu Huy', '珠晖区'), from: '2017-01-10', to: '2018-11-30', unitGrade: GRADES.poor, headGrade: GRADES.basic },
  ],
  moves: [
    { unitId: 'zx', unitNames: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区'), from: GRADES.excellent, to: GRADES.good, reason: 'quota', rank: 2, limit: 1, poolSize: 5, tie: false },
    { unitId: 'hd', unitNames: names('Huaxin Development Zone', 'Khu phát triển Hoa Tân', '华新开发区'), from: GRADES.good, to: GRADES.fair, reason: 'council', note: 'Hội đồng: báo cáo "quý 4" nộp muộn, 通报批评 một lần' },
  ],
  appeals: [{ appealId: 'ap-zh-1', unitId: 'zh', unitNames: names('Zhuhui District', 'Quận Châu Huy', '珠晖区'), appellantId: 'p-zh-head-c', decision: 'rejected' }],
  ledger: STAMP,
  generatedAt: '2019-01-05T03:04:05.000Z',
  timeZoneOffset: '+08:00',
};

export const NOTICE_VIEW: InspectionNoticeView = {
  notice: { noticeId: 'n-2018-10', documentNumber: '衡督通〔2018〕10号', kind: 'criticism', title: '关于2018年10月重点工作督查情况的通报', publishedOn: '2018-10-25', eventId: '7f8091a2-3b4c-8d5e-9f60-000000000004', position: 233 },
  inspection: { inspectionId: 'insp-2018-10', kind: 'monthly', title: 'October key-work inspection / Kiểm tra tháng 10', periodFrom: '2018-10-01', periodTo: '2018-10-31' },
  issuer: { unitId: 'city-inspection', names: names('City Inspection Office', 'Văn phòng thanh tra thành phố', '市委督查室') },
  addressees: [
    { unitId: 'zx', names: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区') },
    { unitId: 'zh', names: names('Zhuhui District', 'Quận Châu Huy', '珠晖区') },
  ],
  praised: [{ unitId: 'zx', names: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区') }],
  criticised: [{ unitId: 'zh', names: names('Zhuhui District', 'Quận Châu Huy', '珠晖区') }],
  findings: [
    { findingId: 'f1', unit: { unitId: 'zx', names: names('Zhengxiang District', 'Quận Chưng Tương', '蒸湘区') }, taskId: 't4-zx', verdict: 'praise', severity: null, text: 'Hoàn thành vượt tiến độ cải tạo đường ống; 进度超前。', recordedOn: '2018-10-20' },
    { findingId: 'f2', unit: { unitId: 'zh', names: names('Zhuhui District', 'Quận Châu Huy', '珠晖区') }, taskId: 't4-zh', verdict: 'criticism', severity: 'high', text: '棚户区改造进度滞后，仅完成年度目标的 62.19%，未按期报送进展。', recordedOn: '2018-10-21' },
  ],
  rectifications: [
    { rectificationId: 'r-zh-1', unit: { unitId: 'zh', names: names('Zhuhui District', 'Quận Châu Huy', '珠晖区') }, findingIds: ['f2'], requirement: '11月15日前提交整改方案并落实责任人', deadline: '2018-11-15', status: 'verified', reportedOn: '2018-11-14' },
  ],
  ledger: STAMP,
  generatedAt: '2018-10-26T01:00:00.000Z',
  timeZoneOffset: '+08:00',
};
