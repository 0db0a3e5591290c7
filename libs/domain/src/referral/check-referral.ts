import { JURISDICTIONS } from '../appraisal/rule-set';
import { domainError } from '../shared/domain-error';
import { cloneJson, isJsonObject, type JsonValue } from '../shared/json';
import { isId, isPersonId } from '../shared/validate';
import { CHRONOLOGY_KINDS, type Referral, RESPONSIBILITY_TAGS } from './referral';

/**
 * Throws `CASE.REFERRAL_INVALID` naming the first part of a referral that is not as `Referral` says, else returns a
 * copy that shares nothing with the input. The chronology must be in order of the day things happened.
 */
export function checkReferral(value: unknown): Referral {
  const fail = (field: string): never => {
    throw domainError('CASE.REFERRAL_INVALID', { field: `referral${field}` });
  };
  if (!isJsonObject(value)) return fail('');
  const referral = value as unknown as Referral;
  if (!(JURISDICTIONS as readonly string[]).includes(referral.jurisdiction)) fail('.jurisdiction');
  if (!Array.isArray(referral.reasons) || referral.reasons.length === 0) fail('.reasons');
  if (!isJsonObject(referral.subject) || !isId(referral.subject.unitId)) fail('.subject.unitId');
  if (!Array.isArray(referral.subject.persons)) fail('.subject.persons');
  referral.subject.persons.forEach((person, index) => {
    if (!isPersonId(person?.personId) || !(RESPONSIBILITY_TAGS as readonly string[]).includes(person.responsibility)) {
      fail(`.subject.persons[${index}]`);
    }
  });
  if (!isJsonObject(referral.failure) || !['objective_missed', 'tasks_overdue'].includes(referral.failure.kind)) fail('.failure');
  if (!Array.isArray(referral.chronology)) fail('.chronology');
  referral.chronology.forEach((entry, index) => {
    if (!(CHRONOLOGY_KINDS as readonly string[]).includes(entry?.kind) || typeof entry.eventId !== 'string') {
      fail(`.chronology[${index}]`);
    }
    if (index > 0 && entry.on < referral.chronology[index - 1].on) fail(`.chronology[${index}].on`);
  });
  if (!isJsonObject(referral.mitigations)) fail('.mitigations');
  const integrity = referral.integrity;
  if (!isJsonObject(integrity) || !Array.isArray(integrity.eventIds) || integrity.eventIds.length === 0) fail('.integrity.eventIds');
  if (typeof integrity.ruleSetId !== 'string' || integrity.ruleSetId.length === 0) fail('.integrity.ruleSetId');
  return cloneJson(value as JsonValue) as unknown as Referral;
}
