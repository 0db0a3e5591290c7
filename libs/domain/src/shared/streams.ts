import { createHash } from 'node:crypto';
import { isRuleSetId } from '../appraisal/rule-set';
import { domainError } from './domain-error';
import { ID_PATTERN, requireId } from './validate';

/**
 * Stream naming: every stream is `<kind>-<id>`, lower-case ASCII letters, digits and hyphens only, so ids are safe
 * in every adapter (SQL, EventStoreDB) and in URLs. The kind is a single word without hyphens, so the first hyphen
 * always separates kind from id.
 */
export const STREAM_KINDS = [
  'unit',
  'directive',
  'task',
  'docno',
  'signoff',
  'user',
  // The ledger's own signed checkpoints and key rotations (`checkpoint-ledger`, @ledger/event-store checkpoints/).
  'checkpoint',
  // Who read audit data (evidence, proofs, discipline cases), one stream per reader: `audit-<actor>`.
  'audit',
  // Objectives and what they are judged by: responsibility letters, inspections, interviews, appraisal cycles,
  // accountability cases (`libs/domain/src/{responsibility-letter,objective,inspection,appraisal,accountability}`).
  'letter',
  'objective',
  'inspection',
  'interview',
  'appraisal',
  'case',
  // Grading rule sets published as data (`ruleset-<id>`, libs/domain/src/rule-set); the built-in ones have no stream.
  'ruleset',
] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

const STREAM_ID = /^([a-z]+)-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)$/;
export const MAX_STREAM_ID_LENGTH = 200;

/** Any well-formed `<kind>-<id>`, including kinds other libraries add (objective, inspection, ...). */
export function isStreamId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_STREAM_ID_LENGTH && STREAM_ID.test(value);
}

export function parseStreamId(streamId: string): { kind: string; id: string } | null {
  if (streamId.length > MAX_STREAM_ID_LENGTH) return null;
  const match = STREAM_ID.exec(streamId);
  return match ? { kind: match[1], id: match[2] } : null;
}

export const unitStreamId = (unitId: string): string => `unit-${requireId(unitId, 'unitId')}`;
export const directiveStreamId = (directiveId: string): string => `directive-${requireId(directiveId, 'directiveId')}`;
export const taskStreamId = (taskId: string): string => `task-${requireId(taskId, 'taskId')}`;
export const signOffStreamId = (signOffId: string): string => `signoff-${requireId(signOffId, 'signOffId')}`;
export const userStreamId = (userId: string): string => `user-${requireId(userId, 'userId')}`;
export const letterStreamId = (letterId: string): string => `letter-${requireId(letterId, 'letterId')}`;
export const objectiveStreamId = (objectiveId: string): string => `objective-${requireId(objectiveId, 'objectiveId')}`;
export const inspectionStreamId = (inspectionId: string): string =>
  `inspection-${requireId(inspectionId, 'inspectionId')}`;
export const interviewStreamId = (interviewId: string): string => `interview-${requireId(interviewId, 'interviewId')}`;
/** One appraisal cycle per year and peer group: `appraisal-<year>-<peerGroup>` (the cycle id is `<year>-<peerGroup>`). */
export const appraisalStreamId = (year: number, peerGroup: string): string => {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw domainError('APPRAISAL.YEAR_INVALID', { field: 'year', value: String(year) });
  }
  return `appraisal-${requireId(`${year}-${requireId(peerGroup, 'peerGroup')}`, 'peerGroup')}`;
};
export const caseStreamId = (caseId: string): string => `case-${requireId(caseId, 'caseId')}`;
/**
 * A published rule set: `ruleset-<id>`, the version's dot spelled `-v` (`cn-2019.1` → `ruleset-cn-2019-v1`). One to
 * one: a rule-set id ends in its year or `.<n>`, never in `-v<n>`.
 */
export const ruleSetStreamId = (ruleSetId: string): string => {
  if (!isRuleSetId(ruleSetId)) throw domainError('RULESET.ID_INVALID', { field: 'id', value: String(ruleSetId) });
  return `ruleset-${ruleSetId.replace('.', '-v')}`;
};
/** The one stream of signed checkpoints; the name is fixed by @ledger/event-store (`CHECKPOINT_STREAM_ID`). */
export const checkpointStreamId = (): string => 'checkpoint-ledger';

