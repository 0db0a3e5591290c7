/**
 * tamper — for each way of altering the stored log, `ledger verify` (the CLI, as an auditor would run it) fails and
 * names what was altered.
 *
 * The log is made through the API (organisation, users, 100 tasks issued, acknowledged and reported on), with two
 * checkpoints signed by `ledger checkpoint` on the way and the second one's note kept outside the database (a
 * witness), then a tail of events that no checkpoint covers yet. Every scenario works on a fresh copy of it (SQLite:
 * a copy of the file; PostgreSQL: a copy of the schema), with the append-only guards bypassed as an attacker with
 * the database would (SQLite: triggers dropped and put back; PostgreSQL: session_replication_role = replica).
 *
 * What cannot be caught is reported as such: a consistent rewrite of events that no stored Merkle node, checkpoint or
 * witness covers yet is indistinguishable from the truth until the next checkpoint.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { STREAM_KINDS } from '@ledger/domain';
import { decodeRecord, encodeRecord, openStore, recordLeafHash, storeConfigFromEnv, type Clock, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { SQLITE_SCHEMA } from '@ledger/event-store/sqlite/schema';
import { ApiProcess, apiEnvironment, runCli, type StoreKind } from './support/api-process';
import { dropSchema, freshSchemaName, withPg } from './support/postgres';
import { runSuite, type SuiteReport } from './support/report';
import { acknowledgeTasks, expect2xx, issueDirectives, planTasks, seedOrganisation } from './support/seed';

type Where = { store: StoreKind; dataDir: string; schema?: string };

interface Row {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  command_id: string;
  record: string;
  leaf_hash: Buffer;
}

/** Raw access to one copy of the log, past its append-only guards. */
interface Raw {
  row(position: number): Promise<Row>;
  exec(statements: Array<[string, unknown[]]>): Promise<void>;
  table: { events: string; nodes: string };
}

function sqliteRaw(path: string): Raw {
  const triggers = ['ledger_events_no_update', 'ledger_events_no_delete', 'ledger_merkle_nodes_no_update', 'ledger_merkle_nodes_no_delete'];
  return {
    table: { events: 'ledger_events', nodes: 'ledger_merkle_nodes' },
    async row(position) {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const r = db.prepare('SELECT * FROM ledger_events WHERE position = ?').get(position) as unknown as Row;
        return { ...r, leaf_hash: Buffer.from(r.leaf_hash) };
      } finally {
        db.close();
      }
    },
    async exec(statements) {
      const db = new DatabaseSync(path);
      try {
        for (const t of triggers) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
        db.exec('BEGIN');
        for (const [sql, params] of statements) db.prepare(sql.replace(/\$\d+/g, '?')).run(...(params as never[]));
        db.exec('COMMIT');
        db.exec(SQLITE_SCHEMA);
      } finally {
        db.close();
      }
    },
  };
}

function postgresRaw(schema: string): Raw {
  return {
    table: { events: `${schema}.events`, nodes: `${schema}.merkle_nodes` },
    async row(position) {
      return withPg(async (c) => {
        const r = (await c.query(`SELECT * FROM ${schema}.events WHERE position = $1`, [position])).rows[0];
        return { ...r, position: Number(r.position) } as Row;
      });
    },
    async exec(statements) {
      await withPg(async (c) => {
        await c.query('BEGIN');
        await c.query("SET LOCAL session_replication_role = 'replica'");
        for (const [sql, params] of statements) await c.query(sql, params);
        await c.query('COMMIT');
      });
    },
  };
}

interface VerifyOutcome {
  readonly code: number | null;
  readonly problems: Array<{ position?: number; size?: number; code: string; message: string }>;
  readonly text: string;
}

async function verify(where: Where, extra: string[] = []): Promise<VerifyOutcome> {
  const res = await runCli(['verify', '--json', ...extra], where, 300_000);
  try {
    const parsed = JSON.parse(res.stdout) as { problems?: VerifyOutcome['problems']; checkpoints?: { problems?: VerifyOutcome['problems'] } };
    return { code: res.code, problems: [...(parsed.problems ?? []), ...(parsed.checkpoints?.problems ?? [])], text: res.stdout };
  } catch {
    return { code: res.code, problems: [], text: `${res.stdout}\n${res.stderr}` };
  }
}

async function readEvents(store: LedgerStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 10_000 });
    if (page.length === 0) return events;
    events.push(...page);
    from = page[page.length - 1].position + 1;
  }
}

