/**
 * crash — SIGKILL the API at random moments while clients append through HTTP, restart it, and check the promises.
 *
 * Clients (CRASH_CLIENTS, default 4) send commands without pause, each with its own Idempotency-Key: progress reports
 * and reminders (one event), sign-offs (a stream of their own), and directives with 1–5 tasks (a multi-stream
 * request: document number, directive, and each task's registration and assignment as parts of one command id). A
 * command whose answer is lost to a kill is retried with the same key once the API is back, as a real client would.
 * The API is killed with SIGKILL CRASH_KILLS times (default 20), each after CRASH_MIN_UP_MS–CRASH_MAX_UP_MS of load.
 *
 * Then:
 * - every acknowledged command's events are in the log exactly once, at the positions and with the ids it was told;
 * - no command is partial: every directive has its document number and all its tasks, each task both its events;
 * - the log holds exactly the commands the clients sent (none lost, none invented) and no command id twice;
 * - `ledger verify` passes;
 * - the read models of the API that lived through the last restart equal those of a fresh API on the same log,
 *   for every task, timeline, directive, unit, notice and sign-off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type RecordedEvent } from '@ledger/event-store';
import { ApiProcess, apiEnvironment, freePort, runCli, sleep, type StoreKind } from './support/api-process';
import { Http, type Reply } from './support/http';
import { dropSchema, freshSchemaName } from './support/postgres';
import { differences, readViews } from './support/read-views';
import { envNumber, load, round, runSuite, type SuiteReport } from './support/report';
import { acknowledgeTasks, addDays, issueDirectives, planTasks, seedOrganisation, type SeededOrg, type SeededTask } from './support/seed';

const KILLS = envNumber('CRASH_KILLS', 20);
const CLIENTS = envNumber('CRASH_CLIENTS', 4);
const MIN_UP_MS = envNumber('CRASH_MIN_UP_MS', 300);
const MAX_UP_MS = envNumber('CRASH_MAX_UP_MS', 2500);
const SETTLE_S = envNumber('CRASH_SETTLE_S', 120);

type Kind = 'progress' | 'reminder' | 'signoff' | 'directive';

interface Sent {
  readonly kind: Kind;
  readonly key: string;
  readonly actorId: string;
  readonly token: string;
  readonly path: string;
  readonly body: unknown;
  /** For directives: the tasks it creates. */
  readonly taskIds: readonly string[];
  attempts: number;
  /** Attempts whose answer was lost (connection refused, reset, or no answer). */
  lost: number;
  ack?: Reply;
  refused?: Reply;
}

