import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DIRECTIONS, DIRECTIVE_KINDS, isDocumentNumber, isId, isIsoDate, UNIT_KINDS, type Direction, type DirectiveKind, type UnitKind } from '@ledger/domain';

/**
 * The import format: one row per record — a unit, a directive, a task (with its assignment), an annual objective
 * (set by a directive or plan already in the file or the ledger), or an objective's reported actual — with these
 * columns, in any order. The same columns serve CSV (a header row) and JSON (an array of objects, or one object
 * per line in `.jsonl`), so a file exported in this shape imports back unchanged. A column a record does not use
 * stays empty. Columns starting with `rejected_` are ignored: a rejects file can be fixed and imported as it is.
 */
export const IMPORT_COLUMNS = [
  'record',
  'id',
  'date',
  'parent_id',
  'unit_kind',
  'name_en',
  'name_vi',
  'name_zh',
  'head_person_id',
  'head_name',
  'head_post_title',
  'issuer_unit_id',
  'issuer_person_id',
  'issuer_name',
  'issuer_post_title',
  'document_number',
  'directive_kind',
  'title',
  'body',
  'meeting_name',
  'meeting_date',
  'directive_id',
  'lead_unit_id',
  'co_unit_ids',
  'work',
  'deadline',
  'expected_result',
  'unit_id',
  'year',
  'metric',
  'unit_of_measure',
  'direction',
  'target',
  'baseline',
  'weight',
  'tolerance',
  'objective_id',
  'period',
  'as_of',
  'value',
  'same_period_last_year',
  'source',
] as const;

export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export type RawRow = Partial<Record<ImportColumn, string>>;

/** A row as read, with the line of the file it starts on. */
export interface SourceRow {
  readonly line: number;
  readonly raw: RawRow;
}

export interface UnitRow {
  readonly record: 'unit';
  readonly id: string;
  readonly date: string;
  readonly parentId: string | null;
  readonly kind: UnitKind;
  readonly names: { en?: string; vi?: string; zh?: string };
  readonly head: { personId: string; name: string; postTitle: string } | null;
}

export interface DirectiveRow {
  readonly record: 'directive';
  readonly id: string;
  readonly date: string;
  readonly issuerUnitId: string;
  readonly issuer: { personId: string; name: string; postTitle: string };
  readonly documentNumber: string;
  readonly kind: DirectiveKind;
  readonly title: string;
  readonly body: string;
  readonly meeting: { name: string; date: string } | null;
}

export interface TaskRow {
  readonly record: 'task';
  readonly id: string;
  readonly date: string;
  readonly directiveId: string;
  readonly title: string;
  readonly assignment: { leadUnitId: string; coUnitIds: string[]; work: string; deadline: string; expectedResult: string } | null;
}

/** An annual objective of a unit, set by a directive (or plan) that is on an earlier line or in the ledger. */
export interface ObjectiveRow {
  readonly record: 'objective';
  readonly id: string;
  readonly date: string;
  readonly unitId: string;
  readonly directiveId: string;
  readonly year: number;
  readonly metric: string;
  readonly unitOfMeasure: string;
  readonly direction: Direction;
  readonly target: number;
  readonly baseline: number | null;
  readonly weight: number;
  readonly tolerance: number;
  readonly deadline: string;
}

/** One reported figure of an objective (`id` names the report; `date` is the day it was reported). */
export interface ActualRow {
  readonly record: 'actual';
  readonly id: string;
  readonly date: string;
  readonly objectiveId: string;
  readonly period: string;
  readonly asOf: string;
  readonly value: number;
  readonly samePeriodLastYear: number | null;
  readonly source: string;
}

export type ImportRow = UnitRow | DirectiveRow | TaskRow | ObjectiveRow | ActualRow;

export const IMPORT_RECORDS = ['unit', 'directive', 'task', 'objective', 'actual'] as const;

export interface RowProblem {
  readonly field: string;
  readonly reason: string;
}

/** `line 17: deadline: must be YYYY-MM-DD` */
export function formatProblem(line: number, problem: RowProblem): string {
  return `line ${line}: ${problem.field}: ${problem.reason}`;
}

