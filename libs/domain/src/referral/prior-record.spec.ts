import { caseDecider } from '../accountability/decider';
import type { CaseCommand } from '../accountability/commands';
import type { CaseEvent } from '../accountability/events';
import { appraisalDecider } from '../appraisal/decider';
import type { AppraisalCommand } from '../appraisal/commands';
import type { AppraisalEvent } from '../appraisal/events';
import { facts, task } from '../appraisal/facts.fixtures';
import { CN_2019, VN_2026 } from '../appraisal/rule-sets';
import { objectiveDecider } from '../objective/decider';
import type { ObjectiveEvent } from '../objective/events';
import type { Actor } from '../shared/actor';
import { commissioner, hengyang, mayor, staffOf, watcher } from '../testing/hengyang.fixtures';
import { buildOverdueTasksReferral, buildReferral, type LoggedEvent } from './build-referral';
import { hengyangYear, Stream } from './hengyang-2018.fixtures';
import { priorRecordOf } from './prior-record';

/**
 * Prior grades and prior decisions (DOMAIN.md, mitigations): read from the ledger's own appraisal cycles and
 * accountability cases, each with the event it comes from.
 */
const year = hengyangYear();
const appraiser: Actor = { id: 'p-org-appraiser', role: 'appraiser', unit: 'city' };

/** Given: the 2026 district cycle under vn-2026, run to the end (zh complete, its head's grade following). */
function cycle2026(finalize = true): LoggedEvent<AppraisalEvent>[] {
  const cmd = (day: string, actor: Actor = appraiser) => ({ cycleId: '2026-districts', now: `${day}T10:00:00+08:00`, actor });
  const commands: AppraisalCommand[] = [
    { ...cmd('2027-01-05'), type: 'OpenAppraisalCycle', year: 2026, peerGroup: 'districts', ownerUnitId: 'city', ruleSetId: 'vn-2026', unitIds: ['zh', 'zx'] },
    {
      ...cmd('2027-01-10'),
      type: 'ScoreAppraisal',
      facts: [
        facts({ unitId: 'zh', tasks: [task({ quantityPercent: 50, qualityPercent: 50, progressPercent: 50 })] }),
        facts({ unitId: 'zx', generalCriteriaPoints: 10, tasks: [task()] }),
      ],
    },
    { ...cmd('2027-01-12'), type: 'ModerateAppraisal' },
    { ...cmd('2027-01-15', mayor), type: 'ApproveAppraisal', signOffId: 'so-appraisal-2026' },
    { ...cmd('2027-01-16'), type: 'PublishAppraisal' },
    ...(finalize ? [{ ...cmd('2027-02-20'), type: 'FinalizeAppraisal' } as AppraisalCommand] : []),
  ];
  return new Stream(appraisalDecider, 'appraisal-2026-districts').run(...commands).events;
}

/** Given: the 2018 T4 case of zh, decided on 2019-03-01 (诫勉 for District Head C, 检查 for the unit). */
function case2018(extra: CaseCommand[] = []): LoggedEvent<CaseEvent>[] {
  const cmd = (day: string) => ({ caseId: 'ref-o-2018-zh-t4', now: hengyang(day), actor: commissioner });
  const referral = buildReferral({
    ruleSet: CN_2019,
    objective: year.objectives.zh,
    unit: year.units.zh,
    letter: year.letters.zh,
    directive: year.directive,
    tasks: [year.tasks.zh],
    inspections: year.inspections,
    interviews: year.interviews,
  });
  return new Stream(caseDecider, 'case-ref-o-2018-zh-t4').run(
    { ...cmd('2019-01-03'), type: 'ReferCase', referral },
    { ...cmd('2019-01-10'), type: 'StartCaseInvestigation', note: 'Inquiry opened' },
    { ...cmd('2019-01-20'), type: 'TakeCaseStatement', statementId: 'st-1', personId: 'p-zh-head', statementHash: '4b'.repeat(32), summary: 'Explains the delay' },
    {
      ...cmd('2019-03-01'),
      type: 'DecideCase',
      signOffId: 'so-case-zh',
      decisions: [
        { personId: 'p-zh-head', form: 'admonishment', reason: 'Main leadership responsibility for the T4 miss' },
        { personId: null, form: 'self_examination', reason: 'T4 missed' },
      ],
    },
    ...extra,
  ).events;
}

