import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { EventStoreError, WrongExpectedVersionError } from '../errors';
import { toHex } from '../integrity';
import { encodeRecord, recordLeafHash } from '../record';
import { CONTRACT_STREAM_KINDS, describeEventStoreContract, ev, req } from '../testing/event-store.contract';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
import { grantApplicationRole } from './schema';
import { ledgerSql } from './statements';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = Boolean(process.env.CI) || process.env.LEDGER_REQUIRE_POSTGRES === '1';
const policy = { streamKinds: CONTRACT_STREAM_KINDS };

/** Jest defines tests synchronously, so reachability is checked by a short-lived child process. */
function postgresReachable(): string | undefined {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Client } = require('pg');
       const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
       c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`,
      DATABASE_URL,
    ],
    { cwd: __dirname, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return probe.status === 0 ? undefined : (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
}

const unreachable = postgresReachable();
if (unreachable && !REQUIRED) {
  console.warn(`PostgreSQL at ${DATABASE_URL} is unreachable (${unreachable}): skipping the PostgreSQL adapter's tests. Set LEDGER_REQUIRE_POSTGRES=1 to fail instead.`);
}
const describePg = unreachable && !REQUIRED ? describe.skip : describe;

if (unreachable && REQUIRED) {
  describe('PostgreSQL adapter', () => {
    it('reaches PostgreSQL (required by CI / LEDGER_REQUIRE_POSTGRES=1)', () => {
      throw new Error(`PostgreSQL at ${DATABASE_URL} is unreachable: ${unreachable}`);
    });
  });
}

function freshSchema(): string {
  return `ledger_test_${randomBytes(6).toString('hex')}`;
}

/** Superuser access to the test database, as a DBA (or an attacker with DBA rights) would have. */
class TestDatabase {
  readonly pool = new Pool({ connectionString: DATABASE_URL, max: 3 });
  private readonly stores: PostgresEventStore[] = [];

  constructor(readonly schema = freshSchema()) {}

  async open(options: Partial<Omit<PostgresEventStoreOptions, 'schema' | 'policy'>> = {}): Promise<PostgresEventStore> {
    const store = await PostgresEventStore.open({ connectionString: DATABASE_URL, schema: this.schema, policy, ...options });
    this.stores.push(store);
    return store;
  }

