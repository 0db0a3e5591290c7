import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/**
 * A small HTTP client over `node:http` for the pressure suites: keep-alive, a bounded time per request, and an
 * optional local address (any 127.x.y.z is loopback on Linux, so a suite can be "another client" to the per-address
 * authentication limit). `fetch` cannot choose its local address without undici's own Agent, and it normalises
 * what a hostile request must be free to send.
 */

export interface Reply<T = any> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly body: T;
  readonly ms: number;
}

export interface RequestOptions {
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
  /** Serialised with JSON.stringify. */
  readonly body?: unknown;
  /** Sent as is (malformed JSON, raw bytes). */
  readonly raw?: string | Buffer;
  readonly timeoutMs?: number;
}

export class Http {
  private readonly agent: Agent;
  readonly host: string;
  readonly port: number;

  constructor(
    readonly baseUrl: string,
    private readonly options: { localAddress?: string; maxSockets?: number } = {},
  ) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1') throw new Error(`pressure suites talk to 127.0.0.1 only, not ${url.hostname}`);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: Buffer | undefined;
    if (options.raw !== undefined) payload = Buffer.isBuffer(options.raw) ? options.raw : Buffer.from(options.raw, 'utf8');
    else if (options.body !== undefined) payload = Buffer.from(JSON.stringify(options.body), 'utf8');
    if (payload !== undefined) {
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent, localAddress: this.options.localAddress },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: performance.now() - started });
          });
        },
      );
      req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path}: no answer within ${options.timeoutMs ?? 30_000} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T = any>(path: string, token?: string | null, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { token, headers });
  }

  post<T = any>(path: string, token: string | null, body: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { token, body, headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Writes bytes to the server as they are (an HTTP request `node:http` would refuse to build: control characters in
 * a header, invalid UTF-8 in the path) and reads the answer until the server closes the connection.
 */
export function rawExchange(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('raw exchange: no answer in time')), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = (split < 0 ? all : all.subarray(0, split)).toString('latin1');
      const rest = split < 0 ? Buffer.alloc(0) : all.subarray(split + 4);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: (/transfer-encoding:\s*chunked/i.test(head) ? dechunk(rest) : rest).toString('utf8') });
    });
  });
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < 10_000 && at < body.length; i++) {
    const line = body.indexOf('\r\n', at);
    if (line < 0) break;
    const size = parseInt(body.subarray(at, line).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(line + 2, line + 2 + size));
    at = line + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Runs `fn` over `items` with at most `concurrency` in flight; the first failure stops the rest. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}