const USED_BY: Record<ImportRow['record'], readonly ImportColumn[]> = {
  unit: ['record', 'id', 'date', 'parent_id', 'unit_kind', 'name_en', 'name_vi', 'name_zh', 'head_person_id', 'head_name', 'head_post_title'],
  directive: ['record', 'id', 'date', 'issuer_unit_id', 'issuer_person_id', 'issuer_name', 'issuer_post_title', 'document_number', 'directive_kind', 'title', 'body', 'meeting_name', 'meeting_date'],
  task: ['record', 'id', 'date', 'directive_id', 'title', 'lead_unit_id', 'co_unit_ids', 'work', 'deadline', 'expected_result'],
  objective: ['record', 'id', 'date', 'unit_id', 'directive_id', 'year', 'metric', 'unit_of_measure', 'direction', 'target', 'baseline', 'weight', 'tolerance', 'deadline'],
  actual: ['record', 'id', 'date', 'objective_id', 'period', 'as_of', 'value', 'same_period_last_year', 'source'],
};

/** A finite decimal number as written in a file (no exponent, no hex, no thousands separators). */
const DECIMAL = /^-?(0|[1-9]\d{0,14})(\.\d{1,9})?$/;

/**
 * Field checks of one row, all of them (not only the first): shape, formats, lengths, which columns its record
 * uses. Whether the records it names exist, and the domain's rules, are the planner's (they need the ledger).
 * `today` is the jurisdiction's date: nothing may have happened after it.
 */
