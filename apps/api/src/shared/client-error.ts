import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { preferredLanguage } from './language';

/**
 * Requests Node's HTTP parser refuses before any route sees them (a malformed request line, headers beyond the
 * server's limit, a request that never finished arriving): by default Node answers a bare 400, 431 or 408 with no
 * body. Clients of the ledger get every error as `{code, message, fields}`, so these too, in the language of the
 * request's Accept-Language when the part that arrived carries one.
 */
const CLIENT_ERRORS = {
  'HTTP.MALFORMED_REQUEST': {
    status: 400,
    reason: 'Bad Request',
    en: 'The request is not valid HTTP/1.1 ({detail}); it was not processed.',
    vi: 'Yêu cầu không đúng giao thức HTTP/1.1 ({detail}); yêu cầu không được xử lý.',
    zh: '请求不符合 HTTP/1.1 协议（{detail}），未予处理。',
  },
  'HTTP.HEADERS_TOO_LARGE': {
    status: 431,
    reason: 'Request Header Fields Too Large',
    en: 'The request line and headers exceed the server limit of {limit} bytes; it was not processed.',
    vi: 'Dòng yêu cầu và phần tiêu đề vượt quá giới hạn {limit} byte của máy chủ; yêu cầu không được xử lý.',
    zh: '请求行和请求头超过服务器上限 {limit} 字节，未予处理。',
  },
  'HTTP.REQUEST_TIMEOUT': {
    status: 408,
    reason: 'Request Timeout',
    en: 'The request did not arrive completely in time; it was not processed.',
    vi: 'Yêu cầu không được gửi đầy đủ trong thời hạn; yêu cầu không được xử lý.',
    zh: '请求未能在规定时间内完整送达，未予处理。',
  },
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

type ParserError = Error & { code?: string; reason?: string; rawPacket?: Buffer };

/** The code for a parser error, or null when there is no one left to answer (the client hung up). */
export function clientErrorCode(error: ParserError): ClientErrorCode | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'HPE_HEADER_OVERFLOW':
      return 'HTTP.HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_TIMEOUT':
      return 'HTTP.REQUEST_TIMEOUT';
    default:
      return 'HTTP.MALFORMED_REQUEST';
  }
}

/** The full HTTP/1.1 response (status line, headers, JSON body) for a parser error. */
export function clientErrorResponse(code: ClientErrorCode, error: ParserError, maxHeaderSize: number): string {
  const entry = CLIENT_ERRORS[code];
  const language = preferredLanguage(acceptLanguageOf(error.rawPacket));
  // The parser's reason ("Invalid method encountered") names what was wrong; it never echoes the request's bytes.
  const detail = (error.reason ?? error.code ?? 'unparseable').replace(/[^\x20-\x7e]/g, '').slice(0, 120);
  const message = entry[language].replace('{detail}', detail).replace('{limit}', String(maxHeaderSize));
  const body = JSON.stringify({ code, message, fields: [] });
  return [
    `HTTP/1.1 ${entry.status} ${entry.reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Content-Language: ${language}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The Accept-Language header of what arrived of the request, when it can be read. */
function acceptLanguageOf(raw: Buffer | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const match = /\r\naccept-language:[ \t]*([^\r\n]{1,200})\r\n/i.exec(raw.subarray(0, 64 * 1024).toString('latin1'));
  return match?.[1];
}

/**
 * Answers the parser's refusals on `server` with the ledger's error body and closes the connection. Nothing is
 * written when the client is gone, or when a response on this connection has already started (a pipelined request
 * after it): writing then would corrupt that response.
 */
export function answerClientErrors(server: Server): void {
  // Instead of the HTTP framework's own handler (Fastify's answers with its error body), not beside it.
  server.removeAllListeners('clientError');
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    const code = clientErrorCode(error);
    const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (code === null || !socket.writable || inProgress) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(code, error, (server as Server & { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize));
    // A client that never reads must not keep the socket: give the response a moment, then let go.
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}
