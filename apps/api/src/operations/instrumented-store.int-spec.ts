import { SqliteEventStore, type AppendRequest, type LedgerStore } from '@ledger/event-store';
import { InstrumentedLedgerStore } from './instrumented-store';
import { LedgerMetrics } from './ledger-metrics';

function append(i: number, events = 1): AppendRequest {
  return {
    streamId: `task-${i}`,
    expectedVersion: 'no-stream',
    events: Array.from({ length: events }, (_, k) => ({ type: 'TaskRegistered', data: { i, k } })),
    metadata: { actorId: 'a', actorRole: 'administrator', actorUnit: 'root', commandId: `c-${i}`, correlationId: `c-${i}`, causationId: null, occurredAt: '2018-01-01T00:00:00Z' },
  };
}

/** A store whose appends settle when the test says so. */
function slowStore(inner: LedgerStore): LedgerStore & { release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return Object.assign(Object.create(inner) as LedgerStore, {
    kind: inner.kind,
    append: async (request: AppendRequest) => {
      await gate;
      return inner.append(request);
    },
    close: () => inner.close(),
    release: () => release(),
  });
}

describe('InstrumentedLedgerStore', () => {
  it('counts appends by result, events and latency, and passes everything else through', async () => {
    const metrics = new LedgerMetrics();
    const store = new InstrumentedLedgerStore(await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(['task']) } }), metrics);
    await store.append(append(1, 3));
    await store.append(append(1, 3));
    await expect(store.append({ ...append(2), expectedVersion: 5 })).rejects.toMatchObject({ code: 'STORE.WRONG_EXPECTED_VERSION' });
    expect(await store.headPosition()).toBe(3);
    expect((await store.verify()).ok).toBe(true);
    const text = (await metrics.exposition()).body;
    expect(text).toMatch(/^ledger_appends_total\{result="ok"\} 1$/m);
    expect(text).toMatch(/^ledger_appends_total\{result="duplicate"\} 1$/m);
    expect(text).toMatch(/^ledger_appends_total\{result="error"\} 1$/m);
    expect(text).toMatch(/^ledger_events_appended_total 3$/m);
    expect(text).toMatch(/^ledger_append_duration_seconds_count\{result="ok"\} 1$/m);
    await store.close();
  });

  describe('when closed with appends in flight', () => {
    it('waits for them to commit before closing the adapter, and refuses appends that come later', async () => {
      const inner = await SqliteEventStore.open({ path: ':memory:', policy: { streamKinds: new Set(['task']) } });
      const slow = slowStore(inner);
      const store = new InstrumentedLedgerStore(slow, new LedgerMetrics());
      const pending = [store.append(append(1)), store.append(append(2))];
      expect(store.appendsInFlight).toBe(2);
      let closed = false;
      const closing = store.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(closed).toBe(false);
      await expect(store.append(append(3))).rejects.toMatchObject({ code: 'STORE.CLOSING' });
      // Read the log before the adapter closes: both in-flight appends land.
      slow.release();
      const results = await Promise.all(pending);
      expect(results.map((r) => r.lastPosition).sort()).toEqual([1, 2]);
      await closing;
      expect(closed).toBe(true);
    });
  });
});
