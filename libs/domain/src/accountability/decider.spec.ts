import { AUTHORIZATION } from '../authorization/permissions';
import { CN_2019 } from '../appraisal/rule-sets';
import { buildReferral } from '../referral/build-referral';
import { hengyangYear } from '../referral/hengyang-2018.fixtures';
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import { DeciderSpecification } from '../testing/decider-spec';
import { commissioner, hengyang, mayor, watcher } from '../testing/hengyang.fixtures';
import type { CaseCommand } from './commands';
import { CASE_DECIDER_ROLES, caseDecider, type CaseRecord } from './decider';
import type { CaseDecided, CaseEvent, CaseReferred } from './events';
import { ACCOUNTABILITY_FORMS, accountabilityForm } from './forms';

const CASE = '2018-zh-t4';
const HASH = 'f'.repeat(64);
const secondCommissioner: Actor = { id: 'p-deputy-secretary', role: 'discipline_commissioner', unit: 'disc' };
const by = (actor: Actor) => ({ id: actor.id, role: actor.role, unit: actor.unit });
const recorded = (actor: Actor, day: string) => ({ caseId: CASE, at: hengyang(day), by: by(actor) });
const envelope = (actor: Actor, day: string) => ({ caseId: CASE, now: hengyang(day), actor });

const year = hengyangYear();
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

const spec = DeciderSpecification.for(caseDecider);

const refer: CaseCommand = { ...envelope(watcher, '2019-01-02'), type: 'ReferCase', referral };
const referred: CaseReferred = { type: 'CaseReferred', data: { ...recorded(watcher, '2019-01-02'), jurisdiction: 'cn', subjectUnitId: 'zh', referral } };
const start: CaseCommand = { ...envelope(commissioner, '2019-01-05'), type: 'StartCaseInvestigation', note: 'Inquiry opened' };
const started = { type: 'CaseInvestigationStarted' as const, data: { ...recorded(commissioner, '2019-01-05'), note: 'Inquiry opened' } };
const takeStatement: CaseCommand = { ...envelope(commissioner, '2019-01-10'), type: 'TakeCaseStatement', statementId: 'st-1', personId: 'p-zh-head', statementHash: HASH, summary: 'Staff were on flood duty in September' };
const statementTaken = {
  type: 'CaseStatementTaken' as const,
  data: { ...recorded(commissioner, '2019-01-10'), statementId: 'st-1', personId: 'p-zh-head', statementHash: HASH, summary: 'Staff were on flood duty in September' },
};
const decide: CaseCommand = {
  ...envelope(commissioner, '2019-01-20'),
  type: 'DecideCase',
  decisions: [
    { personId: 'p-zh-head', form: 'admonishment', reason: 'Main leadership responsibility for the T4 shortfall' },
    { personId: null, form: 'circulated_criticism', reason: 'The district missed its T4 objective' },
  ],
  signOffId: 'so-case-1',
};
const decided: CaseDecided = {
  type: 'CaseDecided',
  data: {
    ...recorded(commissioner, '2019-01-20'),
    decisions: [
      { personId: 'p-zh-head', form: 'admonishment', reason: 'Main leadership responsibility for the T4 shortfall' },
      { personId: null, form: 'circulated_criticism', reason: 'The district missed its T4 objective' },
    ],
    signOffId: 'so-case-1',
  },
};
const execute: CaseCommand = { ...envelope(commissioner, '2019-01-25'), type: 'ExecuteCaseDecision', documentNumber: 'DEMO-衡纪〔2019〕1号', note: 'Admonishment talk held' };
const executed = { type: 'CaseDecisionExecuted' as const, data: { ...recorded(commissioner, '2019-01-25'), documentNumber: 'DEMO-衡纪〔2019〕1号', note: 'Admonishment talk held' } };
const appeal: CaseCommand = { ...envelope(commissioner, '2019-01-28'), type: 'AppealCaseDecision', appealId: 'ap-1', personId: 'p-zh-head', reason: 'The flood duty was ordered by the city' };
const appealed = { type: 'CaseAppealed' as const, data: { ...recorded(commissioner, '2019-01-28'), appealId: 'ap-1', personId: 'p-zh-head', reason: 'The flood duty was ordered by the city' } };
const decideAppeal: CaseCommand = { ...envelope(secondCommissioner, '2019-02-10'), type: 'DecideCaseAppeal', appealId: 'ap-1', decision: 'varied', form: 'self_examination', reason: 'Partly ordered by the city' };
const appealVaried = {
  type: 'CaseAppealDecided' as const,
  data: { ...recorded(secondCommissioner, '2019-02-10'), appealId: 'ap-1', decision: 'varied' as const, form: 'self_examination', reason: 'Partly ordered by the city' },
};
const close: CaseCommand = { ...envelope(commissioner, '2019-02-15'), type: 'CloseCase' };

const investigating: CaseEvent[] = [referred, started];
const heard: CaseEvent[] = [...investigating, statementTaken];
const isDecided: CaseEvent[] = [...heard, decided];
const isExecuted: CaseEvent[] = [...isDecided, executed];

