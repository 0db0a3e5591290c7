/**
 * Store benchmark on the embedded SQLite engine. Every figure is printed beside the raw engine's rate measured in
 * this same run — plain INSERTs of the same rows into a table of the same shape (same columns, same indexes, WAL,
 * same synchronous setting) — and as a ratio to it, so the numbers survive a noisy machine.
 *
 *   npm run bench            (this and the PostgreSQL benchmark)
 *   BENCH_SCALE=0.2 ...      (shorter run)
 *   BENCH_SQLITE_WRITERS=thread,in-process   (the store's writers measured side by side; default both)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import type { AppendRequest } from '../libs/event-store/src/port';
import { SQLITE_SCHEMA } from '../libs/event-store/src/sqlite/schema';
import { printTable, rate, record as saveResult, type BenchRow } from './bench-report';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const SINGLE = Math.round(20_000 * SCALE);
const BATCHES = Math.round(1_000 * SCALE);
const SYNC = (process.env.LEDGER_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase() as 'FULL' | 'NORMAL';
const policy = { streamKinds: new Set(['task']) };
type Writer = 'thread' | 'in-process';
/** The embedded store's writers to measure side by side (the first is the default). */
const WRITERS = (process.env.BENCH_SQLITE_WRITERS ?? 'thread,in-process').split(',') as Writer[];

function sampleData(i: number) {
  return {
    taskId: `task-${i % 1000}`,
    percent: i % 101,
    narrative: 'Rectified problem parcels in Zhuhui District; field verification with the land bureau completed.',
    evidence: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    reportedOn: '2018-10-20',
  };
}

