import {
  directiveDecider,
  directiveStreamId,
  documentNumberDecider,
  documentNumberStreamId,
  DomainError,
  fold,
  headOn,
  objectiveDecider,
  objectiveStreamId,
  taskDecider,
  taskStreamId,
  unitDecider,
  unitStreamId,
  yearOf,
  type Actor,
  type Decider,
  type DirectiveState,
  type ObjectiveState,
  type UnitState,
} from '@ledger/domain';
import type { AppendRequest, JsonObject, LedgerStore, NewEvent, RecordedEvent } from '@ledger/event-store';
import { domainEventOf } from '@ledger/projections';
import { formatProblem, parseRow, type ActualRow, type DirectiveRow, type ObjectiveRow, type ImportRow, type RawRow, type RowProblem, type SourceRow, type TaskRow, type UnitRow } from './import-rows';

export interface ImportContext {
  readonly store: LedgerStore;
  /** Who enters the records: the CLI's local administrator (recorded in every event's metadata). */
  readonly actor: Actor;
  /** The jurisdiction's UTC offset (`+08:00`): a row's date is read as the start of that day there. */
  readonly timeZoneOffset: string;
  /** Today in the jurisdiction: no row may be dated after it. */
  readonly today: string;
  /** One per import run: every event of the run carries it. */
  readonly correlationId: string;
}

export interface PlannedAppend {
  readonly line: number;
  readonly request: AppendRequest;
}

export interface RejectedRow {
  readonly line: number;
  readonly raw: RawRow;
  readonly reasons: readonly string[];
  /** Refused only because a row it depends on (a parent unit, a lead unit, its directive) was refused. */
  readonly dependent: boolean;
}

export interface ImportPlan {
  /** In file order: a unit before its children, a directive's document number, the directive, then its tasks. */
  readonly appends: readonly PlannedAppend[];
  /** Rows whose records are planned. */
  readonly accepted: number;
  /** Rows whose records an earlier run of this import already wrote (same command ids): nothing to do. */
  readonly alreadyImported: number;
  readonly rejected: readonly RejectedRow[];
  readonly events: number;
}

interface Stream<S> {
  state: S;
  version: number;
  commandIds: Set<string>;
}

/** Command ids derive from the record, so a second run of the same import finds the first run's appends. */
const commandIdOf = (record: ImportRow['record'], id: string): string => `import:${record}:${id}`;

/** Domain fields to the import's columns, so a domain refusal names the column to fix. */
const COLUMN_OF_FIELD: Readonly<Record<string, string>> = {
  leadUnitId: 'lead_unit_id',
  coUnitIds: 'co_unit_ids',
  expectedResult: 'expected_result',
  leadUnitHead: 'lead_unit_id',
  issuedOn: 'date',
  documentNumber: 'document_number',
  issuerUnitId: 'issuer_unit_id',
  'issuer.name': 'issuer_name',
  'issuer.postTitle': 'issuer_post_title',
  parentId: 'parent_id',
  names: 'name_en',
  from: 'date',
  personId: 'head_person_id',
  postTitle: 'head_post_title',
  name: 'head_name',
  'meeting.date': 'meeting_date',
  'meeting.name': 'meeting_name',
  unitId: 'unit_id',
  unitOfMeasure: 'unit_of_measure',
  directive: 'directive_id',
  asOf: 'as_of',
  samePeriodLastYear: 'same_period_last_year',
};

function refusal(error: unknown, fallbackField: string, kindColumn?: string): RowProblem {
  if (error instanceof DomainError) {
    const field = error.field === 'kind' && kindColumn ? kindColumn : (COLUMN_OF_FIELD[error.field ?? ''] ?? error.field ?? fallbackField);
    return { field, reason: `${error.message} (${error.code})` };
  }
  throw error;
}

class Rejection extends Error {
  constructor(
    readonly problems: readonly RowProblem[],
    readonly dependent = false,
  ) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  }
}

/**
 * Validates every row and decides every record with the domain's deciders — the API's loop without HTTP: read
 * the stream, fold, decide, and (later, `writePlan`) append with the version read — against the ledger as it is
 * plus the records of the earlier rows. Nothing is written here. Authorization is the CLI's: whoever can run it
 * is the local administrator. A directive is issued by its leader (the domain refuses anyone else), so its
 * command's actor is the row's issuer; the metadata of every event still names the CLI administrator who entered it.
 */