describe('accountability case decider (问责)', () => {
  describe('ReferCase', () => {
    it('opens the case with the referral, from the process manager or a commissioner', () => {
      spec.given([]).when(refer).then([referred]);
      spec.given([]).when({ ...refer, actor: commissioner }).then([{ type: 'CaseReferred', data: { ...referred.data, by: by(commissioner) } }]);
      expect(fold(caseDecider, [referred])).toMatchObject({ status: 'referred', personIds: ['p-zh-head'] });
    });

    it('refuses a malformed referral, a second referral, and anyone else', () => {
      spec.given([]).when({ ...refer, referral: { ...referral, chronology: [...referral.chronology].reverse() } }).thenThrows('CASE.REFERRAL_INVALID', { field: 'referral.chronology[1].on' });
      spec.given([]).when({ ...refer, referral: { ...referral, integrity: { ...referral.integrity, eventIds: [] } } }).thenThrows('CASE.REFERRAL_INVALID');
      spec.given([]).when({ ...refer, referral: { ...referral, jurisdiction: 'us' as never } }).thenThrows('CASE.REFERRAL_INVALID', { field: 'referral.jurisdiction' });
      spec.given([referred]).when(refer).thenThrows('CASE.ALREADY_REFERRED');
      spec.given([]).when({ ...refer, actor: mayor }).thenThrows('CASE.ROLE_NOT_ALLOWED');
    });
  });

  describe('investigating → statement taken → decided → executed → closed', () => {
    it('runs the whole course', () => {
      spec.given([referred]).when(start).then([started]);
      spec.given(investigating).when(takeStatement).then([statementTaken]);
      spec.given(heard).when({ ...takeStatement, statementId: 'st-2', personId: 'p-zh-deputy' }).then([
        { type: 'CaseStatementTaken', data: { ...statementTaken.data, statementId: 'st-2', personId: 'p-zh-deputy' } },
      ]);
      spec.given(heard).when(decide).then([decided]);
      spec.given(isDecided).when(execute).then([executed]);
      spec.given(isExecuted).when(close).then([{ type: 'CaseClosed', data: { ...recorded(commissioner, '2019-02-15'), note: null } }]);
    });

    it('refuses steps out of order', () => {
      spec.given([referred]).when(takeStatement).thenThrows('CASE.OUT_OF_ORDER');
      spec.given(investigating).when(decide).thenThrows('CASE.OUT_OF_ORDER');
      spec.given(heard).when(execute).thenThrows('CASE.OUT_OF_ORDER');
      spec.given(isDecided).when(close).thenThrows('CASE.OUT_OF_ORDER');
      spec.given(investigating).when(start).thenThrows('CASE.OUT_OF_ORDER');
      spec.given([]).when(start).thenThrows('CASE.NOT_FOUND');
    });

    it('refuses a decision naming someone not referred, a form outside the jurisdiction’s list, no decision, a person twice', () => {
      spec.given(heard).when({ ...decide, decisions: [{ personId: 'p-zh-head-c2', form: 'admonishment', reason: 'x' }] }).thenThrows('CASE.PERSON_NOT_SUBJECT');
      spec.given(heard).when({ ...decide, decisions: [{ personId: 'p-zh-head', form: 'khiển trách', reason: 'x' }] }).thenThrows('CASE.FORM_NOT_ALLOWED');
      spec.given(heard).when({ ...decide, decisions: [{ personId: 'p-zh-head', form: 'reprimand', reason: 'x' }] }).thenThrows('CASE.FORM_NOT_ALLOWED');
      spec.given(heard).when({ ...decide, decisions: [] }).thenThrows('CASE.NO_DECISIONS');
      spec
        .given(heard)
        .when({ ...decide, decisions: [decided.data.decisions[0], decided.data.decisions[0]] })
        .thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(heard).when({ ...decide, decisions: [{ ...decided.data.decisions[0], reason: '' }] }).thenThrows('COMMON.REASON_REQUIRED');
      spec.given(heard).when({ ...decide, signOffId: '' }).thenThrows('COMMON.ID_INVALID');
    });

    it('refuses a malformed statement or execution', () => {
      spec.given(investigating).when({ ...takeStatement, statementHash: 'x' }).thenThrows('COMMON.HASH_INVALID');
      spec.given(heard).when(takeStatement).thenThrows('COMMON.DUPLICATE_VALUE');
      spec.given(isDecided).when({ ...execute, note: '' }).thenThrows('COMMON.TEXT_REQUIRED');
      spec.given(isDecided).when({ ...execute, documentNumber: ' ' }).thenThrows('DOCNO.NUMBER_INVALID');
    });
  });

  describe('dismissed, or exempted (容错, confirmed objective cause)', () => {
    it('dismisses or exempts a case not yet decided, naming what the exemption rests on', () => {
      spec.given(heard).when({ ...envelope(commissioner, '2019-01-15'), type: 'DismissCase', reason: 'The figure was misreported' }).then([
        { type: 'CaseDismissed', data: { ...recorded(commissioner, '2019-01-15'), reason: 'The figure was misreported' } },
      ]);
      const exempt: CaseCommand = {
        ...envelope(commissioner, '2019-01-15'),
        type: 'ExemptCase',
        basis: 'error_tolerance',
        reason: 'A first trial of a new procedure, in good faith',
        refs: ['objective-o-2018-zh-t4#3'],
      };
      spec.given([referred]).when(exempt).then([
        { type: 'CaseExempted', data: { ...recorded(commissioner, '2019-01-15'), basis: 'error_tolerance', reason: 'A first trial of a new procedure, in good faith', refs: ['objective-o-2018-zh-t4#3'] } },
      ]);
      spec.given([referred]).when({ ...exempt, refs: [] }).thenThrows('CASE.EXEMPTION_REFS_REQUIRED');
      spec.given([referred]).when({ ...exempt, basis: 'mercy' as never }).thenThrows('COMMON.VALUE_NOT_ALLOWED');
      spec.given(isDecided).when(exempt).thenThrows('CASE.OUT_OF_ORDER');
      const exempted = { type: 'CaseExempted' as const, data: { ...recorded(commissioner, '2019-01-15'), basis: 'error_tolerance' as const, reason: 'x', refs: ['e'] } };
      spec.given([referred, exempted]).when(start).thenThrows('CASE.OUT_OF_ORDER');
    });
  });

  describe('appeals', () => {
    it('records an appeal and its decision by another commissioner; a varied form replaces the decision', () => {
      spec.given(isExecuted).when(appeal).then([appealed]);
      spec.given([...isExecuted, appealed]).when(decideAppeal).then([appealVaried]);
      const state = fold(caseDecider, [...isExecuted, appealed, appealVaried]) as CaseRecord;
      expect(state.decisions.find((item) => item.personId === 'p-zh-head')?.form).toBe('self_examination');
    });

    it('an upheld appeal annuls the decision on that person; a rejected one leaves it', () => {
      const upheld = { type: 'CaseAppealDecided' as const, data: { ...appealVaried.data, decision: 'upheld' as const, form: null } };
      expect((fold(caseDecider, [...isExecuted, appealed, upheld]) as CaseRecord).decisions.map((item) => item.personId)).toEqual([null]);
      const rejected = { type: 'CaseAppealDecided' as const, data: { ...appealVaried.data, decision: 'rejected' as const, form: null } };
      expect((fold(caseDecider, [...isExecuted, appealed, rejected]) as CaseRecord).decisions).toEqual(decided.data.decisions);
      spec.given([...isExecuted, appealed]).when({ ...decideAppeal, decision: 'rejected', form: undefined }).then([{ ...rejected, data: { ...rejected.data } }]);
    });

    it('refuses a review by the commissioner who decided, a variation without a form, a close while an appeal is pending', () => {
      spec.given([...isExecuted, appealed]).when({ ...decideAppeal, actor: commissioner }).thenThrows('CASE.SELF_REVIEW');
      spec.given([...isExecuted, appealed]).when({ ...decideAppeal, form: null }).thenThrows('CASE.FORM_REQUIRED');
      spec.given([...isExecuted, appealed]).when({ ...decideAppeal, form: 'dismissal' }).thenThrows('CASE.FORM_NOT_ALLOWED');
      spec.given([...isExecuted, appealed]).when(close).thenThrows('CASE.APPEAL_PENDING');
      spec.given([...isExecuted, appealed]).when({ ...appeal, appealId: 'ap-2' }).thenThrows('CASE.APPEAL_PENDING');
      spec.given(isExecuted).when({ ...appeal, personId: 'p-nobody' }).thenThrows('CASE.PERSON_NOT_DECIDED');
      spec.given(isExecuted).when({ ...decideAppeal, appealId: 'ap-9' }).thenThrows('CASE.NO_PENDING_APPEAL');
      spec.given(heard).when(appeal).thenThrows('CASE.OUT_OF_ORDER');
    });
  });

  describe('forms by jurisdiction', () => {
    it('lists the Chinese and Vietnamese forms, mildest first, labelled in three languages', () => {
      expect(ACCOUNTABILITY_FORMS.cn.map((form) => form.labels.zh)).toEqual(['检查', '通报', '诫勉', '组织调整或者组织处理', '纪律处分']);
      expect(ACCOUNTABILITY_FORMS.vn.map((form) => form.labels.vi)).toEqual(['Nhắc nhở', 'Khiển trách', 'Cảnh cáo', 'Cách chức', 'Buộc thôi việc']);
      expect(accountabilityForm('vn', 'warning')?.labels.en).toBe('Warning');
      expect(accountabilityForm('vn', 'admonishment')).toBeNull();
    });
  });

  it('only the discipline commission acts: the authorization table never allows a role the decider refuses', () => {
    for (const [command, roles] of Object.entries(CASE_DECIDER_ROLES)) {
      for (const role of Object.keys(AUTHORIZATION[command as keyof typeof CASE_DECIDER_ROLES].allow)) {
        expect({ command, role, allowed: (roles as readonly string[]).includes(role) }).toEqual({ command, role, allowed: true });
      }
    }
    spec.given([referred]).when({ ...start, actor: mayor }).thenThrows('CASE.ROLE_NOT_ALLOWED');
  });
});