function request(i: number, events: number, expected: number | 'any'): AppendRequest {
  return {
    streamId: `task-${i % 1000}`,
    expectedVersion: expected,
    events: Array.from({ length: events }, (_, k) => ({ type: 'ProgressReported', data: sampleData(i * events + k) })),
    metadata: {
      actorId: 'user-staff-17',
      actorRole: 'unit_staff',
      actorUnit: 'zh',
      commandId: `bench-${i}-${events}`,
      correlationId: `corr-${i}`,
      causationId: null,
      occurredAt: '2018-10-20T02:00:00.000Z',
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const rows: BenchRow[] = [];
  try {
    // Ledger and raw engine alternate in slices (the raw side inserting exactly the rows the ledger just wrote), so a
    // burst of load from elsewhere on the machine hits both sides alike.
    const SLICES = 4;
    const openRaw = (name: string) => {
      const db = new DatabaseSync(join(dir, name));
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${SYNC};`);
      db.exec(SQLITE_SCHEMA.replace(/CREATE TRIGGER[\s\S]*?END;/g, ''));
      return db;
    };
    const INSERT_SQL =
      'INSERT INTO ledger_events (position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
    const sliceRows = (store: SqliteEventStore, from: number, to: number) =>
      store.rawDatabase().prepare('SELECT * FROM ledger_events WHERE position > ? AND position <= ? ORDER BY position').all(from, to) as Array<Record<string, never>>;

    // Sequential appends, one event each: the latency of one append, fsync included.
    const singleCase = async (writer: Writer) => {
      const single = await SqliteEventStore.open({ path: join(dir, `single-${writer}.db`), policy, synchronous: SYNC, writer });
      const raw = openRaw(`raw-single-${writer}.db`);
      const insert = raw.prepare(INSERT_SQL);
      const versions = new Map<string, number>();
      let ledgerMs = 0;
      let rawMs = 0;
      for (let slice = 0, i = 0; slice < SLICES; slice++) {
        const before = await single.headPosition();
        let t = performance.now();
        for (const end = ((slice + 1) * SINGLE) / SLICES; i < end; i++) {
          const r = request(i, 1, versions.get(`task-${i % 1000}`) ?? 0);
          const res = await single.append(r);
          versions.set(r.streamId, res.streamVersion);
        }
        ledgerMs += performance.now() - t;
        const rows = sliceRows(single, before, await single.headPosition());
        t = performance.now();
        for (const r of rows) insert.run(r.position, r.event_id, r.stream_id, r.stream_version, r.type, r.command_id, r.record, r.leaf_hash);
        rawMs += performance.now() - t;
      }
      raw.close();
      await single.close();
      return { ledger: SINGLE / (ledgerMs / 1000), raw: SINGLE / (rawMs / 1000) };
    };

    const batched = await SqliteEventStore.open({ path: join(dir, 'batched.db'), policy, synchronous: SYNC });
    const rawB = openRaw('raw-batched.db');
    const insertB = rawB.prepare(INSERT_SQL);
    let ledgerMs = 0;
    let rawMs = 0;
    for (let slice = 0, i = 0; slice < SLICES; slice++) {
      const before = await batched.headPosition();
      let t = performance.now();
      for (const end = ((slice + 1) * BATCHES) / SLICES; i < end; i++) await batched.append(request(i, 100, 'any'));
      ledgerMs += performance.now() - t;
      const rows = sliceRows(batched, before, await batched.headPosition());
      t = performance.now();
      for (let k = 0; k < rows.length; k += 100) {
        rawB.exec('BEGIN');
        for (const r of rows.slice(k, k + 100)) insertB.run(r.position, r.event_id, r.stream_id, r.stream_version, r.type, r.command_id, r.record, r.leaf_hash);
        rawB.exec('COMMIT');
      }
      rawMs += performance.now() - t;
    }
    const ledgerBatched = (BATCHES * 100) / (ledgerMs / 1000);
    const rawBatched = (BATCHES * 100) / (rawMs / 1000);

    // What the API does: CONCURRENT callers, each awaiting its previous append (1 event) before the next. The raw side
    // inserts the same rows one per transaction, which is what those appends would cost without group commit. The
    // main thread's event-loop utilisation during the ledger's slices is what is left for the queries in flight.
    const CONCURRENT = 16;
    const concurrentCase = async (writer: Writer) => {
      const concurrent = await SqliteEventStore.open({ path: join(dir, `concurrent-${writer}.db`), policy, synchronous: SYNC, writer });
      const rawC = openRaw(`raw-concurrent-${writer}.db`);
      const insertC = rawC.prepare(INSERT_SQL);
      let ledgerMs = 0;
      let rawMs = 0;
      let busyMs = 0;
      for (let slice = 0, next = 0; slice < SLICES; slice++) {
        const before = await concurrent.headPosition();
        const end = ((slice + 1) * SINGLE) / SLICES;
        const elu = performance.eventLoopUtilization();
        let t = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENT }, async (_, caller) => {
            let version: number | 'any' = slice === 0 ? 0 : 'any';
            for (let i = next++; i < end; i = next++) {
              const r = { ...request(i, 1, version), streamId: `task-c${caller}` };
              version = (await concurrent.append(r)).streamVersion;
            }
          }),
        );
        next = end;
        ledgerMs += performance.now() - t;
        busyMs += performance.eventLoopUtilization(elu).active;
        const rows = sliceRows(concurrent, before, await concurrent.headPosition());
        t = performance.now();
        for (const r of rows) insertC.run(r.position, r.event_id, r.stream_id, r.stream_version, r.type, r.command_id, r.record, r.leaf_hash);
        rawMs += performance.now() - t;
      }
      if (!(await concurrent.verify()).ok) throw new Error('verify failed on the concurrent log');
      rawC.close();
      await concurrent.close();
      return { ledger: SINGLE / (ledgerMs / 1000), raw: SINGLE / (rawMs / 1000), busyUs: (busyMs * 1000) / SINGLE, elu: busyMs / ledgerMs };
    };
    const perWriter = [];
    for (const writer of WRITERS) perWriter.push({ writer, single: await singleCase(writer), concurrent: await concurrentCase(writer) });

    // Full-log read: the ledger decodes envelopes; raw selects the same rows.
    let t = performance.now();
    let n = 0;
    for (let from = 1; ; ) {
      const page = await batched.readAll({ fromPosition: from, limit: 10_000 });
      if (page.length === 0) break;
      n += page.length;
      from = page[page.length - 1].position + 1;
    }
    const ledgerRead = rate(n, t);
    const rawSelect = rawB.prepare('SELECT * FROM ledger_events WHERE position >= ? ORDER BY position LIMIT 10000');
    t = performance.now();
    let m = 0;
    for (let from = 1; ; ) {
      const page = rawSelect.all(from) as Array<{ position: number }>;
      if (page.length === 0) break;
      m += page.length;
      from = page[page.length - 1].position + 1;
    }
    const rawRead = rate(m, t);

    // verify is measured on a log of its own size (default 1,000,000 events, built with 100-event appends): worker
    // threads start once per run, which a small log would mostly measure.
    const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000);
    const big = await SqliteEventStore.open({ path: join(dir, 'verify.db'), policy, synchronous: 'NORMAL' });
    for (let i = 0; i < VERIFY_EVENTS / 100; i++) await big.append(request(i + 1_000_000, 100, 'any'));
    t = performance.now();
    const report = await big.verify();
    const verifyRate = rate(report.eventsChecked, t);
    if (!report.ok) throw new Error(`verify failed on an untouched log: ${JSON.stringify(report.problems[0])}`);
    const bigSelect = big.rawDatabase().prepare('SELECT * FROM ledger_events WHERE position > ? ORDER BY position LIMIT 10000');
    t = performance.now();
    let bigRows = 0;
    for (let after = 0; ; ) {
      const page = bigSelect.all(after) as Array<{ position: number }>;
      if (page.length === 0) break;
      bigRows += page.length;
      after = page[page.length - 1].position;
    }
    const bigRawRead = rate(bigRows, t);
    await big.close();

    rows.push(
      ...perWriter.flatMap(({ writer, single, concurrent }) => [
        { name: `append, 1 event per append (${SINGLE}), ${writer}`, ledger: single.ledger, raw: single.raw, rawLabel: 'INSERT, 1 row per transaction', target: 0.5 },
        { name: `append, ${CONCURRENT} callers (${SINGLE}), ${writer}`, ledger: concurrent.ledger, raw: concurrent.raw, rawLabel: 'INSERT, 1 row per transaction' },
      ]),
      { name: `append, 100 events per append (${BATCHES * 100})`, ledger: ledgerBatched, raw: rawBatched, rawLabel: 'INSERT, 100 rows per transaction', target: 0.5 },
      { name: 'read whole log (decoded)', ledger: ledgerRead, raw: rawRead, rawLabel: 'SELECT same rows' },
      { name: `verify (${VERIFY_EVENTS} events, leaves + nodes)`, ledger: verifyRate, raw: bigRawRead, rawLabel: 'SELECT same rows', absoluteTarget: 150_000 },
    );
    printTable(`SQLite (node:sqlite, WAL, synchronous=${SYNC})`, rows);
    for (const { writer, concurrent } of perWriter) {
      console.log(`${CONCURRENT} callers, writer ${writer}: main thread busy ${concurrent.busyUs.toFixed(0)} µs per append (event-loop utilisation ${(concurrent.elu * 100).toFixed(0)}%)`);
    }
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    saveResult('sqlite', rows);
    rawB.close();
    await batched.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
