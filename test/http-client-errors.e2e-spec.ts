import { connect } from 'node:net';
import { describeOnEachStore, LedgerTestApp } from './support/ledger-test-app';

/**
 * Requests Node's HTTP parser refuses before any route (issue 7, security): a malformed request line, headers over
 * the limit, bytes that are not HTTP. Sent on a raw socket, since no HTTP client would send them; each gets the
 * ledger's `{code, message, fields}` body with the right status, and the connection is closed.
 */
describeOnEachStore('HTTP requests the parser refuses', (store) => {
  let ledger: LedgerTestApp;
  let port: number;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start(store);
    port = Number(new URL(ledger.baseUrl).port);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  /** Writes `raw`, reads until the server closes, and splits the one response it sent. */
  function exchange(raw: string | Buffer): Promise<{ status: number; headers: Record<string, string>; body: any; text: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head, ...rest] = text.split('\r\n\r\n');
        const [statusLine, ...headerLines] = head.split('\r\n');
        const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        const bodyText = rest.join('\r\n\r\n');
        let body: unknown = null;
        try {
          body = JSON.parse(bodyText);
        } catch {
          body = null;
        }
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body, text });
      });
      // Written, not ended: the server answers and closes (a half-closed socket would be a different request).
      socket.write(raw);
    });
  }

  it('answers a malformed request line with 400 and a JSON error body', async () => {
    const res = await exchange('GET /health HTTP/9.9 extra\r\nHost: x\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.connection).toBe('close');
    expect(res.body).toEqual({ code: 'HTTP.MALFORMED_REQUEST', message: expect.stringMatching(/not valid HTTP\/1\.1/), fields: [] });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(res.body)));
  });

  it('answers bytes that are not HTTP at all, and an invalid method, the same way', async () => {
    for (const raw of [Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]), 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n']) {
      const res = await exchange(raw);
      expect([res.status, res.body?.code, res.body?.fields]).toEqual([400, 'HTTP.MALFORMED_REQUEST', []]);
    }
  });

  it('answers headers over the limit with 431 naming the limit, in the language asked for', async () => {
    const big = `GET /health HTTP/1.1\r\nHost: x\r\nAccept-Language: zh\r\nX-Padding: ${'a'.repeat(40 * 1024)}\r\n\r\n`;
    const res = await exchange(big);
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ code: 'HTTP.HEADERS_TOO_LARGE', message: expect.stringMatching(/^请求行和请求头超过服务器上限 \d+ 字节/), fields: [] });
    expect(res.headers['content-language']).toBe('zh');
    const en = await exchange(big.replace('Accept-Language: zh\r\n', ''));
    expect(en.body.message).toMatch(/exceed the server limit of \d+ bytes/);
  });

  it('still serves well-formed requests, and never echoes the refused bytes', async () => {
    const ok = await exchange('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(ok.status).toBe(200);
    const res = await exchange('GET /<script>secret-token HTTP/1.1 junk\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('secret-token');
  });
});