export async function planImport(
  rows: readonly SourceRow[],
  ctx: ImportContext,
  options: { readonly skipBad: boolean; readonly onProgress?: (done: number, total: number) => void },
): Promise<ImportPlan> {
  const streams = new Map<string, Stream<unknown>>();
  const appends: PlannedAppend[] = [];
  const rejected: RejectedRow[] = [];
  const rejectedIds = new Map<string, number>();
  const seen = new Map<string, number>();
  const handled = new Set<number>();
  let accepted = 0;
  let alreadyImported = 0;
  let events = 0;

  const load = async <S, E>(streamId: string, decider: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>): Promise<Stream<S>> => {
    let stream = streams.get(streamId) as Stream<S> | undefined;
    if (!stream) {
      const recorded: RecordedEvent[] = await ctx.store.readStream(streamId);
      stream = {
        state: fold(decider, recorded.map((e) => domainEventOf<E>(e))),
        version: recorded.at(-1)?.streamVersion ?? 0,
        commandIds: new Set(recorded.map((e) => e.metadata.commandId)),
      };
      streams.set(streamId, stream as Stream<unknown>);
    }
    return stream;
  };

  const nowOf = (date: string): string => `${date}T00:00:00${ctx.timeZoneOffset === 'Z' ? 'Z' : ctx.timeZoneOffset}`;
  const utc = (instant: string): string => `${new Date(Date.parse(instant)).toISOString().slice(0, 19)}Z`;

  /** Decides commands in order on one stream; returns the append (or null when this command id is already there). */
  const decide = async <S, C, E>(
    streamId: string,
    decider: Decider<S, C, E>,
    commandId: string,
    causationId: string | null,
    now: string,
    commands: ReadonlyArray<(state: S) => C>,
    fallbackField: string,
    kindColumn?: string,
    appendsToExisting = false,
  ): Promise<{ request: AppendRequest; stream: Stream<S>; state: S } | 'already' > => {
    const stream = await load(streamId, decider);
    if (stream.commandIds.has(commandId)) return 'already';
    if (stream.version > 0 && !appendsToExisting) throw new Rejection([{ field: 'id', reason: `${streamId} is already in the ledger` }]);
    let state = stream.state;
    const decided: NewEvent[] = [];
    try {
      for (const build of commands) {
        for (const event of decider.decide(build(state), state)) {
          const { type, data } = event as unknown as { type: string; data: JsonObject };
          decided.push({ type, data });
          state = decider.evolve(state, event);
        }
      }
    } catch (error) {
      throw new Rejection([refusal(error, fallbackField, kindColumn)]);
    }
    const request: AppendRequest = {
      streamId,
      expectedVersion: stream.version === 0 ? 'no-stream' : stream.version,
      events: decided,
      metadata: {
        actorId: ctx.actor.id,
        actorRole: ctx.actor.role,
        actorUnit: ctx.actor.unit,
        commandId,
        correlationId: ctx.correlationId,
        causationId,
        occurredAt: utc(now),
      },
    };
    return { request, stream, state };
  };

  /** Applies a decided append to the in-memory streams (what the store will hold once it is written). */
  const commit = <S>(decision: { request: AppendRequest; stream: Stream<S>; state: S }, line: number): void => {
    decision.stream.state = decision.state;
    decision.stream.version += decision.request.events.length;
    decision.stream.commandIds.add(decision.request.metadata.commandId);
    appends.push({ line, request: decision.request });
    events += decision.request.events.length;
  };

  const unitNamed = async (unitId: string, column: string): Promise<UnitState & { status: 'active' | 'dissolved' }> => {
    const unit: UnitState = (await load(unitStreamId(unitId), unitDecider)).state;
    if (unit.status === 'unregistered') {
      const line = rejectedIds.get(`unit:${unitId}`);
      throw new Rejection([{ field: column, reason: line ? `unit ${unitId} was rejected (line ${line})` : `unit ${unitId} does not exist (register it on an earlier line)` }], line !== undefined);
    }
    return unit;
  };

  const reject = (source: SourceRow, problems: readonly RowProblem[], id?: string, dependent = false): void => {
    rejected.push({ line: source.line, raw: source.raw, reasons: problems.map((p) => formatProblem(source.line, p)), dependent });
    if (id) rejectedIds.set(id, source.line);
  };

  // Field checks of every row first; tasks grouped under the directives of this file.
  const parsed = rows.map((source) => ({ source, ...parseRow(source.raw, ctx.today) }));
  const directiveLines = new Map<string, number>();
  const tasksOf = new Map<string, Array<{ source: SourceRow; row: TaskRow }>>();
  for (const { source, row } of parsed) {
    if (row?.record === 'directive' && !directiveLines.has(row.id)) directiveLines.set(row.id, source.line);
  }
  for (const { source, row } of parsed) {
    if (row?.record !== 'task') continue;
    const directiveLine = directiveLines.get(row.directiveId);
    if (directiveLine !== undefined && directiveLine < source.line) {
      const list = tasksOf.get(row.directiveId) ?? [];
      list.push({ source, row });
      tasksOf.set(row.directiveId, list);
    }
  }

  const unit = async (source: SourceRow, row: UnitRow): Promise<void> => {
    const parentChain: string[] = [];
    for (let id = row.parentId; id !== null; ) {
      if (parentChain.includes(id)) break;
      const parent = await unitNamed(id, 'parent_id');
      parentChain.push(id);
      id = parent.parentId;
    }
    const now = nowOf(row.date);
    const commands = [
      (): never => ({ type: 'RegisterUnit', unitId: row.id, names: row.names, kind: row.kind, parentId: row.parentId, parentChain, now, actor: ctx.actor }) as never,
      ...(row.head ? [(): never => ({ type: 'AppointHead', unitId: row.id, ...row.head!, from: row.date, now, actor: ctx.actor }) as never] : []),
    ];
    const decision = await decide(unitStreamId(row.id), unitDecider, commandIdOf('unit', row.id), null, now, commands, 'id', 'unit_kind');
    if (decision === 'already') alreadyImported++;
    else commit(decision, source.line);
    accepted++;
  };

  /** RegisterTask (+ AssignTask) of one task; `directive` as the task sees it. */
  const task = async (source: SourceRow, row: TaskRow, directive: { id: string; issuedOn: string; status: 'issued' | 'withdrawn' }, causationId: string | null) => {
    if (row.date < directive.issuedOn) throw new Rejection([{ field: 'date', reason: `is before the issue date of directive ${directive.id} (${directive.issuedOn})` }]);
    const now = nowOf(row.date);
    let leadUnitHead: { unitId: string; personId: string; name: string; postTitle: string } | null = null;
    if (row.assignment) {
      const { leadUnitId, coUnitIds } = row.assignment;
      const lead = await unitNamed(leadUnitId, 'lead_unit_id');
      for (const co of coUnitIds) await unitNamed(co, 'co_unit_ids');
      const tenure = headOn(lead, row.date);
      leadUnitHead = tenure ? { unitId: leadUnitId, personId: tenure.personId, name: tenure.name, postTitle: tenure.postTitle } : null;
    }
    const assignment = row.assignment;
    const commands = [
      (): never => ({ type: 'RegisterTask', taskId: row.id, directive, title: row.title, now, actor: ctx.actor }) as never,
      ...(assignment ? [(): never => ({ type: 'AssignTask', taskId: row.id, ...assignment, leadUnitHead, now, actor: ctx.actor }) as never] : []),
    ];
    return decide(taskStreamId(row.id), taskDecider, commandIdOf('task', row.id), causationId, now, commands, 'id');
  };

  const directive = async (source: SourceRow, row: DirectiveRow): Promise<void> => {
    await unitNamed(row.issuerUnitId, 'issuer_unit_id');
    const commandId = commandIdOf('directive', row.id);
    const now = nowOf(row.date);
    const directiveStream = directiveStreamId(row.id);
    const ref = { id: row.id, issuedOn: row.date, status: 'issued' as const };
    let docnoStream: string;
    try {
      docnoStream = documentNumberStreamId(row.issuerUnitId, yearOf(row.date), row.documentNumber);
    } catch (error) {
      throw new Rejection([refusal(error, 'document_number')]);
    }
    const reservation = await decide(docnoStream, documentNumberDecider, `${commandId}/docno`, commandId, now, [
      (): never => ({ type: 'ReserveDocumentNumber', issuerUnitId: row.issuerUnitId, year: yearOf(row.date), documentNumber: row.documentNumber.normalize('NFC'), recordStreamId: directiveStream, now, actor: ctx.actor }) as never,
    ], 'document_number').catch((error: unknown) => {
      // The number's stream exists, reserved by someone else: the domain's answer, as the API gives it.
      if (error instanceof Rejection && error.problems[0]?.field === 'id') {
        throw new Rejection([{ field: 'document_number', reason: `${row.documentNumber} is already used by issuer ${row.issuerUnitId} in ${yearOf(row.date)} (DOCNO.TAKEN)` }]);
      }
      throw error;
    });
    // Decide the directive's tasks first (against the streams as they will be), so the directive lists only those written.
    const tasks: Array<{ source: SourceRow; row: TaskRow; decision: Awaited<ReturnType<typeof task>> }> = [];
    for (const entry of tasksOf.get(row.id) ?? []) {
      handled.add(entry.source.line);
      const key = `task:${entry.row.id}`;
      if (seen.has(key)) {
        reject(entry.source, [{ field: 'id', reason: `task ${entry.row.id} is already on line ${seen.get(key)}` }]);
        continue;
      }
      seen.set(key, entry.source.line);
      try {
        tasks.push({ ...entry, decision: await task(entry.source, entry.row, ref, commandId) });
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        reject(entry.source, error.problems, key, error.dependent);
      }
    }
    const issuerActor: Actor = { id: row.issuer.personId, role: 'leader', unit: row.issuerUnitId };
    let issued: Awaited<ReturnType<typeof task>>;
    try {
      issued = await decide(directiveStream, directiveDecider, commandId, null, now, [
        (): never =>
          ({
            type: 'IssueDirective',
            directiveId: row.id,
            issuerUnitId: row.issuerUnitId,
            issuer: { name: row.issuer.name, postTitle: row.issuer.postTitle },
            documentNumber: row.documentNumber,
            kind: row.kind,
            issuedOn: row.date,
            meeting: row.meeting,
            title: row.title,
            body: row.body,
            taskIds: tasks.map((t) => t.row.id),
            now,
            actor: issuerActor,
          }) as never,
      ], 'id', 'directive_kind') as Awaited<ReturnType<typeof task>>;
    } catch (error) {
      if (error instanceof Rejection) {
        for (const t of tasks) reject(t.source, [{ field: 'directive_id', reason: `directive ${row.id} was rejected (line ${source.line})` }], `task:${t.row.id}`, true);
      }
      throw error;
    }
    for (const [decision, line] of [[reservation, source.line], [issued, source.line], ...tasks.map((t) => [t.decision, t.source.line] as const)] as const) {
      if (decision !== 'already') commit(decision as never, line);
    }
    accepted += 1 + tasks.length;
    alreadyImported += (issued === 'already' ? 1 : 0) + tasks.filter((t) => t.decision === 'already').length;
  };

  /** The directive (or plan) a row names, as the ledger plus the earlier rows of this file have it. */
  const directiveNamed = async (directiveId: string, line: number): Promise<DirectiveState & { status: 'issued' | 'withdrawn' }> => {
    const rejectedLine = rejectedIds.get(`directive:${directiveId}`);
    if (rejectedLine !== undefined) throw new Rejection([{ field: 'directive_id', reason: `directive ${directiveId} was rejected (line ${rejectedLine})` }], true);
    const laterLine = directiveLines.get(directiveId);
    if (laterLine !== undefined && laterLine > line) {
      throw new Rejection([{ field: 'directive_id', reason: `directive ${directiveId} comes later (line ${laterLine}): put a directive before the rows that name it` }]);
    }
    const state: DirectiveState = (await load(directiveStreamId(directiveId), directiveDecider)).state;
    if (state.status === 'none') throw new Rejection([{ field: 'directive_id', reason: `directive ${directiveId} does not exist` }]);
    return state as DirectiveState & { status: 'issued' | 'withdrawn' };
  };

  const objective = async (source: SourceRow, row: ObjectiveRow): Promise<void> => {
    await unitNamed(row.unitId, 'unit_id');
    const directiveState = await directiveNamed(row.directiveId, source.line);
    if (row.date < directiveState.issuedOn) throw new Rejection([{ field: 'date', reason: `is before the issue date of directive ${row.directiveId} (${directiveState.issuedOn})` }]);
    const now = nowOf(row.date);
    const { record: _record, id: objectiveId, date: _date, directiveId, ...figures } = row;
    const decision = await decide(objectiveStreamId(row.id), objectiveDecider, commandIdOf('objective', row.id), null, now, [
      (): never =>
        ({
          type: 'DefineObjective',
          objectiveId,
          ...figures,
          letter: null,
          directive: { id: directiveId, status: directiveState.status === 'withdrawn' ? 'withdrawn' : 'issued' },
          now,
          actor: ctx.actor,
        }) as never,
    ], 'id');
    if (decision === 'already') alreadyImported++;
    else commit(decision, source.line);
    accepted++;
  };

  const actual = async (source: SourceRow, row: ActualRow): Promise<void> => {
    const rejectedLine = rejectedIds.get(`objective:${row.objectiveId}`);
    if (rejectedLine !== undefined) throw new Rejection([{ field: 'objective_id', reason: `objective ${row.objectiveId} was rejected (line ${rejectedLine})` }], true);
    const state: ObjectiveState = (await load(objectiveStreamId(row.objectiveId), objectiveDecider)).state;
    if (state.status === 'none') {
      throw new Rejection([{ field: 'objective_id', reason: `objective ${row.objectiveId} does not exist (define it on an earlier line)` }]);
    }
    const now = nowOf(row.date);
    const decision = await decide(objectiveStreamId(row.objectiveId), objectiveDecider, commandIdOf('actual', row.id), null, now, [
      (): never =>
        ({
          type: 'ReportObjectiveActual',
          objectiveId: row.objectiveId,
          period: row.period,
          asOf: row.asOf,
          value: row.value,
          samePeriodLastYear: row.samePeriodLastYear,
          source: row.source,
          evidence: [],
          now,
          actor: ctx.actor,
        }) as never,
    ], 'value', undefined, true);
    if (decision === 'already') alreadyImported++;
    else commit(decision, source.line);
    accepted++;
  };

  let done = 0;
  for (const { source, row, problems } of parsed) {
    options.onProgress?.(++done, parsed.length);
    if (handled.has(source.line)) continue;
    if (!row) {
      const record = source.raw.record?.trim();
      reject(source, problems, record && source.raw.id ? `${record}:${source.raw.id.trim()}` : undefined);
      continue;
    }
    const key = `${row.record}:${row.id}`;
    if (seen.has(key)) {
      reject(source, [{ field: 'id', reason: `${row.record} ${row.id} is already on line ${seen.get(key)}` }]);
      continue;
    }
    seen.set(key, source.line);
    try {
      if (row.record === 'unit') await unit(source, row);
      else if (row.record === 'directive') await directive(source, row);
      else if (row.record === 'objective') await objective(source, row);
      else if (row.record === 'actual') await actual(source, row);
      else {
        const rejectedLine = rejectedIds.get(`directive:${row.directiveId}`);
        if (rejectedLine !== undefined) throw new Rejection([{ field: 'directive_id', reason: `directive ${row.directiveId} was rejected (line ${rejectedLine})` }], true);
        const laterLine = directiveLines.get(row.directiveId);
        if (laterLine !== undefined) {
          throw new Rejection([{ field: 'directive_id', reason: `directive ${row.directiveId} comes later (line ${laterLine}): put a directive before its tasks` }]);
        }
        const inLedger: DirectiveState = (await load(directiveStreamId(row.directiveId), directiveDecider)).state;
        if (inLedger.status === 'none') {
          throw new Rejection([{ field: 'directive_id', reason: `directive ${row.directiveId} does not exist` }]);
        }
        const decision = await task(source, row, { id: row.directiveId, issuedOn: inLedger.issuedOn, status: inLedger.status === 'withdrawn' ? 'withdrawn' : 'issued' }, null);
        if (decision === 'already') alreadyImported++;
        else commit(decision, source.line);
        accepted++;
      }
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      reject(source, error.problems, key, error.dependent);
    }
    if (!options.skipBad && rejected.length >= 1000) break;
  }
  rejected.sort((a, b) => a.line - b.line);
  return { appends: options.skipBad || rejected.length === 0 ? appends : [], accepted, alreadyImported, rejected, events };
}

/**
 * Appends the plan in order, each with the expected version `no-stream` its decision was made on. A record
 * someone else created since the plan was made is refused by the store (WRONG_EXPECTED_VERSION) and stops the
 * import there; running it again resumes after what was written (the command ids are the same).
 */
export async function writePlan(store: LedgerStore, plan: ImportPlan, onProgress?: (done: number, total: number) => void): Promise<{ written: number; duplicates: number }> {
  let written = 0;
  let duplicates = 0;
  let done = 0;
  for (const { request } of plan.appends) {
    const result = await store.append(request);
    if (result.duplicate) duplicates++;
    else written++;
    onProgress?.(++done, plan.appends.length);
  }
  return { written, duplicates };
}
