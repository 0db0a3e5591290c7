import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresReadModelStore } from '@ledger/read-store/postgres/postgres-read-model-store';
import { DURABLE_READ_MODELS } from '@ledger/projections';
import { describeIfPostgres } from '@ledger/read-store/testing/postgres-available';
import { apiEnvironment, ApiProcess, APP_ROOT, freePort, runCli, sleep } from './pressure/support/api-process';
import { DATABASE_URL, dropSchema, freshSchemaName } from './pressure/support/postgres';

/**
 * Issue 6's "done when", as real processes on loopback against one PostgreSQL schema: two API instances and two
 * projector instances; concurrent commands to both APIs; one projector killed with SIGKILL mid-run. Then the log
 * verifies (`ledger verify`) and the read-model store is identical to a single-instance rebuild (`ledger rebuild`).
 */
const names = Object.values(DURABLE_READ_MODELS).map((p) => p.name);
const at = (date: string) => `${date}T09:00:00+08:00`;

class ProjectorProcess {
  private output = '';
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static start(env: Record<string, string>): ProjectorProcess {
    return new ProjectorProcess(spawn(process.execPath, ['-r', '@swc-node/register', join(APP_ROOT, 'apps/projector/src/main.ts')], { cwd: APP_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  logs(): string {
    return this.output;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

describeIfPostgres('scale-out: two APIs and two projectors on one PostgreSQL', () => {
  const schema = freshSchemaName('scale_out');
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-scale-out-'));
  const options = { store: 'postgres' as const, dataDir, schema, env: { LEDGER_READ_MODEL_POLL_MS: '50', LEDGER_PROJECTION_FLUSH_EVENTS: '20', LEDGER_PROJECTION_FLUSH_MS: '200', LEDGER_LOG_LEVEL: 'warn', LEDGER_ALLOW_BACKDATING: 'true' } };
  const apis: ApiProcess[] = [];
  const projectors: ProjectorProcess[] = [];
  let readStore: PostgresReadModelStore;

  afterAll(async () => {
    await Promise.all([...apis.map((a) => a.stop()), ...projectors.map((p) => p.stop('SIGKILL'))]);
    await readStore?.close();
    await dropSchema(schema).catch(() => undefined);
    await dropSchema(`${schema}_read_models`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the log verifiable and the read models identical to a single-instance rebuild, through a projector killed mid-run', async () => {
    // The first API creates the schema, the administrator and the signing key; the second shares the data directory.
    apis.push(await ApiProcess.start(options));
    const [projectorPortA, projectorPortB] = [await freePort(), await freePort()];
    const projectorEnv = (port: number) => ({ ...apiEnvironment(options), LEDGER_PROJECTOR_PORT: String(port) });
    readStore = await PostgresReadModelStore.open({ connectionString: DATABASE_URL, schema: `${schema}_read_models` });
    const ownerPid = (owner: string | null) => Number(owner?.split(':')[1]);
    const ownedBy = async (pid: number) => (await readStore.checkpoints()).filter((c) => ownerPid(c.owner) === pid).map((c) => c.projection);
    // The first projector takes every projection; the second stands by for their leases.
    projectors.push(ProjectorProcess.start(projectorEnv(projectorPortA)));
    const first = projectors[0].child.pid!;
    for (const deadline = Date.now() + 60_000; (await ownedBy(first)).length < names.length; await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`the first projector did not take the projections:\n${projectors[0].logs()}`);
    }
    projectors.push(ProjectorProcess.start(projectorEnv(projectorPortB)));
    const second = projectors[1].child.pid!;
    apis.push(await ApiProcess.start(options));

    const admin = await apis[0].adminToken();
    const call = async (api: ApiProcess, token: string, method: string, path: string, body?: unknown, expected = [200, 201]) => {
      for (let attempt = 0; ; attempt++) {
        const res = await api.http.request(method, path, { token, body, headers: { 'x-occurred-at': at('2018-09-06') } });
        // The other instance sees a record within its poll interval: a 404 or 401 just after it was made is retried.
        if ((res.status === 404 || res.status === 401) && attempt < 50) {
          await sleep(50);
          continue;
        }
        if (!expected.includes(res.status)) throw new Error(`${method} ${path} on :${api.port}: ${res.status} ${res.text}`);
        return res;
      }
    };
    const units = ['city', 'd1', 'd2', 'd3', 'd4'];
    for (const unitId of units) {
      await call(apis[0], admin, 'POST', '/v1/units', { unitId, names: { en: unitId }, kind: unitId === 'city' ? 'city' : 'district', parentId: unitId === 'city' ? null : 'city' });
      if (unitId !== 'city') await call(apis[0], admin, 'POST', `/v1/units/${unitId}/head`, { personId: `h-${unitId}`, name: `Head ${unitId}`, postTitle: 'Head', from: '2018-01-01' });
    }
    const tokenOf = async (id: string, role: string, unitId: string) => {
      await call(apis[0], admin, 'POST', '/v1/users', { id, displayName: id, role, unitId });
      return (await call(apis[0], admin, 'POST', `/v1/users/${id}/tokens`, { label: 'scale-out' })).body.token as string;
    };
    const mayor = await tokenOf('p-mayor', 'leader', 'city');
    const staff = await Promise.all(units.slice(1).map((u) => tokenOf(`p-${u}-staff`, 'unit_staff', u)));
    // No wait for the second API to poll: a command sent to it is judged once it has caught up to the log's head, so
    // a directive it receives names the heads the first API has just appointed.

    // Concurrent load on both APIs: each client issues directives with a task per district, then works the tasks.
    let killed = false;
    const client = async (c: number) => {
      const api = apis[c % 2];
      for (let n = 0; n < 6; n++) {
        const directiveId = `dir-${c}-${n}`;
        const tasks = units.slice(1).map((u) => ({ taskId: `t-${c}-${n}-${u}`, title: `Task ${u}`, assignment: { leadUnitId: u, work: 'Work', deadline: '2018-12-31', expectedResult: 'Done' } }));
        await call(api, mayor, 'POST', '/v1/directives', { directiveId, documentNumber: `SO-${c}-${n}`, kind: 'notice', issuedOn: '2018-09-06', title: 'Scale out', body: 'Load', tasks });
        await Promise.all(
          tasks.map(async (t, i) => {
            const other = apis[(c + i) % 2];
            await call(other, staff[i], 'POST', `/v1/tasks/${t.taskId}/acknowledgement`, {});
            await call(other, staff[i], 'POST', `/v1/tasks/${t.taskId}/progress-reports`, { percent: 50, narrative: 'Half' });
          }),
        );
        if (c === 0 && n === 2 && !killed) {
          // A projector dies mid-run: no flush, no lease given back (its session dies with it).
          killed = true;
          await projectors[0].stop('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(client));
    expect(killed).toBe(true);

    // The surviving projector owns every projection now and brings each to the head.
    const head = Number((await apis[0].http.request('GET', '/health')).body.head);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      const checkpoints = await readStore.checkpoints();
      if (names.every((n) => checkpoints.find((c) => c.projection === n)?.position === head)) break;
    }
    const checkpoints = await readStore.checkpoints();
    expect(checkpoints.map((c) => [c.projection, c.position]).sort()).toEqual(names.map((n) => [n, head]).sort());
    // Taken over by the second projector once the first died.
    expect((await ownedBy(second)).sort()).toEqual([...names].sort());

    const ready = (await fetch(`http://127.0.0.1:${projectorPortB}/health/ready`).then((r) => r.json())) as { info: { projections: { items: Record<string, unknown> } } };
    expect(ready.info.projections).toMatchObject({ status: 'up', gatesReadiness: true });
    for (const name of names) expect(ready.info.projections.items[name]).toMatchObject({ lag: 0 });

    await Promise.all(apis.map((a) => a.stop()));
    await projectors[1].stop();
    const verify = await runCli(['verify'], options);
    expect([verify.code, verify.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    const rebuild = await runCli(['rebuild', '--json'], options);
    expect([rebuild.code, rebuild.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    const report = JSON.parse(rebuild.stdout);
    expect(report.identical).toBe(true);
    expect(report.projections.map((p: { projection: string; position: number }) => [p.projection, p.position]).sort()).toEqual(names.map((n) => [n, head]).sort());
  }, 180_000);
});