/**
 * A reader's audit-access stream. Actor ids that are not entity ids (`cli:<os user>`, ids from an identity
 * provider) are hashed into `audit-h-<32 hex>`; the events themselves name the actor, so a shared stream would
 * only group, never misattribute.
 */
export function auditStreamId(actorId: string): string {
  if (ID_PATTERN.test(actorId)) return `audit-${actorId}`;
  return `audit-h-${createHash('sha256').update(actorId, 'utf8').digest('hex').slice(0, 32)}`;
}

/** Builders for every kind, by kind. */
export const streamIds = {
  unit: unitStreamId,
  directive: directiveStreamId,
  task: taskStreamId,
  docno: (issuerUnit: string, year: number, documentNumber: string) =>
    documentNumberStreamId(issuerUnit, year, documentNumber),
  signoff: signOffStreamId,
  user: userStreamId,
  checkpoint: checkpointStreamId,
  audit: auditStreamId,
  letter: letterStreamId,
  objective: objectiveStreamId,
  inspection: inspectionStreamId,
  interview: interviewStreamId,
  appraisal: appraisalStreamId,
  case: caseStreamId,
  ruleset: ruleSetStreamId,
} as const satisfies { readonly [K in StreamKind]: (...args: never[]) => string };

// ── Document numbers ────────────────────────────────────────────────────────────────────────────────────────────

const MAX_DOCUMENT_NUMBER_LENGTH = 100;
const SLUG_LENGTH = 32;
const HASH_HEX_LENGTH = 16;

/**
 * A document number as issued: 1–100 code points (after NFC), no control, format or separator characters that
 * are invisible on paper, no lone surrogates, no surrounding white space. Case and punctuation are significant:
 * `17-KH/QU` and `17-kh/qu` are different numbers.
 */
export function isDocumentNumber(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const text = value.normalize('NFC');
  const length = [...text].length;
  if (length === 0 || length > MAX_DOCUMENT_NUMBER_LENGTH) return false;
  if (/^\s|\s$/u.test(text)) return false;
  return !/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(text);
}

/**
 * The reservation stream of a document number: `docno-<issuerUnit>-<year>-<slug>-<hash>`.
 *
 * The application appends `DocumentNumberReserved` to it with expected version `'no-stream'`, so the store itself
 * enforces "a document number is unique per issuer and year", even between concurrent requests.
 *
 * The rule (it must never change: existing reservations are found by recomputing it):
 * 1. the number is validated (`isDocumentNumber`) and put in Unicode NFC, so canonically equivalent spellings
 *    (a precomposed `ố` and `o` + combining marks) are the same number;
 * 2. `hash` = the first 16 hex digits (64 bits) of SHA-256 over the UTF-8 bytes of that NFC string; it carries
 *    the identity: two different NFC numbers share a stream only if they share those 64 bits;
 * 3. `slug` is for people reading stream ids: the number decomposed (NFKD), marks dropped, `đ` → `d`, lower-cased,
 *    every run of other characters turned into one hyphen, cut to 32 characters; it may be empty (an all-CJK
 *    number), and is then left out together with its hyphen. Different numbers may share a slug
 *    (`17-KH/QU`, `17-kh/qu`); the hash keeps them apart;
 * 4. `issuerUnit` must be an id (`ID_PATTERN`) and `year` an integer 1000–9999.
 *
 * Examples: `2116-TB/KL` → slug `2116-tb-kl`; `DEMO-衡督〔2018〕1号` → slug `demo-2018-1`.
 */
export function documentNumberStreamId(issuerUnit: string, year: number, documentNumber: string): string {
  requireId(issuerUnit, 'issuerUnit');
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw domainError('DOCNO.YEAR_INVALID', { field: 'year', value: String(year) });
  }
  if (!isDocumentNumber(documentNumber)) {
    throw domainError('DOCNO.NUMBER_INVALID', { field: 'documentNumber', value: String(documentNumber) });
  }
  const canonical = documentNumber.normalize('NFC');
  const hash = createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, HASH_HEX_LENGTH);
  const slug = documentNumberSlug(canonical);
  return `docno-${issuerUnit}-${year}-${slug === '' ? '' : `${slug}-`}${hash}`;
}

/** The readable part of a document number's stream id (step 3 above). */
export function documentNumberSlug(documentNumber: string): string {
  return documentNumber
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_LENGTH)
    .replace(/-+$/, '');
}
