import fc from 'fast-check';
import { clientErrorCode, clientErrorResponse } from './client-error';

/** The raw responses written for requests the HTTP parser refuses: always well-formed HTTP with the error body. */
describe('client errors', () => {
  it('maps the parser’s codes: header overflow 431, timeouts 408, anything else 400, a client gone: nothing', () => {
    const code = (c: string) => clientErrorCode(Object.assign(new Error('x'), { code: c }));
    expect(['HPE_HEADER_OVERFLOW', 'ERR_HTTP_REQUEST_TIMEOUT', 'HPE_INVALID_METHOD', 'HPE_INVALID_CONSTANT', 'HPE_UNEXPECTED_CONTENT_LENGTH', 'ECONNRESET'].map(code)).toEqual([
      'HTTP.HEADERS_TOO_LARGE',
      'HTTP.REQUEST_TIMEOUT',
      'HTTP.MALFORMED_REQUEST',
      'HTTP.MALFORMED_REQUEST',
      'HTTP.MALFORMED_REQUEST',
      null,
    ]);
  });

  it('writes a complete response whose Content-Length is the JSON body’s, and never echoes the request’s bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('HTTP.MALFORMED_REQUEST', 'HTTP.HEADERS_TOO_LARGE', 'HTTP.REQUEST_TIMEOUT' as const),
        fc.string({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom(undefined, 'zh', 'vi-VN,vi;q=0.9', 'en', 'fr, zh;q=0.5', '\u0000'),
        (code, reason, bytes, language) => {
          const secret = 'tok_canary_0123456789';
          const raw = Buffer.concat([Buffer.from(`GET /${secret} HTTP/1.1\r\n${language === undefined ? '' : `Accept-Language: ${language}\r\n`}`), Buffer.from(bytes)]);
          const response = clientErrorResponse(code as Parameters<typeof clientErrorResponse>[0], Object.assign(new Error('parse'), { code: 'HPE_X', reason, rawPacket: raw }), 16384);
          const [head, body] = [response.slice(0, response.indexOf('\r\n\r\n')), response.slice(response.indexOf('\r\n\r\n') + 4)];
          expect(head).toMatch(/^HTTP\/1\.1 (400|408|431) [A-Za-z ]+\r\n/);
          expect(head).toContain('\r\nConnection: close');
          expect(/^[\x20-\x7e\r\n]*$/.test(head)).toBe(true);
          expect(Number(/Content-Length: (\d+)/.exec(head)![1])).toBe(Buffer.byteLength(body));
          const parsed = JSON.parse(body);
          expect(parsed).toEqual({ code, message: expect.any(String), fields: [] });
          expect(response).not.toContain(secret);
          expect(/Content-Language: (en|vi|zh)\r\n/.test(`${head}\r\n`)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers in the language the request asked for, when its headers arrived', () => {
    const answer = (acceptLanguage: string) =>
      clientErrorResponse('HTTP.HEADERS_TOO_LARGE', Object.assign(new Error('x'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(`GET / HTTP/1.1\r\nAccept-Language: ${acceptLanguage}\r\nX: y\r\n`) }), 16384);
    expect(answer('vi')).toContain('vượt quá giới hạn 16384 byte');
    expect(answer('zh-CN')).toContain('超过服务器上限 16384 字节');
    expect(answer('de')).toContain('exceed the server limit of 16384 bytes');
  });
});
