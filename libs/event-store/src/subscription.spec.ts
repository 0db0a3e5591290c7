import fc from 'fast-check';
import type { RecordedEvent } from './port';
import { MAX_PUSHED_EVENTS, PollingSubscription, SIGNAL_GRACE_MS, type SubscriptionSource } from './subscription';

function event(position: number): RecordedEvent {
  return {
    data: { n: position },
    id: `e-${position}`,
    metadata: {
      actorId: 'a',
      actorRole: 'r',
      actorUnit: 'u',
      causationId: null,
      commandId: `c-${position}`,
      correlationId: 'k',
      occurredAt: '2018-10-10T02:00:00.000Z',
      recordedAt: '2018-10-10T02:00:00.000Z',
    },
    position,
    schemaVersion: 1,
    streamId: 'task-1',
    streamVersion: position,
    type: 'X',
  };
}

/** A log in memory: `commit` appends, and hands the events over (as the store does for its own appends) or not. */
class FakeLog implements SubscriptionSource {
  readonly log: RecordedEvent[] = [];
  reads: number[] = [];
  private listener: ((events: readonly RecordedEvent[]) => void) | undefined;

  async readAll({ fromPosition, limit }: { fromPosition: number; limit: number }): Promise<RecordedEvent[]> {
    this.reads.push(fromPosition);
    return this.log.slice(fromPosition - 1, fromPosition - 1 + limit);
  }

  async loadCheckpoint(): Promise<number> {
    return 0;
  }

  async saveCheckpoint(): Promise<void> {}

  private signal: ((head?: number) => void) | undefined;

  onAppended(listener: (head?: number) => void): () => void {
    this.signal = listener;
    return () => {
      this.signal = undefined;
    };
  }

  /** What the store's NOTIFY listener does: the log has grown, to `head` if the announcement says. */
  announce(head?: number): void {
    this.signal?.(head);
  }

  onCommitted(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }

  /** Appends n events; returns them. */
  append(n: number): RecordedEvent[] {
    const events = Array.from({ length: n }, () => event(this.log.length + 1)).map((e, i) => ({ ...e, position: this.log.length + 1 + i, id: `e-${this.log.length + 1 + i}` }));
    this.log.push(...events);
    return events;
  }

  push(events: readonly RecordedEvent[]): void {
    this.listener?.(events);
  }
}

async function follow(source: FakeLog, batchSize = 100) {
  const folded: RecordedEvent[] = [];
  const sub = await PollingSubscription.start(source, {
    name: 'test',
    batchSize,
    pollIntervalMs: 60_000,
    handler: (events) => void folded.push(...events),
  });
  return { sub, folded };
}

