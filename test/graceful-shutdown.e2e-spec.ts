import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { Caller, DATABASE_URL, describeOnEachStore, expectStatus, type StoreUnderTest } from './support/ledger-test-app';

/**
 * SIGTERM during a burst of appends, against the real `main.ts` in a child process: the server stops taking
 * requests, the ones in flight finish (a directive with its tasks included), and the store closes after them.
 * Afterwards every acknowledged append is in the log where its response said, the log verifies, and no request
 * was cut in half: each directive has its document number and all its tasks.
 */

const ROOT = join(__dirname, '..');
const TASKS_PER_DIRECTIVE = 3;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startApi(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; listening: Promise<void> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/api/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('[Ledger] listening on')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening:\n${text}`)));
  });
  return { child, output: () => text, listening };
}

interface Acknowledged {
  readonly kind: 'unit' | 'directive';
  readonly id: string;
  readonly parts: ReadonlyArray<{ streamId: string; position: number; eventIds: readonly string[] }>;
}

describeOnEachStore('graceful shutdown', (kind: StoreUnderTest) => {
  let dir: string;
  const schema = `shutdown_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-shutdown-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    }
  });

  it('finishes the appends in flight, refuses new ones, and leaves a log with every acknowledged append whole', async () => {
    const storeEnv: NodeJS.ProcessEnv =
      kind === 'sqlite'
        ? { LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }
        : { LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema, LEDGER_DATA_DIR: dir };
    const port = await freePort();
    const tokenFile = join(dir, 'admin.token');
    const api = startApi({ ...storeEnv, PORT: String(port), LEDGER_BOOTSTRAP_TOKEN_FILE: tokenFile, LEDGER_ADMIN_UNIT: 'city', LEDGER_LOG_LEVEL: 'warn' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => api.child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await api.listening;
      const base = `http://127.0.0.1:${port}`;
      const admin = new Caller(base, (await readFile(tokenFile, 'utf8')).trim());
      expectStatus(await admin.post('/v1/units', { unitId: 'city', names: { en: 'City' }, kind: 'city', parentId: null }), 201);
      for (const d of ['da', 'db', 'dc']) {
        expectStatus(await admin.post('/v1/units', { unitId: d, names: { en: `District ${d}` }, kind: 'district', parentId: 'city' }), 201);
        expectStatus(await admin.post(`/v1/units/${d}/head`, { personId: `p-${d}-head`, name: `Head ${d}`, postTitle: 'Head', from: '2018-01-01' }), 200);
      }
      expectStatus(await admin.post('/v1/users', { id: 'p-mayor', displayName: 'Mayor', role: 'leader', unitId: 'city' }), 201);
      const issued = await admin.post('/v1/users/p-mayor/tokens', { label: 'shutdown test' });
      expectStatus(issued, 201);
      const mayor = new Caller(base, issued.body.token as string);

      const acknowledged: Acknowledged[] = [];
      const refused: number[] = [];
      let stop = false;
      let n = 0;
      const worker = async (w: number) => {
        while (!stop) {
          const i = n++;
          try {
            if (i % 2 === 0) {
              const id = `u-${w}-${i}`;
              const res = await admin.post('/v1/units', { unitId: id, names: { en: id }, kind: 'office', parentId: 'city' });
              if (res.status === 201) acknowledged.push({ kind: 'unit', id, parts: [res.body] });
              else refused.push(res.status);
            } else {
              const id = `d-${w}-${i}`;
              const res = await mayor.post('/v1/directives', {
                directiveId: id,
                documentNumber: `DOC-${i}`,
                kind: 'directive',
                issuedOn: new Date().toISOString().slice(0, 10),
                title: `Directive ${i}`,
                body: 'Three tasks, one per district.',
                tasks: ['da', 'db', 'dc'].map((d) => ({
                  taskId: `${id}-${d}`,
                  title: `Task for ${d}`,
                  assignment: { leadUnitId: d, work: 'the work', deadline: '2099-12-31', expectedResult: 'done' },
                })),
              });
              if (res.status === 201) acknowledged.push({ kind: 'directive', id, parts: [res.body, ...res.body.tasks] });
              else refused.push(res.status);
            }
          } catch {
            // Connection refused or reset: the server has stopped listening.
            refused.push(0);
            if (stop) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 10));
      api.child.kill('SIGTERM');
      const exit = await exited;
      stop = true;
      await Promise.all(workers);

      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(api.output()).not.toMatch(/ERROR during shutdown|Error during shutdown/i);
      expect(refused.every((status) => status === 0 || status === 503)).toBe(true);

      const store = await openStore(storeConfigFromEnv(storeEnv), new Set(STREAM_KINDS));
      try {
        const report = await store.verify();
        expect(report.problems).toEqual([]);
        const events = await readAllEvents(store);
        expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
        const byId = new Map(events.map((e) => [e.id, e]));
        for (const ack of acknowledged) {
          for (const part of ack.parts) {
            for (const eventId of part.eventIds) expect(byId.get(eventId)?.streamId).toBe(part.streamId);
            expect(byId.get(part.eventIds.at(-1)!)?.position).toBe(part.position);
          }
        }
        // Nothing half-written: every directive in the log has its document number and all its tasks, registered and assigned.
        const directives = events.filter((e) => e.type === 'DirectiveIssued');
        for (const directive of directives) {
          const id = directive.streamId.slice('directive-'.length);
          const taskEvents = events.filter((e) => e.streamId.startsWith(`task-${id}-`)).map((e) => e.type);
          expect(taskEvents.filter((t) => t === 'TaskRegistered')).toHaveLength(TASKS_PER_DIRECTIVE);
          expect(taskEvents.filter((t) => t === 'TaskAssigned')).toHaveLength(TASKS_PER_DIRECTIVE);
          expect(events.some((e) => e.type === 'DocumentNumberReserved' && e.metadata.commandId === `${directive.metadata.commandId}/docno`)).toBe(true);
        }
        // And nothing was written that the client was not told about.
        const writtenUnits = events.filter((e) => e.type === 'UnitRegistered' && e.streamId.startsWith('unit-u-')).length;
        expect(writtenUnits).toBe(acknowledged.filter((a) => a.kind === 'unit').length);
        expect(directives.length).toBe(acknowledged.filter((a) => a.kind === 'directive').length);
        expect(acknowledged.length).toBeGreaterThanOrEqual(60);
      } finally {
        await store.close();
      }
    } finally {
      if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
    }
  }, 90_000);
});

async function readAllEvents(store: LedgerStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    from = page[page.length - 1].position + 1;
  }
}
