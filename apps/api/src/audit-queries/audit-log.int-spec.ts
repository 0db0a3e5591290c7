import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { STREAM_KINDS } from '@ledger/domain';
import { openStore, storeConfigFromEnv, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { actorEvents, auditLogOf, auditLogOver, recordTimeline } from '@ledger/projections';
import { DATABASE_URL, describeIfPostgres, dropLedgerSchemas } from '@ledger/read-store/testing/postgres-available';

/**
 * The audit queries read the log through the store's indexes (`auditLogOf`): a stream by id, an actor's events by the
 * record's `metadata.actorId`, every read bounded at one position. On each real store they must answer exactly as
 * the same log held in memory does (`auditLogOver`, whose semantics the projections' spec pins down).
 */
const ACTORS = ['p-mayor', 'p-vice', 'p-clerk'];
const STREAMS = ['task-t1', 'task-t2', 'directive-d1', 'letter-l1'];

async function seed(store: LedgerStore): Promise<RecordedEvent[]> {
  // Appends of one to three events, by three actors over four streams, a late entry now and then.
  for (let i = 0; i < 120; i++) {
    const actor = ACTORS[(i * 7) % 3];
    const streamId = STREAMS[(i * 5) % 4];
    const commandId = randomUUID();
    const count = 1 + (i % 3);
    await store.append({
      streamId,
      expectedVersion: 'any',
      events: Array.from({ length: count }, (_, k) => ({ type: 'ReminderIssued', data: { n: i, k, note: `reminder ${i}.${k}` } })),
      metadata: { actorId: actor, actorRole: 'leader', actorUnit: 'city', commandId, correlationId: commandId, causationId: null, occurredAt: new Date(Date.UTC(2018, 8, 1 + (i % 20))).toISOString() },
    });
  }
  const all: RecordedEvent[] = [];
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    from = page[page.length - 1].position + 1;
  }
}

function auditLogContract(name: string, open: () => Promise<{ store: LedgerStore; cleanup: () => Promise<void> }>): void {
  describe(name, () => {
    let store: LedgerStore;
    let cleanup: () => Promise<void>;
    let log: RecordedEvent[];

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      log = await seed(store);
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('pages an actor\'s events as the log in memory does, at any bound, page size and filter', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ACTORS, 'p-nobody'),
          fc.integer({ min: 0, max: 400 }),
          fc.integer({ min: 1, max: 60 }),
          fc.constantFrom(...STREAMS, 'none'),
          fc.nat(),
          async (actorId, after, limit, hidden, cut) => {
            const upTo = log.length === 0 ? 0 : log[cut % log.length].position;
            const include = (event: RecordedEvent) => event.streamId !== hidden;
            const fromStore = await actorEvents(auditLogOf(store, upTo), actorId, { after, limit, include });
            const inMemory = await actorEvents(auditLogOver(log, upTo), actorId, { after, limit, include });
            expect(fromStore.nextCursor).toBe(inMemory.nextCursor);
            expect(fromStore.items).toEqual(inMemory.items);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('reads a stream up to the bound only: what was appended after it is not there', async () => {
      for (const streamId of STREAMS) {
        const events = log.filter((e) => e.streamId === streamId);
        const middle = events[Math.floor(events.length / 2)].position;
        const bounded = await auditLogOf(store, middle).stream(streamId);
        expect(bounded).toEqual(events.filter((e) => e.position <= middle));
        expect(await auditLogOf(store, log.at(-1)!.position).stream(streamId)).toEqual(events);
      }
      expect(await auditLogOf(store, log.at(-1)!.position).stream('task-nothing')).toEqual([]);
    });

    it('gives the same timeline as the log in memory, late entries and actors included', async () => {
      const upTo = log[Math.floor(log.length * 0.7)].position;
      for (const streamId of STREAMS) {
        expect(await recordTimeline(auditLogOf(store, upTo), streamId, { lateAfterSeconds: 3600 })).toEqual(
          await recordTimeline(auditLogOver(log, upTo), streamId, { lateAfterSeconds: 3600 }),
        );
      }
    });
  });
}

auditLogContract('AuditLog over SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ledger-audit-log-'));
  const store = await openStore(storeConfigFromEnv({ LEDGER_STORE: 'sqlite', LEDGER_DATA_DIR: dir, LEDGER_SQLITE_SYNCHRONOUS: 'NORMAL' }), new Set(STREAM_KINDS));
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describeIfPostgres('AuditLog over PostgreSQL', () => {
  auditLogContract('(real server)', async () => {
    const schema = `audit_log_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const store = await openStore(storeConfigFromEnv({ LEDGER_STORE: 'postgres', DATABASE_URL, LEDGER_PG_SCHEMA: schema }), new Set(STREAM_KINDS));
    return { store, cleanup: () => dropLedgerSchemas(schema) };
  });
});