/**
 * The strongest attacker: writes the whole log again through the store itself, one append per original command,
 * with the store's clock replaying the original recorded-at, so every untouched record comes out byte for byte the
 * same and every leaf hash and Merkle node is consistent — with `change` applied to some events on the way.
 */
async function rewriteThroughStore(events: readonly RecordedEvent[], target: LedgerStore, clock: { at: string }, change: (e: RecordedEvent) => RecordedEvent): Promise<void> {
  for (let i = 0; i < events.length; ) {
    let j = i + 1;
    while (j < events.length && events[j].metadata.commandId === events[i].metadata.commandId && events[j].streamId === events[i].streamId) j++;
    const run = events.slice(i, j).map(change);
    clock.at = run[0].metadata.recordedAt;
    const m = run[0].metadata;
    await target.append({
      streamId: run[0].streamId,
      expectedVersion: 'any',
      events: run.map((e) => ({ type: e.type, data: e.data, schemaVersion: e.schemaVersion, occurredAt: e.metadata.occurredAt })),
      metadata: { actorId: m.actorId, actorRole: m.actorRole, actorUnit: m.actorUnit, commandId: m.commandId, correlationId: m.correlationId, causationId: m.causationId, occurredAt: m.occurredAt },
    });
    i = j;
  }
}