  async sql(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>> {
    return (await this.pool.query(text, values)).rows;
  }

  /** Runs statements with triggers disabled (session_replication_role = replica needs a superuser). */
  async bypassingTriggers(...statements: string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL session_replication_role = 'replica'");
      for (const s of statements) await client.query(s);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  }

  async drop(): Promise<void> {
    for (const s of this.stores) await s.close();
    // Dropping the whole throwaway schema is test cleanup, not an event delete path of the product.
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    await this.pool.end();
  }
}

describePg('PostgresEventStore', () => {
  // The locked strategy runs the whole contract on the path the optimistic one falls back to under contention.
  describe.each(['optimistic', 'locked'] as const)('with the %s append strategy', (appendStrategy) => {
    describeEventStoreContract(`postgres, ${appendStrategy}`, async (clock) => {
      const db = new TestDatabase();
      let store = await db.open({ clock, appendStrategy });
      return {
        store,
        async reopen() {
          await store.close();
          store = await db.open({ clock, appendStrategy });
          return store;
        },
        openSecond: () => db.open({ clock, appendStrategy }),
        raw: {
          async updateEvent(position) {
            await db.sql(`UPDATE ${db.schema}.events SET type = 'Forged' WHERE position = $1`, [position]);
          },
          async deleteEvent(position) {
            await db.sql(`DELETE FROM ${db.schema}.events WHERE position = $1`, [position]);
          },
          async tamperRecord(position, record) {
            await db.bypassingTriggers(`UPDATE ${db.schema}.events SET record = ${escape(record)} WHERE position = ${position}`);
          },
          async truncateAfter(position) {
            await db.bypassingTriggers(`DELETE FROM ${db.schema}.events WHERE position > ${position}`);
          },
        },
        densePositions: true,
        cleanup: () => db.drop(),
      };
    });
  });

  describe('when the storage is edited directly', () => {
    let db: TestDatabase;
    let store: PostgresEventStore;
    beforeEach(async () => {
      db = new TestDatabase();
      store = await db.open();
      // 256 leaves complete the first stored Merkle node (level 8).
      await store.append(req('task-1', Array.from({ length: 256 }, (_, i) => ev('ProgressReported', { i }))));
    });
    afterEach(() => db.drop());

    it.each([
      ['UPDATE', 'events', 'UPDATE {t} SET type = $$Forged$$ WHERE position = 3'],
      ['DELETE', 'events', 'DELETE FROM {t} WHERE position = 256'],
      ['TRUNCATE', 'events', 'TRUNCATE {t}'],
      ['UPDATE', 'merkle_nodes', 'UPDATE {t} SET hash = $$\\x00$$'],
      ['DELETE', 'merkle_nodes', 'DELETE FROM {t}'],
      ['TRUNCATE', 'merkle_nodes', 'TRUNCATE {t}'],
    ])('refuses %s on %s even for the owner', async (op, table, sql) => {
      await expect(db.sql(sql.replace('{t}', `${db.schema}.${table}`))).rejects.toThrow(`${db.schema}.${table} is append-only: ${op} refused`);
      expect((await db.sql(`SELECT count(*)::int AS n FROM ${db.schema}.events`))[0].n).toBe(256);
      expect((await store.verify()).ok).toBe(true);
    });

    it('names the position of a record altered together with its leaf hash (caught by the stored node)', async () => {
      const [victim] = await store.readAll({ fromPosition: 40, limit: 1 });
      const forged = encodeRecord({ ...victim, data: { i: 999 } });
      await db.bypassingTriggers(
        `UPDATE ${db.schema}.events SET record = ${escape(forged)}, leaf_hash = '\\x${toHex(recordLeafHash(forged))}' WHERE position = 40`,
      );
      const report = await store.verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ position: 256, code: 'NODE_MISMATCH' });
    });

    it('reaches the same verdict with worker threads reading the exported snapshot', async () => {
      await store.append(req('task-2', Array.from({ length: 300 }, (_, i) => ev('ReminderIssued', { i }))));
      const clean = await store.verify({ threads: 2 });
      expect(clean).toEqual(await store.verify({ threads: 1 }));
      expect(clean).toMatchObject({ ok: true, eventsChecked: 556 });
      const [victim] = await store.readAll({ fromPosition: 300, limit: 1 });
      await db.bypassingTriggers(`UPDATE ${db.schema}.events SET record = ${escape(encodeRecord({ ...victim, type: 'Forged' }))} WHERE position = 300`);
      const threaded = await store.verify({ threads: 2 });
      expect(threaded.problems[0]).toMatchObject({ position: 300, code: 'ROW_MISMATCH' });
      expect(threaded).toEqual(await store.verify({ threads: 1 }));
    });

    it('names the position of an index column that disagrees with its record', async () => {
      await db.bypassingTriggers(`UPDATE ${db.schema}.events SET stream_id = 'task-2' WHERE position = 17`);
      expect((await store.verify()).problems[0]).toMatchObject({ position: 17, code: 'ROW_MISMATCH' });
    });

    it('names the first missing position of a deleted row', async () => {
      await db.bypassingTriggers(`DELETE FROM ${db.schema}.events WHERE position = 100`);
      expect((await store.verify()).problems[0]).toMatchObject({ position: 100, code: 'POSITION_GAP' });
    });

    it.each(['optimistic', 'locked'] as const)('refuses a %s re-append over a truncated log as STORE.INTEGRITY naming the stored node, not a raw 23505', async (appendStrategy) => {
      await db.bypassingTriggers(`DELETE FROM ${db.schema}.events WHERE position > 200`);
      const reopened = await db.open({ appendStrategy });
      const refused = await reopened.append(req('task-2', Array.from({ length: 100 }, (_, i) => ev('ReminderIssued', { i })))).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EventStoreError);
      expect(refused).toMatchObject({ code: 'STORE.INTEGRITY', details: { constraint: 'merkle_nodes_pkey' } });
      expect((refused as Error).message).toMatch(/stored Merkle node .* run verify/);
      expect((refused as { code?: string }).code).not.toBe('23505');
      expect((await db.sql(`SELECT count(*)::int AS n FROM ${db.schema}.events`))[0].n).toBe(200);
    });

    it('reports a Merkle node that was deleted or forged', async () => {
      await db.bypassingTriggers(`DELETE FROM ${db.schema}.merkle_nodes`);
      expect((await store.verify()).problems[0]).toMatchObject({ position: 256, code: 'NODE_MISSING' });
      await db.bypassingTriggers(`INSERT INTO ${db.schema}.merkle_nodes VALUES (8, 0, '\\x${'00'.repeat(32)}')`);
      expect((await store.verify()).problems[0]).toMatchObject({ position: 256, code: 'NODE_MISMATCH' });
      await db.bypassingTriggers(`INSERT INTO ${db.schema}.merkle_nodes VALUES (8, 1, '\\x${'00'.repeat(32)}')`);
      expect((await store.verify()).problems).toContainEqual(expect.objectContaining({ position: 512, code: 'NODE_EXTRA' }));
    });
  });

  describe('when events are read by actor', () => {
    let db: TestDatabase;
    beforeEach(() => {
      db = new TestDatabase();
    });
    afterEach(() => db.drop());

    /** 6,000 events by 60 actors, in appends of 1 to 100 events across 20 streams, then ANALYZE. */
    async function busyLog(store: PostgresEventStore): Promise<void> {
      for (let i = 0; i < 120; i++) {
        const n = i % 2 === 0 ? 1 : 99;
        await store.append(req(`task-${i % 20}`, Array.from({ length: n }, (_, k) => ev('ProgressReported', { i, k })), 'any', { actorId: `actor-${i % 60}` }));
      }
      await db.sql(`ANALYZE ${db.schema}.events`);
    }

    const plan = async (values: unknown[], generic: boolean) => {
      const client = await db.pool.connect();
      try {
        // The store's statements are named (prepared), so after a few runs PostgreSQL may switch to a generic plan.
        await client.query(`SET plan_cache_mode = ${generic ? 'force_generic_plan' : 'force_custom_plan'}`);
        await client.query(`PREPARE by_actor AS ${ledgerSql(db.schema, 1000).readByActor}`);
        const { rows } = await client.query(`EXPLAIN EXECUTE by_actor(${values.map((v) => escape(String(v))).join(', ')})`);
        return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      } finally {
        await client.query('DEALLOCATE ALL; RESET plan_cache_mode');
        client.release();
      }
    };

    it('answers from the events_by_actor index, custom and generic plans alike, never scanning the table', async () => {
      const store = await db.open();
      await busyLog(store);
      for (const generic of [false, true]) {
        for (const values of [['actor-7', 1, Number.MAX_SAFE_INTEGER, 1000], ['actor-8', 2000, 4000, 10]]) {
          const text = await plan(values, generic);
          // An index scan in position order, or (for a few hundred rows) a bitmap scan of it and a sort: both read
          // only the actor's rows.
          expect(text).toMatch(/Index Scan (using|on) events_by_actor/);
          expect(text).not.toMatch(/Seq Scan/);
        }
      }
      const all = await store.readAll({ limit: 10_000 });
      expect(all).toHaveLength(6000);
      expect(await store.readByActor('actor-7', { limit: 10_000 })).toEqual(all.filter((e) => e.metadata.actorId === 'actor-7'));
    });

    it('gives a schema created before the index the index on the next open, and then answers from it', async () => {
      let store = await db.open();
      await busyLog(store);
      await store.close();
      // The schema as it stood before this index existed.
      await db.sql(`DROP INDEX ${db.schema}.events_by_actor`);
      const indexed = async () => (await db.sql(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'events_by_actor'`, [db.schema])).length;
      expect(await indexed()).toBe(0);
      store = await db.open();
      expect(await indexed()).toBe(1);
      expect(await plan(['actor-9', 1, Number.MAX_SAFE_INTEGER, 1000], true)).toMatch(/Index Scan (using|on) events_by_actor/);
      const all = await store.readAll({ limit: 10_000 });
      expect((await store.readByActor('actor-9', { limit: 10_000 })).map((e) => e.id)).toEqual(all.filter((e) => e.metadata.actorId === 'actor-9').map((e) => e.id));
      // Opening again finds it there and changes nothing.
      await db.open();
      expect(await indexed()).toBe(1);
    });

    it('still opens a log holding a forged row that is not JSON, building the index around it, and verify names the row', async () => {
      let store = await db.open();
      for (let i = 0; i < 10; i++) await store.append(req('task-1', [ev('ProgressReported', { i })], 'any', { actorId: 'actor-a' }));
      await store.close();
      await db.sql(`DROP INDEX ${db.schema}.events_by_actor`);
      await db.bypassingTriggers(`UPDATE ${db.schema}.events SET record = 'not json' WHERE position = 4`);
      store = await db.open();
      expect((await store.readByActor('actor-a')).map((e) => e.position)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
      const report = await store.verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ position: 4 });
    });
  });

  describe('when the application connects as its own role', () => {
    let db: TestDatabase;
    let role: string;
    beforeEach(async () => {
      db = new TestDatabase();
      await db.open();
      role = `ledger_app_${randomBytes(4).toString('hex')}`;
      await db.sql(`CREATE ROLE ${role} LOGIN`);
      await grantApplicationRole(db.pool, db.schema, role);
    });
    afterEach(async () => {
      await db.drop();
      const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    });

    it('appends, reads, checkpoints and verifies, but is denied UPDATE, DELETE and TRUNCATE by privileges', async () => {
      const url = new URL(DATABASE_URL);
      url.username = role;
      const app = await db.open({ connectionString: url.toString(), migrate: false });
      const r = await app.append(req('task-7', [ev('TaskRegistered'), ev('TaskAssigned')], 'no-stream'));
      expect(r.lastPosition).toBe(2);
      const sub = await app.subscribe({ name: 'app-role', handler: () => undefined });
      await sub.waitFor(2);
      await sub.stop();
      expect(await app.readCheckpoint('app-role')).toBe(2);
      expect((await app.verify()).ok).toBe(true);

      const pool = app.rawPool();
      for (const sql of [
        `UPDATE ${db.schema}.events SET type = 'Forged'`,
        `DELETE FROM ${db.schema}.events`,
        `TRUNCATE ${db.schema}.events`,
        `UPDATE ${db.schema}.merkle_nodes SET hash = hash`,
        `ALTER TABLE ${db.schema}.events DISABLE TRIGGER USER`,
        `DELETE FROM ${db.schema}.subscription_checkpoints`,
      ]) {
        await expect(pool.query(sql)).rejects.toMatchObject({ code: '42501' });
      }
      // The same role with SET ROLE from a superuser session: privileges, not the trigger, refuse it.
      const client = await db.pool.connect();
      try {
        await client.query(`SET ROLE ${role}`);
        await expect(client.query(`UPDATE ${db.schema}.events SET type = 'Forged' WHERE position = 1`)).rejects.toThrow(/permission denied/);
      } finally {
        await client.query('RESET ROLE');
        client.release();
      }
    });
  });

  describe('when appenders race', () => {
    let db: TestDatabase;
    beforeEach(() => {
      db = new TestDatabase();
    });
    afterEach(() => db.drop());

    it('lets exactly one of eight appenders in two processes win each version of one stream', async () => {
      const [a, b] = [await db.open(), await db.open()];
      await a.append(req('task-race', [ev('TaskRegistered')], 'no-stream'));
      for (let version = 1; version <= 10; version++) {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).append(req('task-race', [ev('ProgressReported', { by: i })], version))),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
      expect((await b.readStream('task-race')).map((e) => e.streamVersion)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    });

    it('keeps positions gap-free and unique with eight appenders on separate streams in two processes', async () => {
      const [a, b] = [await db.open(), await db.open()];
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = 0; i < 60; i++) {
            await (w % 2 ? a : b).append(req(`task-s${w}`, [ev('ProgressReported', { w, i }), ev('ReminderIssued', { w, i })], i === 0 ? 'no-stream' : 2 * i));
          }
        }),
      );
      const rows = await db.sql(`SELECT position::int AS p FROM ${db.schema}.events ORDER BY position`);
      expect(rows.map((r) => r.p)).toEqual(Array.from({ length: 960 }, (_, i) => i + 1));
      for (let w = 0; w < 8; w++) expect((await a.readStream(`task-s${w}`)).length).toBe(120);
      const report = await b.verify();
      expect(report).toMatchObject({ ok: true, eventsChecked: 960 });
      expect((await a.treeHead()).rootHash).toBe(report.treeHead.rootHash);
    });

    it('refuses no-stream for an existing stream it has not seen since a restart', async () => {
      const first = await db.open();
      await first.append(req('task-1', [ev('TaskRegistered')], 'no-stream'));
      await first.close();
      const store = await db.open();
      await expect(store.append(req('task-1', [ev('TaskRegistered')], 'no-stream'))).rejects.toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION', actual: 1 });
      expect((await store.append(req('task-1', [ev('TaskAssigned')], 1))).streamVersion).toBe(2);
    });

    it('recognises a retry of a command another process appended, whatever the expected version', async () => {
      const [a, b] = [await db.open(), await db.open()];
      const m = { commandId: `retried-${randomBytes(4).toString('hex')}` };
      const first = await a.append(req('task-5', [ev('TaskRegistered'), ev('TaskAssigned')], 'no-stream', m));
      await b.append(req('task-6', [ev('TaskRegistered')]));
      expect(await b.append(req('task-5', [ev('TaskRegistered'), ev('TaskAssigned')], 'any', m))).toEqual({ ...first, duplicate: true });
      expect(await b.append(req('task-5', [ev('TaskRegistered'), ev('TaskAssigned')], 'no-stream', m))).toEqual({ ...first, duplicate: true });
      expect(await a.append(req('task-5', [ev('TaskRegistered'), ev('TaskAssigned')], 7, m))).toEqual({ ...first, duplicate: true });
      await expect(a.append(req('task-7', [ev('TaskRegistered')], 'any', m))).rejects.toMatchObject({ code: 'STORE.IDEMPOTENCY_CONFLICT' });
      expect(await a.headPosition()).toBe(3);
    });

    it('stays gap-free with three busy processes, optimistic and locked, on shared streams', async () => {
      const stores = [await db.open(), await db.open(), await db.open({ appendStrategy: 'locked' })];
      let ok = 0;
      await Promise.all(
        Array.from({ length: 12 }, async (_, w) => {
          for (let i = 0; i < 25; i++) {
            const stream = `task-shared${(w + i) % 3}`;
            const store = stores[(w + i) % 3];
            const outcome = await store.append(req(stream, [ev('ProgressReported', { w, i })], 'any')).then(() => 'ok', (e: unknown) => e);
            if (outcome === 'ok') ok += 1;
            else throw outcome;
          }
        }),
      );
      expect(ok).toBe(300);
      const rows = await db.sql(`SELECT position::int AS p FROM ${db.schema}.events ORDER BY position`);
      expect(rows.map((r) => r.p)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      for (let k = 0; k < 3; k++) expect((await stores[0].readStream(`task-shared${k}`)).map((e) => e.streamVersion)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const report = await stores[1].verify();
      expect(report).toMatchObject({ ok: true, eventsChecked: 300 });
      for (const s of stores) expect((await s.treeHead(300)).rootHash).toBe(report.treeHead.rootHash);
    });

    it('fails only the batch that hit an error, and the next batch still lands gap-free', async () => {
      const store = await db.open();
      await store.append(req('task-1', [ev('TaskRegistered')]));
      // A command id re-sent to another stream in the same batch is refused alone.
      const m = { commandId: `same-${randomBytes(4).toString('hex')}` };
      const outcomes = await Promise.allSettled([
        store.append(req('task-2', [ev('TaskRegistered')], 'no-stream', m)),
        store.append(req('task-3', [ev('TaskRegistered')], 'no-stream', m)),
        store.append(req('task-4', [ev('TaskRegistered')], 'no-stream')),
        store.append(req('task-1', [ev('TaskRegistered')], 'no-stream')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect(outcomes[1]).toMatchObject({ reason: { code: 'STORE.IDEMPOTENCY_CONFLICT' } });
      expect(outcomes[3]).toMatchObject({ reason: { code: 'STORE.WRONG_EXPECTED_VERSION' } });
      expect(await store.headPosition()).toBe(3);
      expect((await store.verify()).ok).toBe(true);
    });
  });

  describe('when another process appends', () => {
    let db: TestDatabase;
    beforeEach(() => {
      db = new TestDatabase();
    });
    afterEach(() => db.drop());

    it('wakes a subscription promptly through LISTEN/NOTIFY, without waiting for its poll', async () => {
      const [a, b] = [await db.open(), await db.open()];
      const seen: number[] = [];
      const sub = await a.subscribe({ name: 'notify', pollIntervalMs: 60_000, handler: (events) => void seen.push(...events.map((e) => e.position)) });
      // Give the LISTEN connection a moment to subscribe.
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await b.append(req('task-1', [ev('TaskRegistered')]));
      await sub.waitFor(1, 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(seen).toEqual([1]);
      await sub.stop();
    });

    it('keeps waking subscriptions after its listening connection is killed', async () => {
      const [a, b] = [await db.open(), await db.open()];
      const sub = await a.subscribe({ name: 'notify-again', pollIntervalMs: 60_000, handler: () => undefined });
      const listener = async () => (await db.sql('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`ledger-listener:${db.schema}`]))[0]?.pid;
      while (!(await listener())) await new Promise((r) => setTimeout(r, 20));
      await db.sql('SELECT pg_terminate_backend($1)', [await listener()]);
      // It reconnects (and wakes the subscriptions, as notifications sent meanwhile are lost); later appends by the
      // other process arrive by NOTIFY again.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await listener()).toBeDefined();
      await b.append(req('task-1', [ev('TaskRegistered')]));
      await sub.waitFor(1, 5_000);
      await b.append(req('task-1', [ev('TaskAssigned')]));
      await sub.waitFor(2, 5_000);
      await sub.stop();
    });
  });

  describe('when the appending process is killed mid-batch', () => {
    let db: TestDatabase;
    beforeEach(() => {
      db = new TestDatabase();
    });
    afterEach(() => db.drop());

    it('keeps each command all-or-nothing and the log verifiable', async () => {
      const store = await db.open();
      const script = join(__dirname, 'crash-appender.script.ts');
      const childUrl = new URL(DATABASE_URL);
      const appName = `crash-${db.schema}`;
      childUrl.searchParams.set('application_name', appName);
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
          cwd: join(__dirname, '../../../..'),
          env: { ...process.env, NODE_OPTIONS: '', LEDGER_URL: childUrl.toString(), LEDGER_SCHEMA: db.schema },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        // Wait until the child is committing, then kill it at a random moment of its next batches.
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', () => resolve());
          child.on('exit', () => reject(new Error(`child exited before committing: ${stderr}`)));
        });
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
      }
      // A transaction whose COMMIT reached the server before the kill still commits (all of it): wait until the
      // killed process's sessions have finished before counting.
      for (let waited = 0; ; waited += 50) {
        const [{ n }] = await db.sql('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [appName]);
        if (n === 0) break;
        if (waited > 10_000) throw new Error(`${String(n)} sessions of the killed process are still open`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const counts = await db.sql(`SELECT command_id, count(*)::int AS n FROM ${db.schema}.events GROUP BY command_id`);
      expect(counts.length).toBeGreaterThan(0);
      expect(counts.filter((c) => c.n !== 100)).toEqual([]);
      const report = await store.verify();
      expect(report.problems).toEqual([]);
      expect(report.eventsChecked).toBe(counts.length * 100);
      // The surviving store notices the other process's appends and carries on from the true head.
      const r = await store.append(req('task-after', [ev('TaskRegistered')]));
      expect(r.firstPosition).toBe(counts.length * 100 + 1);
      expect((await store.verify()).ok).toBe(true);
    }, 60_000);
  });
});

function escape(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