const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.position);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a subscription handed its own appends', () => {
  it('folds them without reading them back when they are the next positions', async () => {
    const source = new FakeLog();
    const { sub, folded } = await follow(source);
    await sub.waitFor(0);
    await new Promise((r) => setImmediate(r));
    const readsAtStart = source.reads.length;
    for (let i = 0; i < 20; i++) {
      const events = source.append(1 + (i % 3));
      source.push(events);
      await sub.waitFor(events[events.length - 1].position);
    }
    expect(source.reads.length).toBe(readsAtStart);
    expect(positions(folded)).toEqual(range(1, source.log.length));
    // The handed events themselves, not copies.
    expect(folded[3]).toBe(source.log[3]);
    await sub.stop();
  });

  it('reads nothing for a waiter on events it is handling at that moment', async () => {
    const source = new FakeLog();
    const folded: number[] = [];
    let handling: (() => void) | undefined;
    const sub = await PollingSubscription.start(source, {
      name: 'test',
      batchSize: 100,
      pollIntervalMs: 60_000,
      handler: async (events) => {
        handling?.();
        await new Promise((r) => setImmediate(r));
        folded.push(...positions(events));
      },
    });
    await new Promise((r) => setTimeout(r, 5));
    const readsBefore = source.reads.length;
    for (let i = 0; i < 5; i++) {
      const taken = new Promise<void>((r) => (handling = r));
      source.push(source.append(1));
      // The loop has taken the event from the buffer and is folding it when the command waits for it.
      await taken;
      await sub.waitFor(source.log.length);
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(source.reads.length).toBe(readsBefore);
    expect(folded).toEqual(range(1, 5));
    await sub.stop();
  });

  it('reads the events from before it started, then folds what it is handed after them', async () => {
    const source = new FakeLog();
    source.append(250);
    const { sub, folded } = await follow(source);
    // Handed over during the catch-up: held until the read reaches them.
    const own = source.append(2);
    source.push(own);
    await sub.waitFor(252);
    expect(positions(folded)).toEqual(range(1, 252));
    expect(folded[250]).toBe(own[0]);
    await sub.stop();
  });

  it('reads a gap (another process appended in between) before the events handed after it, never folding one twice', async () => {
    const source = new FakeLog();
    const { sub, folded } = await follow(source);
    source.push(source.append(2));
    await sub.waitFor(2);
    source.append(3); // another process: not handed over
    const mine = source.append(2);
    source.push(mine);
    await sub.waitFor(7);
    expect(positions(folded)).toEqual(range(1, 7));
    expect(source.reads).toContain(3);
    // Handed over again after they were read (as a late or repeated hand-over would be): dropped.
    source.push(mine);
    source.push(source.log.slice(0, 7));
    const next = source.append(1);
    source.push(next);
    await sub.waitFor(8);
    await new Promise((r) => setImmediate(r));
    expect(positions(folded)).toEqual(range(1, 8));
    await sub.stop();
  });

  it('does not spin on a gap its read cannot close, and closes it at the next poll', async () => {
    const source = new FakeLog();
    const folded: number[] = [];
    const sub = await PollingSubscription.start(source, { name: 'test', batchSize: 100, pollIntervalMs: 40, handler: (events) => void folded.push(...positions(events)) });
    await new Promise((r) => setTimeout(r, 5));
    const readsBefore = source.reads.length;
    // Handed over before the events in front of it can be read (what the store never does).
    source.push([{ ...event(3) }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(source.reads.length - readsBefore).toBeLessThanOrEqual(5);
    source.append(3);
    await sub.waitFor(3, 1_000);
    expect(folded).toEqual([1, 2, 3]);
    await sub.stop();
  });

  it('takes events handed over out of order in position order', async () => {
    const source = new FakeLog();
    const { sub, folded } = await follow(source);
    await new Promise((r) => setImmediate(r));
    const events = source.append(6);
    source.push(events.slice(3));
    source.push(events.slice(0, 3));
    source.push(events.slice(2, 4));
    await sub.waitFor(6);
    await new Promise((r) => setImmediate(r));
    expect(positions(folded)).toEqual(range(1, 6));
    await sub.stop();
  });

  it('drops what it holds and reads instead when too much waits behind a gap', async () => {
    const source = new FakeLog();
    source.append(1); // never handed over: a gap at 1
    let folding = 0;
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const folded: number[] = [];
    const sub = await PollingSubscription.start(source, {
      name: 'test',
      batchSize: 1000,
      pollIntervalMs: 60_000,
      handler: async (events) => {
        // Hold the first fold so the hand-overs pile up behind it.
        if (folding++ === 0) await blocked;
        folded.push(...positions(events));
      },
    });
    for (let i = 0; i < 3; i++) source.push(source.append(MAX_PUSHED_EVENTS / 2));
    release();
    await sub.waitFor(source.log.length, 5_000);
    expect(folded).toEqual(range(1, source.log.length));
    await sub.stop();
  });

  it('still polls for other processes while it is handed events all the time', async () => {
    const source = new FakeLog();
    const folded: number[] = [];
    const sub = await PollingSubscription.start(source, { name: 'test', batchSize: 100, pollIntervalMs: 30, handler: (events) => void folded.push(...positions(events)) });
    await new Promise((r) => setTimeout(r, 5));
    const readsBefore = source.reads.length;
    const until = performance.now() + 250;
    while (performance.now() < until) {
      source.push(source.append(1));
      await new Promise((r) => setTimeout(r, 3));
    }
    // No gap ever needed a read: these are the poll's.
    expect(source.reads.length - readsBefore).toBeGreaterThanOrEqual(3);
    await sub.waitFor(source.log.length);
    expect(folded).toEqual(range(1, source.log.length));
    await sub.stop();
  });

  it('folds every position exactly once, in order, whatever is handed over and whatever is not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 4 }), handed: fc.boolean(), wait: fc.boolean(), again: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        async (steps, before, batchSize) => {
          const source = new FakeLog();
          source.append(before);
          const { sub, folded } = await follow(source, batchSize);
          for (const step of steps) {
            const events = source.append(step.n);
            if (step.handed) source.push(events);
            if (step.again) source.push(source.log.slice(Math.max(0, source.log.length - 5)));
            if (step.wait) await sub.waitFor(source.log.length, 2_000);
          }
          await sub.waitFor(source.log.length, 2_000);
          await new Promise((r) => setImmediate(r));
          await sub.stop();
          expect(positions(folded)).toEqual(range(1, source.log.length));
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * A log whose own appends are answered a moment after they are committed, as the SQLite writer thread's are: visible
 * to reads and to the head before they are handed over. `appendsSettled` answers every append committed so far.
 */
class WriterLog extends FakeLog {
  /** Own appends committed and not yet handed over. */
  private unanswered: RecordedEvent[][] = [];
  /** Positions a read returned. */
  readonly readPositions: number[] = [];
  /** Positions appended by this process (handed over sooner or later). */
  readonly own = new Set<number>();

  override async readAll(options: { fromPosition: number; limit: number }): Promise<RecordedEvent[]> {
    const events = await super.readAll(options);
    this.readPositions.push(...positions(events));
    return events;
  }

  /** Head reads. */
  heads = 0;

  async headPosition(): Promise<number> {
    this.heads++;
    return this.log.length;
  }

  appendsSettled(): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.answer();
        resolve();
      }),
    );
  }

  /** Commits n events of this process, handed over by `answer` (or a settle). */
  commitOwn(n: number): void {
    const events = this.append(n);
    for (const e of events) this.own.add(e.position);
    this.unanswered.push(events);
  }

  /** Hands over every own append committed so far, in commit order. */
  answer(): void {
    const batches = this.unanswered;
    this.unanswered = [];
    for (const events of batches) this.push(events);
  }
}