/** Zhuhui's 2027 objective, missed at year close (no task): the referral year. Its head then is District Head C2. */
function objective2027(): LoggedEvent<ObjectiveEvent>[] {
  const at = (date: string, time = '09:00:00') => ({ objectiveId: 'o-2027-zh', now: hengyang(date, time) });
  return new Stream(objectiveDecider, 'objective-o-2027-zh').run(
    { ...at('2027-01-10'), type: 'DefineObjective', actor: mayor, unitId: 'zh', year: 2027, metric: 'Parcels', unitOfMeasure: 'parcels', direction: 'higher_is_better', target: 50, weight: 1, deadline: '2027-06-30', tolerance: 0, letter: null, directive: { id: 'd-2018-1', status: 'issued' } },
    { ...at('2027-07-01'), type: 'ReportObjectiveActual', actor: staffOf('zh'), period: '2027-06', asOf: '2027-06-30', value: 30, source: 'Parcel register', evidence: [] },
    { ...at('2027-12-31', '23:00:00'), type: 'EvaluateObjective', actor: watcher, basis: 'year_close' },
  ).events;
}

describe('prior grades and decisions', () => {
  describe('given a 2026 cycle finalised and a 2018 case decided', () => {
    const cycle = cycle2026();
    const finalized = cycle.at(-1)!;
    const decided = case2018().find((event) => event.type === 'CaseDecided')!;

    it('when Zhuhui misses a 2027 objective, its referral carries the unit’s and its head’s final 2026 grades and the 2018 decisions, with their events', () => {
      const referral = buildReferral({ ruleSet: VN_2026, objective: objective2027(), unit: year.units.zh, prior: { appraisalCycles: [cycle], cases: [case2018()] } });
      expect(referral.subject.persons.map((person) => person.personId)).toEqual(['p-zh-head-c2']);
      expect(referral.mitigations.priorGrades).toEqual([
        { year: 2026, cycleId: '2026-districts', ruleSetId: 'vn-2026', subject: 'head', unitId: 'zh', personId: 'p-zh-head-c2', grade: 'complete', eventId: finalized.id },
        { year: 2026, cycleId: '2026-districts', ruleSetId: 'vn-2026', subject: 'unit', unitId: 'zh', personId: null, grade: 'complete', eventId: finalized.id },
      ]);
      expect(referral.mitigations.priorDecisions).toEqual([
        { caseId: 'ref-o-2018-zh-t4', decidedOn: '2019-03-01', personId: null, form: 'self_examination', eventId: decided.id },
        { caseId: 'ref-o-2018-zh-t4', decidedOn: '2019-03-01', personId: 'p-zh-head', form: 'admonishment', eventId: decided.id },
      ]);
      expect(referral.integrity.eventIds).toEqual(expect.arrayContaining([finalized.id, decided.id]));
    });

    it('when the referral is about the same year, or the cycle is not final, no grade is prior', () => {
      expect(priorRecordOf({ unitId: 'zh', personIds: [], year: 2026, asOf: '2026-12-31', appraisalCycles: [cycle] }).priorGrades).toEqual([]);
      expect(priorRecordOf({ unitId: 'zh', personIds: [], year: 2027, asOf: '2027-12-31', appraisalCycles: [cycle2026(false)] }).priorGrades).toEqual([]);
    });

    it('when another unit is referred, it gets neither the grades nor the decisions of Zhuhui', () => {
      const prior = priorRecordOf({ unitId: 'sg', personIds: ['p-sg-head'], year: 2027, asOf: '2027-12-31', appraisalCycles: [cycle], cases: [case2018()], units: [year.units.sg, year.units.zh] });
      expect(prior).toEqual({ priorGrades: [], priorDecisions: [] });
    });

    it('when a named person was decided on in a case of another unit, that decision follows the person', () => {
      const prior = priorRecordOf({ unitId: 'zx', personIds: ['p-zh-head'], year: 2027, asOf: '2027-12-31', cases: [case2018()] });
      expect(prior.priorDecisions).toEqual([{ caseId: 'ref-o-2018-zh-t4', decidedOn: '2019-03-01', personId: 'p-zh-head', form: 'admonishment', eventId: decided.id }]);
    });

    it('when the decision came after the evaluation day, it is not prior', () => {
      expect(priorRecordOf({ unitId: 'zh', personIds: [], year: 2019, asOf: '2019-02-28', cases: [case2018()] }).priorDecisions).toEqual([]);
    });
  });

  describe('given appeals of the 2018 decision', () => {
    const appeal = (decision: 'upheld' | 'varied' | 'rejected', form: string | null = null): CaseCommand[] => [
      { caseId: 'ref-o-2018-zh-t4', now: hengyang('2019-03-10'), actor: commissioner, type: 'AppealCaseDecision', appealId: 'ap-1', personId: 'p-zh-head', reason: 'The flood' },
      { caseId: 'ref-o-2018-zh-t4', now: hengyang('2019-04-01'), actor: { ...commissioner, id: 'p-commission-deputy' }, type: 'DecideCaseAppeal', appealId: 'ap-1', decision, form, reason: 'Reviewed' },
    ];
    const forHead = (events: LoggedEvent<CaseEvent>[]) =>
      priorRecordOf({ unitId: 'zh', personIds: ['p-zh-head'], year: 2020, asOf: '2020-01-01', cases: [events] }).priorDecisions.filter((item) => item.personId !== null);

    it('when upheld, the decision on that person is no longer prior; when varied, the new form and the appeal’s event are cited', () => {
      expect(forHead(case2018(appeal('upheld')))).toEqual([]);
      const varied = case2018(appeal('varied', 'self_examination'));
      expect(forHead(varied)).toEqual([{ caseId: 'ref-o-2018-zh-t4', decidedOn: '2019-03-01', personId: 'p-zh-head', form: 'self_examination', eventId: varied.at(-1)!.id }]);
      expect(forHead(case2018(appeal('rejected')))).toMatchObject([{ form: 'admonishment' }]);
    });
  });

  describe('given tasks overdue in 2018 and a prior decision', () => {
    it('when Zhuhui is referred for its overdue T4, the referral carries the decision, the period and the document number', () => {
      const referral = buildOverdueTasksReferral({
        ruleSet: VN_2026,
        unit: year.units.zh,
        asOf: '2019-03-15',
        year: 2018,
        directives: [year.directive],
        tasks: Object.values(year.tasks),
        prior: { cases: [case2018()] },
      });
      expect(referral.failure).toMatchObject({ kind: 'tasks_overdue', year: 2018, minCount: 1, tasks: [{ taskId: 't4-zh', documentNumber: 'DEMO-衡督〔2018〕1号', originalDeadline: '2018-10-31' }] });
      expect(referral.failure.source.directive?.documentNumber).toBe('DEMO-衡督〔2018〕1号');
      expect(referral.mitigations.priorDecisions.map((item) => item.form)).toEqual(['self_examination', 'admonishment']);
      expect(() => buildOverdueTasksReferral({ ruleSet: VN_2026, unit: year.units.zh, asOf: '2019-03-15', year: 2019, tasks: Object.values(year.tasks) })).toThrow(
        expect.objectContaining({ code: 'REFERRAL.TASKS_NOT_OVERDUE' }),
      );
    });
  });
});