runSuite('tamper', async (report: SuiteReport, store: StoreKind) => {
  const root = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
  const baseDir = join(root, 'base');
  mkdirSync(baseDir);
  const base: Where = { store, dataDir: baseDir, schema: store === 'postgres' ? freshSchemaName('tamper') : undefined };
  const schemas: string[] = base.schema ? [base.schema] : [];
  let api: ApiProcess | undefined;
  try {
    // ── the log, made through the API, with two signed checkpoints and an uncovered tail ────────────────────────
    api = await ApiProcess.start(base);
    const http = api.http;
    const org = await seedOrganisation(http, await api.adminToken(), { units: 12, districts: 3, tasks: 0 });
    const tasks = planTasks(org, 100, 50, 'tp-');
    await issueDirectives(http, org, tasks);
    await acknowledgeTasks(http, org, tasks, new Map());
    const sign = async () => {
      const res = await runCli(['checkpoint', '--json'], base);
      if (res.code !== 0) throw new Error(`ledger checkpoint: ${res.stderr}`);
      return JSON.parse(res.stdout) as { size: number; position: number; note: string; rootHash: string };
    };
    const cp1 = await sign();
    for (let round = 0; round < 4; round++) {
      for (const t of tasks) expect2xx(await http.post(`/v1/tasks/${t.taskId}/progress-reports`, org.tokens.staff.get(t.leadUnitId)!, { percent: 10 * (round + 1), narrative: `Round ${round + 1}` }), 'progress');
    }
    // Leave room after the second checkpoint inside one 256-leaf block, so some events are covered by the checkpoint
    // but by no stored Merkle node yet.
    const headNow = async () => (await http.get('/health')).body.head as number;
    for (let i = 0, h = await headNow(); (h % 256 < 40 || h % 256 > 200) && i < 300; i++, h = await headNow()) {
      const t = tasks[i % tasks.length];
      expect2xx(await http.post(`/v1/tasks/${t.taskId}/reminders`, org.tokens.inspector, { message: 'Filler reminder', channel: 'phone' }), 'reminder');
    }
    const cp2 = await sign();
    const witness = join(root, 'witness-checkpoint.note');
    writeFileSync(witness, cp2.note);
    const publicKey = (await runCli(['checkpoints', '--public-key'], base)).stdout.split('\t')[0].trim();
    const withWitness = ['--against', witness, '--ledger-key', publicKey];
    for (const t of tasks.slice(0, 10)) expect2xx(await http.post(`/v1/tasks/${t.taskId}/reminders`, org.tokens.inspector, { message: 'Tail reminder', channel: 'phone' }), 'reminder');
    const head = (await http.get('/health')).body.head as number;
    await api.stop();
    api = undefined;
    const clean = await verify(base, withWitness);
    report.check(clean.code === 0, '`ledger verify` passes on the untouched log (with the witness)', clean.text.slice(0, 500));
    const lastNode = Math.floor(head / 256) * 256;
    report.figure('events in the log', head);
    report.figure('checkpoints (size @ position)', `${cp1.size} @ ${cp1.position}, ${cp2.size} @ ${cp2.position}; witness kept: size ${cp2.size}`);
    report.figure('last position under a stored Merkle node', lastNode);

    // ── copies ──────────────────────────────────────────────────────────────────────────────────────────────────
    let copies = 0;
    const copy = async (): Promise<{ where: Where; raw: Raw }> => {
      const dataDir = join(root, `copy-${++copies}`);
      if (store === 'sqlite') {
        mkdirSync(dataDir);
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(join(baseDir, `ledger.db${suffix}`))) copyFileSync(join(baseDir, `ledger.db${suffix}`), join(dataDir, `ledger.db${suffix}`));
        return { where: { store, dataDir }, raw: sqliteRaw(join(dataDir, 'ledger.db')) };
      }
      const schema = `${base.schema}_c${copies}`;
      schemas.push(schema);
      const s = await openStore(storeConfigFromEnv(apiEnvironment({ store, dataDir, schema })), new Set(STREAM_KINDS));
      await s.close();
      await withPg(async (c) => {
        await c.query(`INSERT INTO ${schema}.events SELECT * FROM ${base.schema}.events`);
        await c.query(`INSERT INTO ${schema}.merkle_nodes SELECT * FROM ${base.schema}.merkle_nodes`);
      });
      return { where: { store, dataDir, schema }, raw: postgresRaw(schema) };
    };

    const results: Array<{ scenario: string; expected: string; caught: boolean; named: string }> = [];
    const scenario = async (name: string, expected: { code: string; position?: number }[], tamper: (raw: Raw, where: Where) => Promise<void>, extra: string[] = []) => {
      const { where, raw } = await copy();
      await tamper(raw, where);
      const outcome = await verify(where, extra);
      const named = `exit ${outcome.code}: ${outcome.problems.map((p) => `${p.code}@${p.position ?? p.size ?? '-'}`).join(', ') || outcome.text.replace(/\s+/g, ' ').trim().slice(0, 200)}`;
      const caught = outcome.code === 1 && expected.every((e) => outcome.problems.some((p) => p.code === e.code && (e.position === undefined || p.position === e.position || p.size === e.position)));
      results.push({ scenario: name, expected: expected.map((e) => `${e.code}${e.position ? `@${e.position}` : ''}`).join(' + '), caught, named });
      console.log(`  ${caught ? 'caught' : 'MISSED'}: ${name} → ${named.slice(0, 160)}`);
      report.check(caught, `verify fails and names it: ${name}`, { expected, got: named });
      if (store === 'sqlite') rmSync(where.dataDir, { recursive: true, force: true });
      else if (where.schema) await dropSchema(where.schema);
    };
    const editData = (position: number, withLeaf: boolean) => async (raw: Raw) => {
      const r = await raw.row(position);
      const event = decodeRecord(r.record);
      const forged = encodeRecord({ ...event, data: { ...event.data, narrative: 'forged after the fact', percent: 100 } });
      const t = raw.table;
      await raw.exec([withLeaf ? [`UPDATE ${t.events} SET record = $1, leaf_hash = $2 WHERE position = $3`, [forged, recordLeafHash(forged), position]] : [`UPDATE ${t.events} SET record = $1 WHERE position = $2`, [forged, position]]]);
    };

    // A progress report in each region: under a stored node, under only a checkpoint, in the uncovered tail.
    const progressAt = async (from: number, to: number) => {
      const s = await openStore(storeConfigFromEnv(apiEnvironment(base)), new Set(STREAM_KINDS));
      try {
        const events = await readEvents(s);
        return events.find((e) => e.position > from && e.position <= to && (e.type === 'ProgressReported' || e.type === 'ReminderIssued'))?.position;
      } finally {
        await s.close();
      }
    };
    const pNode = (await progressAt(0, 256)) ?? (await progressAt(256, lastNode));
    const pCheckpointOnly = await progressAt(lastNode, cp2.size);
    const pTail = head;
    report.detail('positions', { pNode, pCheckpointOnly, pTail, lastNode, cp1, cp2: { size: cp2.size, position: cp2.position } });
    const nodeEnd = pNode === undefined ? undefined : Math.ceil(pNode / 256) * 256;

    if (pNode !== undefined) {
      await scenario('UPDATE a field of a record (leaf hash left alone)', [{ code: 'LEAF_HASH_MISMATCH', position: pNode }], editData(pNode, false));
      await scenario('UPDATE a record and its leaf hash, under a stored Merkle node', [{ code: 'NODE_MISMATCH', position: nodeEnd }], editData(pNode, true));
    }
    if (pCheckpointOnly !== undefined) {
      await scenario('UPDATE a record and its leaf hash, covered only by a signed checkpoint', [{ code: 'CHECKPOINT_ROOT' }], editData(pCheckpointOnly, true));
    } else report.note(`no progress report between the last stored node (${lastNode}) and the second checkpoint (${cp2.size}): that scenario was not run`);
    await scenario('UPDATE an index column (stream_id) behind the record’s back', [{ code: 'ROW_MISMATCH', position: 42 }], (raw) => raw.exec([[`UPDATE ${raw.table.events} SET stream_id = $1 WHERE position = $2`, ['task-forged', 42]]]));
    await scenario('DELETE a row', [{ code: 'POSITION_GAP', position: 300 }], (raw) => raw.exec([[`DELETE FROM ${raw.table.events} WHERE position = $1`, [300]]]));
    await scenario('swap two rows', [{ code: 'ROW_MISMATCH', position: 120 }], async (raw) => {
      const [a, b] = [await raw.row(120), await raw.row(121)];
      const put = `UPDATE ${raw.table.events} SET event_id = $1, stream_id = $2, stream_version = $3, type = $4, command_id = $5, record = $6, leaf_hash = $7 WHERE position = $8`;
      await raw.exec([
        [put, ['tmp-swap', 'tmp-swap', -1, 'x', 'x', 'x', Buffer.alloc(32), 120]],
        [put, [a.event_id, a.stream_id, a.stream_version, a.type, a.command_id, a.record, a.leaf_hash, 121]],
        [put, [b.event_id, b.stream_id, b.stream_version, b.type, b.command_id, b.record, b.leaf_hash, 120]],
      ]);
    });
    await scenario('truncate below stored Merkle nodes and the checkpoints', [{ code: 'NODE_EXTRA' }, { code: 'WITNESS_MISMATCH' }], (raw) => raw.exec([[`DELETE FROM ${raw.table.events} WHERE position > $1`, [200]]]), withWitness);
    await scenario('truncate the newest events, the last checkpoint with them (caught by the witness kept outside)', [{ code: 'WITNESS_MISMATCH' }], (raw) => raw.exec([[`DELETE FROM ${raw.table.events} WHERE position > $1`, [cp2.size - 3]]]), withWitness);
    await scenario('truncate and re-append through the store (stored nodes left behind)', [{ code: 'NODE_EXTRA' }], async (raw, where) => {
      await raw.exec([[`DELETE FROM ${raw.table.events} WHERE position > $1`, [200]]]);
      const s = await openStore(storeConfigFromEnv(apiEnvironment(where)), new Set(STREAM_KINDS));
      let refused: unknown;
      let appended = 0;
      try {
        for (; appended < 100 && refused === undefined; appended++) {
          await s
            .append({ streamId: 'task-forged', expectedVersion: 'any', events: [{ type: 'ReminderIssued', data: { taskId: 'forged', n: appended } }], metadata: { actorId: 'x', actorRole: 'inspector', actorUnit: 'x', commandId: `forged-${appended}`, correlationId: 'forged', causationId: null, occurredAt: '2020-01-01T00:00:00.000Z' } })
            .catch((e: unknown) => (refused = e));
        }
      } finally {
        await s.close();
      }
      const refusedAt = refused === undefined ? undefined : 200 + appended;
      report.check(refusedAt !== undefined && refusedAt <= 256, 'the store refuses to re-append over a truncated log by the first stored node it did not write', { refusedAt, appended });
      const code = (refused as { code?: string } | undefined)?.code;
      if (refused !== undefined && code !== 'STORE.INTEGRITY') {
        report.note(`re-appending over a truncated log is refused, but with ${code ?? 'no code'} (${String(refused).slice(0, 120)}) rather than STORE.INTEGRITY`);
      }
    });
    await scenario('truncate, drop the nodes, re-append a consistent history (caught by the witness)', [{ code: 'WITNESS_MISMATCH' }], async (raw, where) => {
      const s0 = await openStore(storeConfigFromEnv(apiEnvironment(where)), new Set(STREAM_KINDS));
      const events = await readEvents(s0);
      await s0.close();
      await raw.exec([
        [`DELETE FROM ${raw.table.events} WHERE position > $1`, [cp1.position]],
        [`DELETE FROM ${raw.table.nodes} WHERE (idx + 1) * (1 << level) > $1`, [cp1.position]],
      ]);
      const clock = { at: new Date().toISOString() };
      const s = await openStore(storeConfigFromEnv(apiEnvironment(where)), new Set(STREAM_KINDS), { now: () => new Date(clock.at) } satisfies Clock);
      try {
        await rewriteThroughStore(events.filter((e) => e.position > cp1.position && e.streamId !== 'checkpoint-ledger'), s, clock, (e) => (e.type === 'ProgressReported' ? { ...e, data: { ...e.data, percent: 100 } } : e));
      } finally {
        await s.close();
      }
    }, withWitness);
    await scenario('edit a Merkle node', [{ code: 'NODE_MISMATCH', position: 256 }], (raw) => raw.exec([[`UPDATE ${raw.table.nodes} SET hash = $1 WHERE level = 8 AND idx = 0`, [Buffer.alloc(32, 7)]]]));
    await scenario('delete a Merkle node', [{ code: 'NODE_MISSING', position: 256 }], (raw) => raw.exec([[`DELETE FROM ${raw.table.nodes} WHERE level = 8 AND idx = 0`, []]]));
    await scenario('edit a checkpoint (CheckpointSigned: note and root changed, leaf hash recomputed)', [{ code: 'CHECKPOINT_SIGNATURE', position: cp2.position }], async (raw) => {
      const r = await raw.row(cp2.position);
      const event = decodeRecord(r.record);
      const data = event.data as { rootHash: string; note: string };
      const fake = 'f'.repeat(64);
      const fakeB64 = Buffer.from(fake, 'hex').toString('base64');
      const forged = encodeRecord({ ...event, data: { ...event.data, rootHash: fake, note: data.note.replace(/^(.*\n\d+\n)[^\n]+\n/, `$1${fakeB64}\n`) } });
      await raw.exec([[`UPDATE ${raw.table.events} SET record = $1, leaf_hash = $2 WHERE position = $3`, [forged, recordLeafHash(forged), cp2.position]]]);
    });
    await scenario('rewrite the whole log consistently through the store, one old event changed (caught by the signed checkpoints)', [{ code: 'CHECKPOINT_ROOT' }], async (raw, where) => {
      const s0 = await openStore(storeConfigFromEnv(apiEnvironment(where)), new Set(STREAM_KINDS));
      const events = await readEvents(s0);
      await s0.close();
      await raw.exec([
        [`DELETE FROM ${raw.table.events}`, []],
        [`DELETE FROM ${raw.table.nodes}`, []],
      ]);
      const clock = { at: new Date().toISOString() };
      const s = await openStore(storeConfigFromEnv(apiEnvironment(where)), new Set(STREAM_KINDS), { now: () => new Date(clock.at) });
      try {
        await rewriteThroughStore(events, s, clock, (e) => (e.position === pNode ? { ...e, data: { ...e.data, percent: 100, narrative: 'rewritten' } } : e));
        // The rewrite must reproduce every other record exactly, or this scenario proves nothing.
        const again = await readEvents(s);
        const same = again.filter((e, i) => e.position !== pNode && encodeRecord(e) === encodeRecord(events[i])).length;
        report.check(same === events.length - 1, 'the consistent rewrite reproduces every untouched record byte for byte', { same, of: events.length - 1 });
      } finally {
        await s.close();
      }
    });

    // The limit: what no stored node, checkpoint or witness covers yet.
    const { where: tailCopy, raw: tailRaw } = await copy();
    await editData(pTail, true)(tailRaw);
    const tail = await verify(tailCopy, withWitness);
    report.note(
      tail.code === 0
        ? `a record and its leaf hash rewritten in the uncovered tail (position ${pTail}, after the last checkpoint at size ${cp2.size} and the last stored node at ${lastNode}) passes verify: only the next checkpoint, or a copy of the log held elsewhere, can expose it — sign checkpoints often (LEDGER_CHECKPOINT_EVERY_*) and hand their notes to witnesses`
        : `even a rewrite in the uncovered tail was caught: ${tail.problems.map((p) => p.code).join(', ')}`,
    );
    if (store === 'sqlite') rmSync(tailCopy.dataDir, { recursive: true, force: true });
    else if (tailCopy.schema) await dropSchema(tailCopy.schema);

    report.detail('scenarios', results);
    report.figure('tampering scenarios caught and named', `${results.filter((r) => r.caught).length}/${results.length}`);
  } finally {
    await api?.kill();
    rmSync(root, { recursive: true, force: true });
    for (const s of schemas) await dropSchema(s).catch(() => undefined);
  }
});
