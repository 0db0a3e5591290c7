import { spawn, type ChildProcess } from 'node:child_process';
import { collectAndMeasure, inspectorUrl } from './live-memory';

/**
 * A real Node process with its inspector on a free loopback port and one worker thread. The main thread keeps
 * `KEEP_MB` of double arrays (8 bytes an element, on V8's heap) alive and drops as much again as garbage; the worker keeps `WORKER_KEEP_MB`.
 */
const KEEP_MB = 40;
const WORKER_KEEP_MB = 24;
const CHILD = `
const { Worker } = require('node:worker_threads');
const mb = (n) => Array.from({ length: n }, () => Array.from({ length: 131072 }, (_, i) => i + 0.5));
globalThis.kept = mb(${KEEP_MB});
let garbage = mb(${KEEP_MB});
garbage = undefined;
const worker = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  globalThis.kept = Array.from({ length: ${WORKER_KEEP_MB} }, () => Array.from({ length: 131072 }, (_, i) => i + 0.5));
  parentPort.postMessage('ready');
  setInterval(() => {}, 1000);
\`, { eval: true });
worker.on('message', () => console.log('ready'));
setInterval(() => {}, 1000);
`;

describe('live memory through the inspector', () => {
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!(output.includes('ready') && inspectorUrl(output)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('finds the inspector address the process printed', () => {
    expect(inspectorUrl(output)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+$/);
    expect(inspectorUrl('Debugger listening on ws://0.0.0.0:9229/abc')).toBeUndefined();
    expect(inspectorUrl('no inspector here')).toBeUndefined();
  });

  it('collects garbage in the main thread and in each worker, and reads what each still holds', async () => {
    const live = await collectAndMeasure(inspectorUrl(output)!);

    expect(live.threads.map((t) => t.thread)).toEqual(['main', expect.stringContaining('worker')]);
    const [main, worker] = live.threads;
    // What is kept is counted, and the garbage is not.
    expect(main.heapUsed).toBeGreaterThan(KEEP_MB * 1048576);
    expect(main.heapUsed).toBeLessThan((KEEP_MB + 20) * 1048576);
    expect(worker.heapUsed).toBeGreaterThan(WORKER_KEEP_MB * 1048576);
    expect(worker.heapUsed).toBeLessThan((WORKER_KEEP_MB + 20) * 1048576);
    expect(live.heapUsed).toBe(main.heapUsed + worker.heapUsed);
    expect(live.rss).toBeGreaterThan(live.heapUsed);
    expect(live.collectionMs).toBeGreaterThan(0);
  });

  it('refuses an address nothing listens on', async () => {
    await expect(collectAndMeasure('ws://127.0.0.1:1/none', 5_000)).rejects.toThrow(/inspector/);
  });
});
