/**
 * What a running Node process really holds: a full garbage collection in each of its threads through its inspector
 * (the Chrome DevTools protocol's `HeapProfiler.collectGarbage`, sent to worker threads through `NodeWorker`), then
 * `process.memoryUsage()` read inside each. RSS alone cannot tell a leak from garbage V8 has not collected yet: V8
 * lets the old generation grow to a multiple of what survived its last full collection before it collects again, so
 * a process holding 400 MB may sit at 1.4 GB of RSS for a while.
 *
 * The process must run with `--inspect=127.0.0.1:0` (ApiStartOptions.inspect); the inspector prints the WebSocket
 * address it listens on to stderr, which `inspectorUrl` finds. Only for measuring: no production start enables it.
 */

export interface ThreadMemory {
  /** `main`, or the worker's inspector title: `[worker <id>] <name>` (`WorkerThread` when it was given no name). */
  readonly thread: string;
  /** Bytes held by the thread's V8 heap after the collection: its live objects. */
  readonly heapUsed: number;
  readonly heapTotal: number;
}

export interface LiveMemory {
  /** Live heap of every thread together. */
  readonly heapUsed: number;
  readonly threads: readonly ThreadMemory[];
  /** The process's RSS right after the collections. */
  readonly rss: number;
  /** How long the collections took, as seen from here (ms); the threads were paused meanwhile. */
  readonly collectionMs: number;
}

/** The inspector's WebSocket address in a process's output (`Debugger listening on ws://…`), if it printed one. */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1];
}

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Record<string, any>;
  readonly result?: { result?: { value?: unknown } };
  readonly error?: { message: string };
}

type Waiter = { resolve: (m: Message) => void; reject: (e: Error) => void };

/** One inspector connection: calls on the main thread, or on a worker through its NodeWorker session. */
class Inspector {
  private nextId = 0;
  private readonly pending = new Map<string, Waiter>();
  readonly workers = new Map<string, string>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => this.receive(JSON.parse(String(event.data)) as Message, ''));
    socket.addEventListener('close', () => this.failAll(new Error('inspector: the connection closed')));
  }

  static async open(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolveOpen, reject) => {
      socket.addEventListener('open', () => resolveOpen(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector: cannot connect to ${url}`)), { once: true });
    });
    return new Inspector(socket);
  }

  private receive(message: Message, session: string): void {
    if (message.method === 'NodeWorker.attachedToWorker') {
      this.workers.set(message.params!.sessionId, message.params!.workerInfo?.title ?? message.params!.workerInfo?.url ?? 'worker');
      return;
    }
    if (message.method === 'NodeWorker.receivedMessageFromWorker') {
      this.receive(JSON.parse(message.params!.message) as Message, message.params!.sessionId);
      return;
    }
    if (message.id === undefined) return;
    const key = `${session}#${message.id}`;
    const waiter = this.pending.get(key);
    this.pending.delete(key);
    if (message.error) waiter?.reject(new Error(`inspector: ${message.error.message}`));
    else waiter?.resolve(message);
  }

  failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  /** A protocol call on the main thread (`session` empty) or on the worker of that NodeWorker session. */
  call(method: string, params: object = {}, session = ''): Promise<Message> {
    const id = ++this.nextId;
    return new Promise<Message>((resolveCall, reject) => {
      this.pending.set(`${session}#${id}`, { resolve: resolveCall, reject });
      const message = JSON.stringify({ id, method, params });
      this.socket.send(session === '' ? message : JSON.stringify({ id: ++this.nextId, method: 'NodeWorker.sendMessageToWorker', params: { sessionId: session, message } }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

const USAGE = 'JSON.stringify(process.memoryUsage())';

async function measureThread(inspector: Inspector, thread: string, session = ''): Promise<ThreadMemory & { rss: number }> {
  // Twice: what only finalizers or weak references kept goes in the second.
  await inspector.call('HeapProfiler.collectGarbage', {}, session);
  await inspector.call('HeapProfiler.collectGarbage', {}, session);
  const reply = await inspector.call('Runtime.evaluate', { expression: USAGE, returnByValue: true }, session);
  const value = reply.result?.result?.value;
  if (typeof value !== 'string') throw new Error(`inspector: process.memoryUsage() in ${thread} answered ${JSON.stringify(reply.result)}`);
  const usage = JSON.parse(value) as { heapUsed: number; heapTotal: number; rss: number };
  return { thread, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, rss: usage.rss };
}

/**
 * Collects garbage in every thread of the process behind `url` (workers first, then the main thread) and returns
 * what each still holds. Rejects on a protocol error or after `timeoutMs`.
 */
export async function collectAndMeasure(url: string, timeoutMs = 120_000): Promise<LiveMemory> {
  const inspector = await Inspector.open(url);
  const timer = setTimeout(() => {
    inspector.failAll(new Error(`inspector: no answer within ${timeoutMs} ms`));
    inspector.close();
  }, timeoutMs);
  try {
    const started = performance.now();
    // Enabling reports every running worker (attachedToWorker).
    await inspector.call('NodeWorker.enable', { waitForDebuggerOnStart: false });
    await new Promise((r) => setTimeout(r, 100));
    const threads: ThreadMemory[] = [];
    for (const [session, title] of inspector.workers) {
      const { rss: _rss, ...thread } = await measureThread(inspector, title, session);
      threads.push(thread);
    }
    const main = await measureThread(inspector, 'main');
    const collectionMs = performance.now() - started;
    await inspector.call('NodeWorker.disable');
    threads.unshift({ thread: main.thread, heapUsed: main.heapUsed, heapTotal: main.heapTotal });
    return { heapUsed: threads.reduce((sum, t) => sum + t.heapUsed, 0), threads, rss: main.rss, collectionMs };
  } finally {
    clearTimeout(timer);
    inspector.close();
  }
}
