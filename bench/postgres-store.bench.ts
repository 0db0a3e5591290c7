/**
 * PostgreSQL store benchmark: the ledger beside the raw engine, measured in the same run.
 *
 *   node -r @swc-node/register bench/postgres-store.bench.ts
 *
 * Raw = plain INSERTs of rows of the same size into a table of the same shape (`LIKE events INCLUDING ALL`: same
 * columns, constraints and indexes), on the same server with its default durability (synchronous_commit as
 * configured, normally on). The ledger adds validation, RFC 8785 encoding, SHA-256 leaf hashes, the Merkle
 * frontier and its stored nodes, the append lock, version and idempotency checks, and NOTIFY.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS per measurement
 * (default 4; each scenario alternates raw and ledger in quarters of it). Everything is written to a fresh schema
 * that is dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import type { AppendRequest, NewEvent } from '../libs/event-store/src/port';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const schema = `ledger_bench_${randomBytes(4).toString('hex')}`;
const raw = `${schema}.raw_events`;

let commandSeq = 0;
function event(n: number): NewEvent {
  return { type: 'ProgressReported', data: { taskId: `task-${n % 1000}`, percent: n % 101, unit: 'zh', note: 'Site visit done; report attached to the file.' } };
}
function request(streamId: string, events: NewEvent[], expectedVersion: AppendRequest['expectedVersion'] = 'any'): AppendRequest {
  commandSeq += 1;
  return {
    streamId,
    expectedVersion,
    events,
    metadata: {
      actorId: 'user-inspector-1',
      actorRole: 'inspector',
      actorUnit: 'insp',
      commandId: `bench-${commandSeq}`,
      correlationId: `bench-${commandSeq}`,
      causationId: null,
      occurredAt: '2024-03-01T09:00:00.000Z',
    },
  };
}

/** Rows of the same size as the ledger's, from a template (their content does not matter to the engine). */
let rawPosition = 0;
let recordTemplate = '';
function rawRows(n: number): unknown[][] {
  const cols: unknown[][] = [[], [], [], [], [], [], [], []];
  for (let i = 0; i < n; i++) {
    rawPosition += 1;
    const id = `00000000-0000-8000-8000-${rawPosition.toString().padStart(12, '0')}`;
    const row = [rawPosition, id, `bench-raw${rawPosition % 8}`, rawPosition, 'ProgressReported', `raw-${rawPosition}`, recordTemplate.replace('#', String(rawPosition)), randomLeaf];
    for (let c = 0; c < 8; c++) cols[c].push(row[c]);
  }
  return cols;
}
const randomLeaf = randomBytes(32);
const INSERT_ONE = `INSERT INTO ${raw} (position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const INSERT_MANY =
  `INSERT INTO ${raw} (position, event_id, stream_id, stream_version, type, command_id, record, leaf_hash) ` +
  // Records as one U+001E-joined text, as the ledger sends them (cheaper than a text[] parameter), so the ratio
  // does not credit the ledger with an encoding the raw insert could use too.
  "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], string_to_array($7, E'\\x1e'), $8::bytea[])";

/** Runs `work` (which returns how many events it wrote) on `workers` loops for `seconds`; returns events and time. */
async function run(workers: number, work: (worker: number) => Promise<number>, seconds: number): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let n = 0;
      while (performance.now() < deadline) n += await work(w);
      return n;
    }),
  );
  return { events: counts.reduce((a, b) => a + b, 0), ms: performance.now() - started };
}

/**
 * Raw and ledger rates of one scenario, measured in alternating slices (4 × SECONDS/4 each), so that a slow spell of
 * a shared machine (other databases' fsyncs, CPU steal) weighs on both sides of the ratio alike.
 */
async function compare(workers: number, rawWork: (worker: number) => Promise<number>, ledgerWork: (worker: number) => Promise<number>) {
  const raw = { events: 0, ms: 0 };
  const ledger = { events: 0, ms: 0 };
  for (let slice = 0; slice < 4; slice++) {
    for (const [total, work] of [[raw, rawWork], [ledger, ledgerWork]] as const) {
      const r = await run(workers, work, SECONDS / 4);
      total.events += r.events;
      total.ms += r.ms;
    }
  }
  return { raw: raw.events / (raw.ms / 1000), ledger: ledger.events / (ledger.ms / 1000) };
}

interface Line {
  readonly what: string;
  readonly raw: number;
  readonly ledger: number;
  readonly target?: number;
}

async function main(): Promise<void> {
  const store = await PostgresEventStore.open({ connectionString: DATABASE_URL, schema, policy: { streamKinds: new Set(['bench']) }, poolSize: 10 });
  const admin = new Pool({ connectionString: DATABASE_URL, max: 8 });
  const clients: Client[] = [];
  const lines: Line[] = [];
  try {
    await admin.query(`CREATE TABLE ${raw} (LIKE ${schema}.events INCLUDING ALL)`);
    const settings = await admin.query(`SELECT current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fs, version() AS v`);
    const { sc, fs, v } = settings.rows[0] as { sc: string; fs: string; v: string };
    console.log(`${String(v).split(',')[0]}; synchronous_commit=${sc}, fsync=${fs}; Node ${process.version}; ${SECONDS} s per measurement\n`);

    // A template as long as the ledger's records, taken from a real one.
    await store.append(request('bench-template', [event(0)]));
    const [sample] = await store.readAll({ limit: 1 });
    recordTemplate = JSON.stringify({ ...sample, position: '#' });
    for (let i = 0; i < 8; i++) {
      const c = new Client({ connectionString: DATABASE_URL });
      await c.connect();
      clients.push(c);
    }
    const one = (c: Client) => async () => {
      await c.query({ name: 'raw_one', text: INSERT_ONE, values: rawRows(1).map((col) => col[0]) });
      return 1;
    };
    const hundred = (c: Client) => async () => {
      const values = rawRows(100);
      values[6] = values[6].join('\u001e') as unknown as unknown[];
      await c.query({ name: 'raw_many', text: INSERT_MANY, values });
      return 100;
    };

    // Warm both paths up (connections, prepared statements, caches) before measuring.
    await run(1, one(clients[0]), 0.5);
    await run(1, async () => (await store.append(request('bench-warm', [event(1)])), 1), 0.5);

    let stream = 0;
    const single = await compare(1, one(clients[0]), async () => {
      stream = (stream + 1) % 100;
      await store.append(request(`bench-a${stream}`, [event(stream)]));
      return 1;
    });
    lines.push({ what: 'one event per append, 1 client', ...single, target: 0.5 });

    const versions = new Array<number>(8).fill(0);
    const eight = await compare(
      8,
      (w) => one(clients[w])(),
      async (w) => {
        const r = await store.append(request(`bench-c${w}`, [event(w)], versions[w] === 0 ? 'no-stream' : versions[w]));
        versions[w] = r.streamVersion;
        return 1;
      },
    );
    lines.push({ what: '8 concurrent appenders (8 connections raw)', ...eight, target: 1 });

    // Several API instances against one database: two stores (as two processes hold), four appenders each. Every
    // batch of one instance that follows the other's must first read the rows it missed to advance its Merkle
    // frontier (the sequencing stays the advisory lock at commit: see the README, "Gap-free positions").
    const second = await PostgresEventStore.open({ connectionString: DATABASE_URL, schema, policy: { streamKinds: new Set(['bench']) }, poolSize: 10 });
    try {
      const twoVersions = new Array<number>(8).fill(0);
      const two = await compare(
        8,
        (w) => one(clients[w])(),
        async (w) => {
          const r = await (w % 2 === 0 ? store : second).append(request(`bench-i${w}`, [event(w)], twoVersions[w] === 0 ? 'no-stream' : twoVersions[w]));
          twoVersions[w] = r.streamVersion;
          return 1;
        },
      );
      lines.push({ what: '2 instances × 4 appenders (8 connections raw)', ...two });
    } finally {
      await second.close();
    }

    const batched = await compare(1, hundred(clients[0]), async () => {
      stream = (stream + 1) % 100;
      await store.append(request(`bench-b${stream}`, Array.from({ length: 100 }, (_, i) => event(i))));
      return 100;
    });
    lines.push({ what: '100 events per append (100 rows per INSERT raw)', ...batched });

    const head = await store.headPosition();
    const rawTotal = rawPosition;
    let t = performance.now();
    for (let after = 0; ; ) {
      const { rows } = await admin.query({
        name: 'raw_read',
        text: `SELECT position, record FROM ${raw} WHERE position > $1 ORDER BY position LIMIT 10000`,
        values: [after],
        rowMode: 'array',
      });
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1][0]);
    }
    const rawRead = rawTotal / ((performance.now() - t) / 1000);
    t = performance.now();
    let read = 0;
    for (let from = 1; ; ) {
      const page = await store.readAll({ fromPosition: from, limit: 10_000 });
      if (page.length === 0) break;
      read += page.length;
      from = page[page.length - 1].position + 1;
    }
    const ledgerRead = read / ((performance.now() - t) / 1000);
    lines.push({ what: `full-log read, pages of 10 000 (raw: SELECT without decoding)`, raw: rawRead, ledger: ledgerRead });

    t = performance.now();
    const report = await store.verify();
    const verifyRate = report.eventsChecked / ((performance.now() - t) / 1000);
    if (!report.ok || report.eventsChecked !== head) throw new Error(`verify failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    lines.push({ what: `verify (${report.eventsChecked} events; raw: the same read)`, raw: rawRead, ledger: verifyRate });

    console.log(`${'measurement'.padEnd(58)}${'raw ev/s'.padStart(11)}${'ledger ev/s'.padStart(13)}${'ratio'.padStart(8)}  target`);
    for (const l of lines) {
      const ratio = l.ledger / l.raw;
      const target = l.target === undefined ? '' : `≥ ${l.target.toFixed(2)} ${ratio >= l.target ? 'met' : 'MISSED'}`;
      console.log(`${l.what.padEnd(58)}${fmt(l.raw).padStart(11)}${fmt(l.ledger).padStart(13)}${ratio.toFixed(2).padStart(8)}  ${target}`);
    }
  } finally {
    await store.close();
    for (const c of clients) await c.end();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
