import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { STREAM_KINDS } from '@ledger/domain';
import { SqliteEventStore, type AppendRequest, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { emptyReadModels, foldReadModels } from '@ledger/projections';
import { apiConfigFromEnv } from '../shared/api-config';
import { ReadModelsService } from './read-models.service';

let n = 0;
function request(streamId: string, type = 'ReminderIssued'): AppendRequest {
  n += 1;
  return {
    streamId,
    expectedVersion: 'any',
    events: [{ type, data: { n, note: 'why' } }, { type: 'ProgressReported', data: { percent: n % 100, z: 1, a: [n] } }],
    metadata: {
      actorId: 'admin',
      actorRole: 'administrator',
      actorUnit: 'root',
      commandId: `cmd-rm-${process.pid}-${n}`,
      correlationId: `corr-${n}`,
      causationId: null,
      occurredAt: '2018-10-10T02:00:00.000Z',
    },
  };
}

async function readEverything(store: LedgerStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    if (page.length === 0) return out;
    out.push(...page);
    from = page[page.length - 1].position + 1;
  }
}

/** The API's read models fold this process's own appends from the events the store hands over, without reading them. */
describe.each(['thread', 'in-process'] as const)('ReadModelsService on a SQLite file, writer %s', (writer) => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  let service: ReadModelsService | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rms-'));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await service?.onModuleDestroy();
    service = undefined;
    jest.restoreAllMocks();
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<SqliteEventStore> {
    const store = await SqliteEventStore.open({ path: join(dir, 'ledger.db'), policy: { streamKinds: new Set(STREAM_KINDS) }, writer });
    opened.push(store);
    return store;
  }

  it('folds its own appends without reading them back, reads what another process appended, and ends with the models a fold of the log gives', async () => {
    const store = await open();
    for (let i = 0; i < 3; i++) await store.append(request(`task-before-${i}`));
    const readAll = jest.spyOn(store, 'readAll');
    // A poll that never comes during the test: every read is one the subscription asked for.
    service = new ReadModelsService(store, apiConfigFromEnv({ LEDGER_READ_MODEL_POLL_MS: '600000' }));
    await service.onModuleInit();
    expect(service.current().position).toBe(6);
    const readsAfterStart = readAll.mock.calls.length;

    for (let i = 0; i < 10; i++) {
      const results = await Promise.all([store.append(request(`task-own-${i}`)), store.append(request(`task-own-${i}-b`))]);
      await service.waitFor(Math.max(...results.map((r) => r.lastPosition)));
    }
    expect(readAll.mock.calls.length).toBe(readsAfterStart);
    expect(service.current().position).toBe(46);

    // A replayed command wrote nothing: its position is already folded.
    const again = request('task-again');
    await store.append(again);
    const replay = await store.append(again);
    expect(replay.duplicate).toBe(true);
    await service.waitFor(replay.lastPosition);
    expect(readAll.mock.calls.length).toBe(readsAfterStart);

    // Another process appends, then this one: the gap is read, then this process's events folded.
    const other = await open();
    await other.append(request('task-other'));
    const mine = await store.append(request('task-own-after'));
    await service.waitFor(mine.lastPosition);
    expect(readAll.mock.calls.length).toBeGreaterThan(readsAfterStart);
    expect(service.current().position).toBe(mine.lastPosition);

    const log = await readEverything(store);
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: mine.lastPosition }, (_, i) => i + 1));
    expect(service.current()).toEqual(foldReadModels(emptyReadModels(), log));
  });

  // The writer thread answers by message, after its commit is visible to this thread's reads: the window a command's
  // head read falls into under steady load. (The in-process writer hands its events over in the turn it commits.)
  const onWriterThread = writer === 'thread' ? it : () => undefined;
  onWriterThread('catching up to the head when the head counts its own appends whose events are still on their way reads nothing, and ends at the head', async () => {
    const store = await open();
    service = new ReadModelsService(store, apiConfigFromEnv({ LEDGER_READ_MODEL_POLL_MS: '600000' }));
    await service.onModuleInit();
    const readAll = jest.spyOn(store, 'readAll');
    let raced = 0;
    for (let i = 0; i < 20; i++) {
      const before = service.current().position;
      const pending = Promise.all([store.append(request(`task-race-${i}`)), store.append(request(`task-race-${i}-b`))]);
      // Only microtasks run while this spins: the writer's answer (a message) cannot arrive, so once the head moves
      // the appends are committed and their events not yet handed over: the moment a command's head read can hit.
      const deadline = Date.now() + 10_000;
      let head = before;
      while (head <= before && Date.now() < deadline) head = await store.headPosition();
      if (head > service.current().position) raced++;
      await service.catchUpToHead();
      expect(service.current().position).toBeGreaterThanOrEqual(head);
      await pending;
    }
    expect(raced).toBe(20);
    expect(readAll).not.toHaveBeenCalled();
  });
});