export function parseRow(raw: RawRow, today: string): { row?: ImportRow; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const value = (column: ImportColumn): string => (raw[column] ?? '').trim();
  const text = (column: ImportColumn, max: number, required: boolean): string => {
    const v = value(column);
    if (v === '') {
      if (required) problems.push({ field: column, reason: 'is required' });
    } else if ([...v].length > max) problems.push({ field: column, reason: `must be at most ${max} characters` });
    return v;
  };
  const id = (column: ImportColumn, required: boolean): string => {
    const v = value(column);
    if (v === '') {
      if (required) problems.push({ field: column, reason: 'is required' });
    } else if (!isId(v)) problems.push({ field: column, reason: 'must be an id of lower-case letters, digits and inner hyphens (at most 64)' });
    return v;
  };
  const date = (column: ImportColumn, required: boolean): string => {
    const v = value(column);
    if (v === '') {
      if (required) problems.push({ field: column, reason: 'is required' });
    } else if (!isIsoDate(v)) problems.push({ field: column, reason: 'must be YYYY-MM-DD' });
    return v;
  };

  const number = (column: ImportColumn, required: boolean): number | null => {
    const v = value(column);
    if (v === '') {
      if (required) problems.push({ field: column, reason: 'is required' });
      return null;
    }
    if (!DECIMAL.test(v)) {
      problems.push({ field: column, reason: 'must be a decimal number such as 1250 or 0.05 (no exponent or separators)' });
      return null;
    }
    return Number(v);
  };

  const record = value('record') as ImportRow['record'];
  if (!(IMPORT_RECORDS as readonly string[]).includes(record)) {
    problems.push({ field: 'record', reason: (record as string) === '' ? `is required (${IMPORT_RECORDS.join(', ')})` : `must be one of ${IMPORT_RECORDS.join(', ')}, got '${record}'` });
    return { problems };
  }
  for (const column of IMPORT_COLUMNS) {
    if (!USED_BY[record].includes(column) && value(column) !== '') problems.push({ field: column, reason: `is not used by a ${record} row: leave it empty` });
  }
  const recordId = id('id', true);
  const on = date('date', true);
  if (isIsoDate(on) && on > today) problems.push({ field: 'date', reason: `is in the future (today is ${today})` });

  switch (record) {
    case 'unit': {
      const kind = value('unit_kind');
      if (!(UNIT_KINDS as readonly string[]).includes(kind)) problems.push({ field: 'unit_kind', reason: `must be one of ${UNIT_KINDS.join(', ')}` });
      const names = { en: text('name_en', 200, false), vi: text('name_vi', 200, false), zh: text('name_zh', 200, false) };
      if (!names.en && !names.vi && !names.zh) problems.push({ field: 'name_en', reason: 'a unit needs a name in at least one of name_en, name_vi, name_zh' });
      const parentId = id('parent_id', false);
      const headFields = ['head_person_id', 'head_name', 'head_post_title'] as const;
      const given = headFields.filter((column) => value(column) !== '');
      if (given.length > 0 && given.length < headFields.length) {
        for (const column of headFields) if (value(column) === '') problems.push({ field: column, reason: 'is required with the other head_ columns' });
      }
      const head = given.length === headFields.length ? { personId: text('head_person_id', 200, true), name: text('head_name', 200, true), postTitle: text('head_post_title', 200, true) } : null;
      if (problems.length > 0) return { problems };
      const named = Object.fromEntries(Object.entries(names).filter(([, v]) => v !== ''));
      return { row: { record, id: recordId, date: on, parentId: parentId || null, kind: kind as UnitKind, names: named, head }, problems };
    }
    case 'directive': {
      const issuerUnitId = id('issuer_unit_id', true);
      const issuer = { personId: text('issuer_person_id', 200, true), name: text('issuer_name', 200, true), postTitle: text('issuer_post_title', 200, true) };
      const documentNumber = text('document_number', 100, true);
      if (documentNumber && !isDocumentNumber(documentNumber)) problems.push({ field: 'document_number', reason: 'is not a valid document number' });
      const kind = value('directive_kind');
      if (!(DIRECTIVE_KINDS as readonly string[]).includes(kind)) problems.push({ field: 'directive_kind', reason: `must be one of ${DIRECTIVE_KINDS.join(', ')}` });
      const title = text('title', 1000, true);
      const body = text('body', 100_000, true);
      const meetingName = text('meeting_name', 500, false);
      const meetingDate = date('meeting_date', false);
      if ((meetingName === '') !== (meetingDate === '')) problems.push({ field: meetingName ? 'meeting_date' : 'meeting_name', reason: 'meeting_name and meeting_date go together' });
      if (problems.length > 0) return { problems };
      const meeting = meetingName ? { name: meetingName, date: meetingDate } : null;
      return { row: { record, id: recordId, date: on, issuerUnitId, issuer, documentNumber, kind: kind as DirectiveKind, title, body, meeting }, problems };
    }
    case 'task': {
      const directiveId = id('directive_id', true);
      const title = text('title', 1000, true);
      const leadUnitId = id('lead_unit_id', false);
      const coUnitIds = value('co_unit_ids') === '' ? [] : value('co_unit_ids').split(';').map((s) => s.trim());
      for (const co of coUnitIds) if (!isId(co)) problems.push({ field: 'co_unit_ids', reason: `'${co}' is not a unit id (separate ids with ;)` });
      let assignment: TaskRow['assignment'] = null;
      if (leadUnitId) {
        const work = text('work', 10_000, true);
        const deadline = date('deadline', true);
        const expectedResult = text('expected_result', 10_000, true);
        if (coUnitIds.includes(leadUnitId)) problems.push({ field: 'co_unit_ids', reason: 'must not include the lead unit' });
        assignment = { leadUnitId, coUnitIds, work, deadline, expectedResult };
      } else {
        for (const column of ['co_unit_ids', 'work', 'deadline', 'expected_result'] as const) {
          if (value(column) !== '') problems.push({ field: column, reason: 'needs lead_unit_id (an assignment names its lead unit)' });
        }
      }
      if (problems.length > 0) return { problems };
      return { row: { record, id: recordId, date: on, directiveId, title, assignment }, problems };
    }
    case 'objective': {
      const unitId = id('unit_id', true);
      const directiveId = id('directive_id', true);
      const yearText = value('year');
      let year = 0;
      if (yearText === '') problems.push({ field: 'year', reason: 'is required' });
      else if (!/^\d{4}$/.test(yearText)) problems.push({ field: 'year', reason: 'must be a year such as 2018' });
      else year = Number(yearText);
      const metric = text('metric', 500, true);
      const unitOfMeasure = text('unit_of_measure', 100, true);
      const direction = value('direction');
      if (!(DIRECTIONS as readonly string[]).includes(direction)) problems.push({ field: 'direction', reason: `must be one of ${DIRECTIONS.join(', ')}` });
      const target = number('target', true);
      const baseline = number('baseline', false);
      const weight = number('weight', true);
      const tolerance = number('tolerance', true);
      const deadline = date('deadline', true);
      if (year && isIsoDate(deadline) && Number(deadline.slice(0, 4)) !== year) problems.push({ field: 'deadline', reason: `must fall in the objective's year ${year}` });
      if (problems.length > 0) return { problems };
      return {
        row: { record, id: recordId, date: on, unitId, directiveId, year, metric, unitOfMeasure, direction: direction as Direction, target: target!, baseline, weight: weight!, tolerance: tolerance!, deadline },
        problems,
      };
    }
    case 'actual': {
      const objectiveId = id('objective_id', true);
      const period = text('period', 100, true);
      const asOf = date('as_of', true);
      if (isIsoDate(asOf) && isIsoDate(on) && asOf > on) problems.push({ field: 'as_of', reason: `is after the day it was reported (${on})` });
      const figure = number('value', true);
      const samePeriodLastYear = number('same_period_last_year', false);
      const source = text('source', 1000, true);
      if (problems.length > 0) return { problems };
      return { row: { record, id: recordId, date: on, objectiveId, period, asOf, value: figure!, samePeriodLastYear, source }, problems };
    }
  }
}