function random(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/** One client: its own tasks (so its progress reports never race another's), commands one after the other. */
async function client(
  index: number,
  http: Http,
  org: SeededOrg,
  mine: readonly SeededTask[],
  sent: Sent[],
  stop: { now: boolean; giveUpAt: number },
): Promise<void> {
  const percent = new Map<string, number>();
  for (let n = 0; !stop.now && n < 1_000_000; n++) {
    const key = `crash-c${index}-${String(n).padStart(6, '0')}`;
    const roll = Math.random();
    const t = mine[Math.floor(Math.random() * mine.length)];
    let cmd: Sent;
    if (roll < 0.4) {
      const p = Math.min(100, (percent.get(t.taskId) ?? 0) + 1);
      percent.set(t.taskId, p);
      cmd = { kind: 'progress', key, actorId: `s-${t.leadUnitId}`, token: org.tokens.staff.get(t.leadUnitId)!, path: `/v1/tasks/${t.taskId}/progress-reports`, body: { percent: p, narrative: `Report ${key}` }, taskIds: [], attempts: 0, lost: 0 };
    } else if (roll < 0.65) {
      cmd = { kind: 'reminder', key, actorId: 'p-inspector', token: org.tokens.inspector, path: `/v1/tasks/${t.taskId}/reminders`, body: { message: `Reminder ${key}`, channel: 'phone' }, taskIds: [], attempts: 0, lost: 0 };
    } else if (roll < 0.8) {
      cmd = { kind: 'signoff', key, actorId: 'p-vice-mayor', token: org.tokens.signer, path: '/v1/signoffs', body: { record: { streamId: `task-${t.taskId}` }, decision: 'approve', comment: `Sign-off ${key}` }, taskIds: [], attempts: 0, lost: 0 };
    } else {
      const count = 1 + Math.floor(Math.random() * 5);
      const taskIds = Array.from({ length: count }, (_, k) => `c${index}-n${n}-k${k}`);
      cmd = {
        kind: 'directive',
        key,
        actorId: 'p-mayor',
        token: org.tokens.issuer,
        path: '/v1/directives',
        body: {
          directiveId: `crash-c${index}-n${n}`,
          documentNumber: `CRASH-${index}-${n}`,
          kind: 'notice',
          issuedOn: org.today,
          title: `Crash directive ${key}`,
          body: 'Tasks issued while the API is being killed.',
          tasks: taskIds.map((taskId, k) => ({
            taskId,
            title: `Task ${taskId}`,
            assignment: { leadUnitId: org.leadUnits[(n + k) % org.leadUnits.length], work: 'Do the work', deadline: addDays(org.today, 60), expectedResult: 'Done' },
          })),
        },
        taskIds,
        attempts: 0,
        lost: 0,
      };
    }
    sent.push(cmd);
    // The same request, with the same key, until it is answered (bounded by the give-up time).
    while (cmd.ack === undefined && cmd.refused === undefined) {
      if (performance.now() > stop.giveUpAt || cmd.attempts >= 5000) return;
      cmd.attempts++;
      try {
        const res = await http.request('POST', cmd.path, { token: cmd.token, body: cmd.body, headers: { 'idempotency-key': cmd.key }, timeoutMs: 20_000 });
        if (res.status >= 200 && res.status < 300) cmd.ack = res;
        else if (res.status >= 500) {
          cmd.lost++;
          await sleep(100);
        } else cmd.refused = res;
      } catch {
        cmd.lost++;
        await sleep(random(30, 150));
      }
    }
  }
}

runSuite('crash', async (report: SuiteReport, store: StoreKind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  const schema = store === 'postgres' ? freshSchemaName('crash') : undefined;
  const base = { store, dataDir, schema };
  const port = await freePort();
  let api: ApiProcess | undefined;
  const http = new Http(`http://127.0.0.1:${port}`, { maxSockets: CLIENTS * 2 });
  report.detail('settings', { kills: KILLS, clients: CLIENTS, minUpMs: MIN_UP_MS, maxUpMs: MAX_UP_MS });
  try {
    api = await ApiProcess.start({ ...base, port });
    const seeded = await seedOrganisation(http, await api.adminToken(), { units: 30, districts: 3, tasks: 0 });
    const tasks = planTasks(seeded, 200, 100, 'seed-');
    await issueDirectives(http, seeded, tasks);
    const versions = new Map<string, number>();
    await acknowledgeTasks(http, seeded, tasks, versions);
    const org: SeededOrg = { ...seeded, tasks, versions };
    const seededHead = (await http.get('/health')).body.head as number;
    report.figure('seeded events (30 units, users, 200 acknowledged tasks)', seededHead);

    // Load, and kills at random moments.
    const sent: Sent[] = [];
    const stop = { now: false, giveUpAt: Infinity };
    const clients = Array.from({ length: CLIENTS }, (_, i) => client(i, http, org, tasks.filter((_, k) => k % CLIENTS === i), sent, stop));
    const kills: Array<{ upMs: number; head: number; restartMs: number }> = [];
    const started = performance.now();
    for (let k = 0; k < KILLS; k++) {
      const up = random(MIN_UP_MS, MAX_UP_MS);
      await sleep(up);
      await api.kill();
      const restart = performance.now();
      api = await ApiProcess.start({ ...base, port });
      const head = (await api.http.get('/health')).body.head as number;
      kills.push({ upMs: Math.round(up), head, restartMs: Math.round(performance.now() - restart) });
      process.stdout.write(`  kill ${k + 1}/${KILLS} after ${Math.round(up)} ms of load: log at ${head} after restart (${sent.length} commands sent, load ${load().load1})\n`);
    }
    await sleep(random(MIN_UP_MS, MAX_UP_MS));
    stop.now = true;
    stop.giveUpAt = performance.now() + SETTLE_S * 1000;
    await Promise.all(clients);
    const loadSeconds = (performance.now() - started) / 1000;
    report.detail('kills', kills);

    const acked = sent.filter((c) => c.ack);
    const refused = sent.filter((c) => c.refused);
    const unanswered = sent.filter((c) => !c.ack && !c.refused);
    const lostAnswers = sent.reduce((n, c) => n + c.lost, 0);
    report.figure('SIGKILLs', kills.length);
    report.figure('commands sent / acknowledged', `${sent.length} / ${acked.length}`);
    report.figure('attempts without an answer (API killed or restarting; retried with the same key)', lostAnswers);
    report.figure('commands committed before a kill, answered on retry as replays', acked.filter((c) => c.ack!.headers['idempotent-replayed'] === 'true').length);
    report.figure('acknowledged commands/s through the kills', acked.length / loadSeconds, 'cmd/s');
    report.figure('median restart until healthy', [...kills].sort((a, b) => a.restartMs - b.restartMs)[Math.floor(kills.length / 2)]?.restartMs ?? 0, 'ms');
    report.check(kills.length >= 20 || KILLS < 20, 'the API was killed at least 20 times');
    report.check(refused.length === 0, 'no command was refused (each was valid when sent)', refused.slice(0, 3).map((c) => ({ key: c.key, status: c.refused!.status, body: c.refused!.text.slice(0, 300) })));
    report.check(unanswered.length === 0, 'every command was answered once the API came back', unanswered.slice(0, 5).map((c) => c.key));

    // The read models of the API that lived through the last restart, then a fresh API's.
    const auditor = org.tokens.auditor;
    const lived = await readViews(http, auditor);
    await api.stop();
    api = await ApiProcess.start({ ...base, port });
    const fresh = await readViews(http, auditor);
    const diff = differences(lived, fresh);
    report.figure('read-model answers compared (running API vs fresh rebuild)', lived.size);
    report.check(diff.length === 0, 'the read models after the restarts equal a fresh rebuild', diff.slice(0, 10));
    await api.stop();
    api = undefined;

    // The log itself.
    const ledger = await openStore(storeConfigFromEnv(apiEnvironment(base)), new Set(STREAM_KINDS));
    const events: RecordedEvent[] = [];
    try {
      for (let from = 1; ; ) {
        const page = await ledger.readAll({ fromPosition: from, limit: 10_000 });
        if (page.length === 0) break;
        events.push(...page);
        from = page[page.length - 1].position + 1;
      }
    } finally {
      await ledger.close();
    }
    const byCommand = new Map<string, RecordedEvent[]>();
    for (const e of events) byCommand.set(e.metadata.commandId, [...(byCommand.get(e.metadata.commandId) ?? []), e]);
    const byId = new Map(events.map((e) => [e.id, e]));
    report.check(byId.size === events.length, 'no event id twice in the log');
    report.check(events.every((e, i) => e.position === i + 1), 'positions are gap-free from 1');

    const problems: string[] = [];
    const expected = new Set<string>();
    const expect = (commandId: string, count: number, streamId: string, what: string) => {
      expected.add(commandId);
      const found = byCommand.get(commandId) ?? [];
      if (found.length !== count) problems.push(`${what}: ${commandId} has ${found.length} event(s), expected ${count}`);
      if (found.some((e) => e.streamId !== streamId)) problems.push(`${what}: ${commandId} is on ${[...new Set(found.map((e) => e.streamId))].join(', ')}, expected ${streamId}`);
    };
    for (const c of acked) {
      const id = `${c.actorId}:${c.key}`;
      const body = c.ack!.body as { streamId: string; eventIds: string[]; position: number; tasks?: Array<{ streamId: string; eventIds: string[] }> };
      // The events it was told about are there, once, under its command id.
      const told = [...body.eventIds, ...(body.tasks ?? []).flatMap((t) => t.eventIds)];
      for (const eventId of told) {
        const e = byId.get(eventId);
        if (!e) problems.push(`${c.kind} ${c.key}: acknowledged event ${eventId} is missing`);
        else if (!e.metadata.commandId.startsWith(id)) problems.push(`${c.kind} ${c.key}: event ${eventId} belongs to ${e.metadata.commandId}`);
      }
      if (byId.get(body.eventIds.at(-1)!)?.position !== body.position) problems.push(`${c.kind} ${c.key}: acknowledged at position ${body.position}, found elsewhere`);
      switch (c.kind) {
        case 'progress':
        case 'reminder':
        case 'signoff':
          expect(id, 1, body.streamId, c.kind);
          break;
        case 'directive': {
          const d = c.body as { directiveId: string; tasks: Array<{ taskId: string }> };
          expect(id, 1, `directive-${d.directiveId}`, 'directive');
          const docno = byCommand.get(`${id}/docno`) ?? [];
          expected.add(`${id}/docno`);
          if (docno.length !== 1 || docno[0].type !== 'DocumentNumberReserved') problems.push(`directive ${c.key}: its document number reservation is missing or doubled (${docno.length})`);
          for (const t of d.tasks) expect(`${id}/task-${t.taskId}`, 2, `task-${t.taskId}`, 'directive task');
          break;
        }
      }
    }
    report.check(problems.length === 0, 'every acknowledged command is in the log exactly once, whole (no partial directive)', problems.slice(0, 10));

    // Nothing but the clients' commands after the seed: no lost command, no invented one.
    const afterSeed = [...byCommand.keys()].filter((id) => /:crash-c\d+-\d{6}/.test(id));
    const invented = afterSeed.filter((id) => !expected.has(id));
    report.check(invented.length === 0, 'the log holds no command the clients did not send (or did not see acknowledged)', invented.slice(0, 10));
    // The ledger's own writes (signed checkpoints, records of who read audit data) are not commands of anyone's.
    const own = (e: RecordedEvent) => e.streamId === 'checkpoint-ledger' || e.streamId.startsWith('audit-');
    const others = events.filter((e) => e.position > seededHead && !own(e) && !/:crash-c\d+-\d{6}/.test(e.metadata.commandId));
    report.check(others.length === 0, 'no other writer appended during the run', others.slice(0, 3).map((e) => `${e.position} ${e.type} ${e.metadata.commandId}`));
    report.figure('events in the log after the run', events.length);
    report.figure('directives (multi-stream commands) acknowledged', acked.filter((c) => c.kind === 'directive').length);
    report.figure('of which sent again after a lost answer (completed by the retry if a kill cut them short)', acked.filter((c) => c.kind === 'directive' && c.lost > 0).length);

    const verify = await runCli(['verify', '--json'], base);
    let verified: { ok?: boolean; eventsChecked?: number; problems?: unknown[] } = {};
    try {
      verified = JSON.parse(verify.stdout);
    } catch {
      // reported below
    }
    report.check(verify.code === 0 && verified.ok === true && verified.eventsChecked === events.length, '`ledger verify` passes on the log after the kills', (verified.problems ?? verify.stderr).toString().slice(0, 1000));
    report.figure('seconds of load with kills', round(loadSeconds, 1), 's');
  } finally {
    http.close();
    await api?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema).catch((e) => console.error(`dropping ${schema}: ${e}`));
  }
});
