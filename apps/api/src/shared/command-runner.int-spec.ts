import { STREAM_KINDS } from '@ledger/domain';
import { SqliteEventStore, WrongExpectedVersionError, type JsonObject, type LedgerStore } from '@ledger/event-store';
import { emptyReadModels, foldReadModels, orgUnitsOf, type LedgerReadModels } from '@ledger/projections';
import type { ReadModelsService } from '../read-models/read-models.service';
import { onTask } from '../tasks/task-command';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CommandScope } from './command-runner';
import type { CommandContext } from './command-context';
import { IdGenerator } from './id-generator';

/**
 * A task command is decided on the state the read models hold when nothing needs the stream's own events — and the
 * outcome is always the one deciding on the stream gives: a decision is appended only at the version it was taken
 * at, a refusal is judged again on the stream, an Idempotency-Key or an If-Match naming another version reads it.
 */
describe('command runner: deciding on the read models\' state', () => {
  const at = '2018-09-03T09:00:00+08:00';
  const system = { id: 'admin', role: 'administrator', unit: 'city' } as const;
  const staff = (unit: string): AuthenticatedActor => ({ id: `s-${unit}`, role: 'unit_staff', unit }) as unknown as AuthenticatedActor;
  let store: LedgerStore;
  let reads: number;
  /** The read models as this process holds them: folded up to where the test says. */
  let models: LedgerReadModels;
  const readModels = {
    current: () => models,
    orgUnits: () => orgUnitsOf(models.organisation),
    waitFor: async () => undefined,
  } as unknown as ReadModelsService;

  const append = async (streamId: string, type: string, data: JsonObject, expectedVersion: number | 'no-stream' | 'any' = 'any') => {
    await store.append({ streamId, expectedVersion, events: [{ type, data: { at, by: system, ...data } }], metadata: { actorId: 'admin', actorRole: 'administrator', actorUnit: 'city', commandId: `seed-${streamId}-${type}-${Math.random()}`, correlationId: 'seed', causationId: null, occurredAt: '2018-09-03T01:00:00Z' } });
  };
  const catchUp = async () => {
    models = foldReadModels(emptyReadModels(), await store.readAll({ fromPosition: 1 }));
  };
  const ctx = (actor: AuthenticatedActor, headers: Partial<CommandContext> = {}): CommandContext => ({ actor, idempotencyKey: null, ifMatch: null, occurredAt: null, correlationId: null, ...headers });
  const scope = (context: CommandContext) => new CommandScope(store, readModels, new IdGenerator(), context, at, context.idempotencyKey === null ? `c-${Math.random()}` : `key:${context.idempotencyKey}`);
  const progress = (percent: number) =>
    onTask('t1', 'ReportProgress', (_state, envelope) => ({ type: 'ReportProgress', ...envelope, taskId: 't1', percent, narrative: `${percent} %`, evidence: [] }));
  const version = async () => (await store.readStream('task-t1')).at(-1)!.streamVersion;

  beforeEach(async () => {
    store = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(STREAM_KINDS), maxEventBytes: 262_144 } });
    const readStream = store.readStream.bind(store);
    reads = 0;
    store.readStream = (...args) => {
      reads++;
      return readStream(...args);
    };
    for (const [unitId, parentId, kind] of [['city', null, 'city'], ['u1', 'city', 'district'], ['u2', 'city', 'district']] as const) {
      await append(`unit-${unitId}`, 'UnitRegistered', { unitId, names: { en: unitId, vi: null, zh: null }, kind, parentId });
    }
    await append('directive-d1', 'DirectiveIssued', { directiveId: 'd1', issuer: { personId: 'p-m', name: 'Mayor', postTitle: 'Mayor', unitId: 'city' }, documentNumber: 'N-1', kind: 'directive', issuedOn: '2018-09-01', meeting: null, title: 'T', body: 'B', taskIds: ['t1'] });
    await append('task-t1', 'TaskRegistered', { taskId: 't1', directiveId: 'd1', directiveIssuedOn: '2018-09-01', title: 'T' });
    const responsible = { unitId: 'u1', personId: 'p-h', name: 'Head', postTitle: 'Head' };
    await append('task-t1', 'TaskAssigned', { taskId: 't1', leadUnitId: 'u1', coUnitIds: [], responsible, work: 'w', expectedResult: 'r', deadline: '2018-12-31' });
    await append('task-t1', 'TaskAcknowledged', { taskId: 't1' });
    await catchUp();
    reads = 0;
  });

  afterEach(async () => {
    await store.close();
  });

  it('decides on the held state without reading the stream, and appends at its version', async () => {
    const accepted = await scope(ctx(staff('u1'))).run(progress(20));
    expect([accepted.version, reads]).toEqual([4, 0]);
    expect((await store.readStream('task-t1')).at(-1)!.data).toMatchObject({ percent: 20 });
  });

  describe('when the store is further on than the read models', () => {
    it('decides again on the stream: a higher report is appended after the other one', async () => {
      await append('task-t1', 'ProgressReported', { taskId: 't1', percent: 10, narrative: 'n', evidence: [] }, 3);
      const accepted = await scope(ctx(staff('u1'))).run(progress(20));
      expect(accepted.version).toBe(5);
      expect(reads).toBe(1);
    });

    it('refuses what the stream refuses though the held state would allow it (a lower report)', async () => {
      await append('task-t1', 'ProgressReported', { taskId: 't1', percent: 50, narrative: 'n', evidence: [] }, 3);
      await expect(scope(ctx(staff('u1'))).run(progress(30))).rejects.toMatchObject({ code: 'TASK.PROGRESS_DECREASED' });
      expect(await version()).toBe(4);
    });

    it('accepts what the stream allows though the held state refuses it (a task transferred to the caller\'s unit)', async () => {
      const responsible = { unitId: 'u2', personId: 'p-h2', name: 'Head 2', postTitle: 'Head' };
      await append('task-t1', 'TaskTransferred', { taskId: 't1', fromUnitId: 'u1', toUnitId: 'u2', responsible, reason: 'r' }, 3);
      const accepted = await scope(ctx(staff('u2'))).run(progress(20));
      expect(accepted.version).toBe(5);
      await expect(scope(ctx(staff('u1'))).run(progress(30))).rejects.toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    });

    it('with If-Match naming the store\'s version, decides on the stream; naming the held one, answers as the stream does', async () => {
      await append('task-t1', 'ProgressReported', { taskId: 't1', percent: 10, narrative: 'n', evidence: [] }, 3);
      expect((await scope(ctx(staff('u1'), { ifMatch: 4 })).run(progress(20))).version).toBe(5);
      await expect(scope(ctx(staff('u1'), { ifMatch: 3 })).run(progress(30))).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await version()).toBe(5);
    });
  });

  it('reads the stream for a request with an Idempotency-Key, so a retry gets the first result and appends nothing', async () => {
    const first = await scope(ctx(staff('u1'), { idempotencyKey: 'k1' })).run(progress(20));
    await catchUp();
    const retry = await scope(ctx(staff('u1'), { idempotencyKey: 'k1' })).run(progress(20));
    expect([first.version, retry.version, await version(), reads]).toEqual([4, 4, 4, 3]);
  });

  it('refuses on the held state only what the stream refuses too (a report on an unknown task is 404)', async () => {
    const unknown = onTask('t9', 'ReportProgress', (_state, envelope) => ({ type: 'ReportProgress', ...envelope, taskId: 't9', percent: 1, narrative: 'n', evidence: [] }));
    await expect(scope(ctx(staff('u1'))).run(unknown)).rejects.toMatchObject({ code: 'TASK.NOT_FOUND' });
    expect(reads).toBe(1);
  });
});