describe('a subscription told the head the log has grown to (PostgreSQL NOTIFY)', () => {
  const pastGrace = () => new Promise((r) => setTimeout(r, SIGNAL_GRACE_MS * 3));

  const running: PollingSubscription[] = [];
  afterEach(async () => {
    for (const sub of running.splice(0)) await sub.stop();
  });

  async function started() {
    const source = new FakeLog();
    const followed = await follow(source);
    running.push(followed.sub);
    await followed.sub.waitFor(0);
    await new Promise((r) => setImmediate(r));
    return { source, ...followed, readsAtStart: source.reads.length };
  }

  it('given its own append was handed over, when it is announced back, then nothing is read', async () => {
    const { source, sub, folded, readsAtStart } = await started();
    for (let i = 0; i < 5; i++) {
      const mine = source.append(2);
      source.push(mine);
      await sub.waitFor(mine[1].position);
      source.announce(mine[1].position);
    }
    // One not folded yet, only handed over: announced while it waits in the buffer.
    const last = source.append(1);
    source.push(last);
    source.announce(last[0].position);
    await sub.waitFor(last[0].position);
    await pastGrace();
    expect(source.reads.length).toBe(readsAtStart);
    expect(positions(folded)).toEqual(range(1, 11));
    await sub.stop();
  });

  it('given the announcement comes before its own append is handed over, when it is handed over within the grace, then nothing is read', async () => {
    const { source, sub, folded, readsAtStart } = await started();
    const mine = source.append(3);
    source.announce(3);
    await new Promise((r) => setTimeout(r, SIGNAL_GRACE_MS / 4));
    source.push(mine);
    await sub.waitFor(3);
    await pastGrace();
    expect(source.reads.length).toBe(readsAtStart);
    expect(positions(folded)).toEqual([1, 2, 3]);
    await sub.stop();
  });

  it('given another process appended, when it is announced, then it is read once the grace has passed', async () => {
    const { source, sub, folded, readsAtStart } = await started();
    source.append(2); // another process: never handed over
    const announced = performance.now();
    source.announce(2);
    // Watched, not waited for: a waiter asks for a read itself.
    while (folded.length < 2 && performance.now() - announced < 1_000) await new Promise((r) => setTimeout(r, 1));
    expect(performance.now() - announced).toBeGreaterThanOrEqual(SIGNAL_GRACE_MS - 2);
    expect(source.reads[readsAtStart]).toBe(1);
    expect(positions(folded)).toEqual([1, 2]);
    await sub.stop();
  });

  it('given another process appended just before its own append, when both are announced, then only the gap is read', async () => {
    const { source, sub, folded, readsAtStart } = await started();
    source.append(1); // another process, position 1
    const mine = source.append(2);
    source.announce(1);
    source.push(mine);
    source.announce(3);
    await sub.waitFor(3, 1_000);
    await pastGrace();
    // The gap (position 1) is read; its own (2 and 3) never are (a read after events were found looks past them).
    const reads = source.reads.slice(readsAtStart);
    expect(reads[0]).toBe(1);
    expect(reads).not.toContain(2);
    expect(reads).not.toContain(3);
    expect(positions(folded)).toEqual([1, 2, 3]);
    await sub.stop();
  });

  it('given a signal that names no head (a listener that reconnected and may have missed some), then it reads at once', async () => {
    const { source, sub, folded, readsAtStart } = await started();
    source.append(2);
    source.announce();
    await sub.waitFor(2, SIGNAL_GRACE_MS / 2);
    expect(source.reads.length).toBeGreaterThan(readsAtStart);
    expect(positions(folded)).toEqual([1, 2]);
    await sub.stop();
  });

  it('given it was stopped, when a head is announced, then it neither reads nor keeps a timer', async () => {
    const { source, sub, readsAtStart } = await started();
    await sub.stop();
    source.append(1);
    sub['signal'](1);
    await pastGrace();
    expect(source.reads.length).toBe(readsAtStart);
  });
});

