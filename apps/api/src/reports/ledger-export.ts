import type { LedgerReadModels } from '@ledger/projections';
import { IMPORT_COLUMNS, type ImportColumn } from '../../../cli/src/import/import-rows';
import type { ReadScope } from '../read-models/read-scope';

/**
 * Units, directives and tasks as rows of the `ledger import` format (apps/cli/src/import/import-rows.ts): the same
 * columns in the same order, a column a record does not use left empty, so that an export imports into an empty
 * ledger and exports again byte for byte. What one row can say is what the import can enter:
 * - a unit: registered on its registration day with its names, kind, parent and its first head (later heads,
 *   deputies, cadres, renames, moves and dissolutions are in the log, not in the row);
 * - a directive: as in force now (after amendments), issued on its issue date;
 * - a task: registered on its registration day, with its assignment as in force now (lead unit after transfers,
 *   the deadline in force after granted extensions); its later events (progress, verification …) are not rows.
 * Rows are ordered so that everything a row names comes before it: parents before children, then by id.
 */
export const EXPORTS = ['units', 'directives', 'tasks'] as const;
export type ExportKind = (typeof EXPORTS)[number];

type Row = Partial<Record<ImportColumn, string>>;

/** The calendar day an event happened on, in the jurisdiction (its `at` keeps the offset). */
const dayOf = (occurredAt: string) => occurredAt.slice(0, 10);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function exportHeader(): string[] {
  return [...IMPORT_COLUMNS];
}

export function exportRows(kind: ExportKind, models: LedgerReadModels, scope: ReadScope): string[][] {
  const rows = kind === 'units' ? unitRows(models, scope) : kind === 'directives' ? directiveRows(models, scope) : taskRows(models, scope);
  return rows.map((row) => IMPORT_COLUMNS.map((column) => row[column] ?? ''));
}

function unitRows(models: LedgerReadModels, scope: ReadScope): Row[] {
  const units = models.organisation.units;
  const depth = (unitId: string, seen = new Set<string>()): number => {
    const parentId = units.get(unitId)?.record.parentId ?? null;
    if (parentId === null || seen.has(parentId) || !units.has(parentId)) return 0;
    seen.add(unitId);
    return 1 + depth(parentId, seen);
  };
  return [...units.values()]
    .filter((view) => scope.unit(view.unitId))
    .map((view) => ({ view, depth: depth(view.unitId) }))
    .sort((a, b) => a.depth - b.depth || compare(a.view.unitId, b.view.unitId))
    .map(({ view }) => {
      const { record } = view;
      const head = record.heads[0];
      return {
        record: 'unit',
        id: view.unitId,
        date: dayOf(view.registered.occurredAt),
        parent_id: record.parentId ?? '',
        unit_kind: record.kind,
        name_en: record.names.en ?? '',
        name_vi: record.names.vi ?? '',
        name_zh: record.names.zh ?? '',
        head_person_id: head?.personId ?? '',
        head_name: head?.name ?? '',
        head_post_title: head?.postTitle ?? '',
      };
    });
}

function directiveRows(models: LedgerReadModels, scope: ReadScope): Row[] {
  return [...models.directives.directives.values()]
    .filter((view) => scope.directive(view))
    .sort((a, b) => compare(a.record.issuedOn, b.record.issuedOn) || compare(a.directiveId, b.directiveId))
    .map(({ directiveId, record }) => ({
      record: 'directive',
      id: directiveId,
      date: record.issuedOn,
      issuer_unit_id: record.issuer.unitId,
      issuer_person_id: record.issuer.personId,
      issuer_name: record.issuer.name,
      issuer_post_title: record.issuer.postTitle,
      document_number: record.documentNumber,
      directive_kind: record.kind,
      title: record.title,
      body: record.body,
      meeting_name: record.meeting?.name ?? '',
      meeting_date: record.meeting?.date ?? '',
    }));
}

function taskRows(models: LedgerReadModels, scope: ReadScope): Row[] {
  return [...models.tasks.tasks.values()]
    .filter((view) => scope.task(view))
    .map((view) => ({ view, date: dayOf(view.registeredAt) }))
    .sort((a, b) => compare(a.date, b.date) || compare(a.view.taskId, b.view.taskId))
    .map(({ view, date }) => {
      const { record } = view;
      const assignment = record.assignment;
      return {
        record: 'task',
        id: view.taskId,
        date,
        directive_id: record.directiveId,
        title: record.title,
        lead_unit_id: assignment?.leadUnitId ?? '',
        co_unit_ids: assignment?.coUnitIds.join(';') ?? '',
        work: assignment?.work ?? '',
        deadline: assignment ? (record.deadline ?? assignment.originalDeadline) : '',
        expected_result: assignment?.expectedResult ?? '',
      };
    });
}
