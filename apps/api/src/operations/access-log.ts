import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, Logger } from 'pino';

/** Probes and scrapes: logged at debug, so a cluster's health checks do not fill the log. */
const QUIET_ROUTES = /^\/(?:health(?:\/|$|\?)|metrics(?:$|\?))/;

const SECRET_PARAM = /^(access_token|token|api_key|apikey|key|secret|password|auth|authorization|signature)$/i;

/**
 * A URL as logged: query parameters that could carry a credential (a client that wrongly sends its token as
 * `?access_token=`) have their values replaced, so no secret reaches the logs whatever a client sends.
 */
export function redactQuery(url: string | undefined): string | undefined {
  if (url === undefined) return url;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // An undecodable name is kept as sent; it is not a known credential parameter.
      }
      return SECRET_PARAM.test(decoded) && eq >= 0 ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** The `req` object of every line about a request: no headers (Authorization, cookies), only the client's name. */
export interface LoggedRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly userAgent: unknown;
}

export function loggedRequest(method: string | undefined, url: string | undefined, remoteAddress: string | undefined, userAgent: unknown): LoggedRequest {
  return { method, url: redactQuery(url), remoteAddress, userAgent };
}

/** What lines logged while handling a request carry; set once per request, read only when something logs. */
export interface RequestLogContext {
  readonly req: IncomingMessage;
  readonly correlationId: string;
}

export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

/**
 * pino `mixin`: the request and its correlation id on every line a handler or service logs while handling a
 * request, as a per-request child logger would add them, but built only for the lines actually written (the raw
 * request goes through the `req` serializer, like any logged request).
 */
export function requestLogFields(): object {
  const context = requestLogContext.getStore();
  return context === undefined ? {} : { req: context.req, correlationId: context.correlationId };
}

type Level = 'error' | 'info' | 'debug';

/**
 * One JSON line per request, written straight to the logger's destination: the fields are fixed and none of them
 * can hold a credential (no headers; the URL's credential-like parameters redacted), so the line needs neither
 * pino's serializers nor its redaction pass. Same shape as the rest of the log: level label, ISO time, `service`.
 * Built as a string: only what a client chose (URL, User-Agent) and the address go through JSON.stringify; the
 * method is an HTTP token (the parser refuses anything else), the correlation id matches CORRELATION_ID_PATTERN
 * or is a UUID, the status and the time are numbers.
 */
export class AccessLog {
  /** `,"service":"…","req":{"method":"` — the part of every line that never changes. */
  private readonly afterTime: string;

  constructor(
    private readonly logger: Logger,
    private readonly stream: DestinationStream,
    service: string,
  ) {
    this.afterTime = `","service":${JSON.stringify(service)},"req":{"method":"`;
  }

  /** Called once the response is finished (or the connection closed first); `elapsedMs` since the request arrived. */
  write(req: IncomingMessage, res: ServerResponse, correlationId: string, elapsedMs: number): void {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
    const status = res.statusCode;
    const failed = status >= 500;
    const level: Level = failed ? 'error' : url !== undefined && QUIET_ROUTES.test(url) ? 'debug' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const address = req.socket?.remoteAddress;
    const agent = req.headers['user-agent'];
    this.stream.write(
      `{"level":"${level}","time":"${new Date().toISOString()}${this.afterTime}${req.method}"` +
        `${url === undefined ? '' : `,"url":${JSON.stringify(redactQuery(url))}`}` +
        `${address === undefined ? '' : `,"remoteAddress":${JSON.stringify(address)}`}` +
        `${agent === undefined ? '' : `,"userAgent":${JSON.stringify(agent)}`}` +
        `},"correlationId":"${correlationId}","res":{"statusCode":${status}}` +
        `${failed ? `,"err":{"type":"Error","message":"failed with status code ${status}"}` : ''}` +
        `,"responseTime":${Math.round(elapsedMs)},"msg":"${failed ? 'request errored' : 'request completed'}"}\n`,
    );
  }
}