describe('a subscription that can read the head and wait for its own appends to be handed over', () => {
  it('does not read back its own appends that are committed and on their way when it polls', async () => {
    const source = new WriterLog();
    const folded: number[] = [];
    const sub = await PollingSubscription.start(source, { name: 'test', batchSize: 100, pollIntervalMs: 5, handler: (events) => void folded.push(...positions(events)) });
    const until = performance.now() + 150;
    while (performance.now() < until) {
      source.commitOwn(1 + (folded.length % 3));
      await new Promise((r) => setTimeout(r, 2));
      if (Math.random() < 0.5) source.answer();
    }
    source.answer();
    await sub.waitFor(source.log.length, 2_000);
    await sub.stop();
    expect(folded).toEqual(range(1, source.log.length));
    expect(source.readPositions).toEqual([]);
    // It did poll all along: each poll read the head, found everything up to it handed over, and read nothing.
    expect(source.heads).toBeGreaterThanOrEqual(5);
  });

  it('reads exactly what another process appended between its own appends', async () => {
    const source = new WriterLog();
    const { sub, folded } = await follow(source);
    await sub.waitFor(0);
    source.commitOwn(2);
    source.append(1); // another process's: never handed over
    source.commitOwn(2);
    await sub.waitFor(source.log.length, 2_000);
    expect(positions(folded)).toEqual(range(1, 5));
    expect(source.readPositions).toEqual([3]);
    await sub.stop();
  });

  it('takes a waiter\'s position as the head of the read it asks for: a caller that read the head costs no second head read', async () => {
    const source = new WriterLog();
    const { sub, folded } = await follow(source);
    await sub.waitFor(0);
    source.append(3); // another process's
    const heads = source.heads;
    const head = await source.headPosition(); // the caller's own read (a command catching up)
    await sub.waitFor(head, 2_000);
    expect(positions(folded)).toEqual(range(1, 3));
    expect(source.readPositions).toEqual([1, 2, 3]);
    expect(source.heads - heads).toBe(1);
    await sub.stop();
  });

  it('folds every position exactly once, in order, and reads only what was not its own', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 4 }), own: fc.boolean(), answer: fc.boolean(), wait: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        async (steps, before, batchSize) => {
          const source = new WriterLog();
          source.append(before);
          const { sub, folded } = await follow(source, batchSize);
          for (const step of steps) {
            if (step.own) source.commitOwn(step.n);
            else source.append(step.n);
            if (step.answer) source.answer();
            if (step.wait) await sub.waitFor(source.log.length, 2_000);
          }
          await sub.waitFor(source.log.length, 2_000);
          await new Promise((r) => setImmediate(r));
          await sub.stop();
          expect(positions(folded)).toEqual(range(1, source.log.length));
          expect(source.readPositions.filter((p) => source.own.has(p))).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