/** Reads a CSV (header row), JSON (array of row objects) or JSON Lines file into rows with their line numbers. */
export function readRows(path: string, content: string): { rows: SourceRow[]; problems: string[] } {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return readCsv(content);
  if (ext === '.json') return readJsonArray(content);
  if (ext === '.jsonl' || ext === '.ndjson') return readJsonLines(content);
  return { rows: [], problems: [`${path}: the file must end in .csv, .json or .jsonl`] };
}

function checkColumns(columns: readonly string[], where: string): string[] {
  return columns
    .filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c) && !c.startsWith('rejected_'))
    .map((c) => `${where}: unknown column '${c}' (columns: ${IMPORT_COLUMNS.join(', ')})`);
}

function readCsv(content: string): { rows: SourceRow[]; problems: string[] } {
  let records: Array<{ record: Record<string, string>; info: { lines: number; empty_lines: number } }>;
  let header: string[] = [];
  try {
    records = parse(content, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim())),
      info: true,
      skip_empty_lines: true,
    }) as never;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { rows: [], problems: [`line ${e.lines ?? '?'}: ${e.message}`] };
  }
  const problems = checkColumns(header, 'line 1');
  const rows: SourceRow[] = [];
  let previousEnd = 1;
  let previousEmpty = 0;
  for (const { record, info } of records) {
    rows.push({ line: previousEnd + 1 + (info.empty_lines - previousEmpty), raw: record as RawRow });
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
  }
  return { rows, problems };
}

function objectRow(value: unknown, line: number, problems: string[]): SourceRow | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`line ${line}: a row must be a JSON object`);
    return undefined;
  }
  const raw: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (key === 'co_unit_ids' && Array.isArray(v)) raw[key] = v.join(';');
    else if (typeof v === 'string') raw[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') raw[key] = String(v);
    else problems.push(`line ${line}: ${key}: must be a string`);
  }
  problems.push(...checkColumns(Object.keys(raw), `line ${line}`));
  return { line, raw: raw as RawRow };
}

function readJsonLines(content: string): { rows: SourceRow[]; problems: string[] } {
  const rows: SourceRow[] = [];
  const problems: string[] = [];
  content.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === '') return;
    try {
      const row = objectRow(JSON.parse(text), i + 1, problems);
      if (row) rows.push(row);
    } catch (error) {
      problems.push(`line ${i + 1}: not JSON: ${(error as Error).message}`);
    }
  });
  return { rows, problems };
}

/** A JSON array of objects; each row's line is where its object starts (found by a scan that skips strings). */
function readJsonArray(content: string): { rows: SourceRow[]; problems: string[] } {
  const text = content.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { rows: [], problems: [`not JSON: ${(error as Error).message}`] };
  }
  if (!Array.isArray(parsed)) return { rows: [], problems: ['line 1: the JSON file must hold an array of rows'] };
  const starts: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 1) starts.push(line);
      inString = true;
    } else if (c === '[' || c === '{') {
      if (depth === 1) starts.push(line);
      depth++;
    } else if (c === ']' || c === '}') depth--;
    else if (depth === 1 && !/[\s,]/.test(c)) {
      // A number, true, false or null as an element: one start, then skip to its end.
      starts.push(line);
      while (i + 1 < text.length && !/[\s,\]]/.test(text[i + 1])) i++;
    }
  }
  const problems: string[] = [];
  const rows: SourceRow[] = [];
  parsed.forEach((value, i) => {
    const row = objectRow(value, starts[i] ?? 1, problems);
    if (row) rows.push(row);
  });
  return { rows, problems };
}

/** One CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
