import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger, type Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import PinoPretty from 'pino-pretty';
import type { WithCorrelationId } from './correlation-id';
import type { OperationsConfig } from './operations.config';

/**
 * Everything that could carry a credential, wherever it appears in a log line: bearer tokens (API and metrics),
 * cookies, and fields named like secrets in logged objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'token',
  'secret',
  'password',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
];

const QUIET_ROUTES = /^\/(?:health(?:\/|$|\?)|metrics(?:$|\?))/;

/**
 * nestjs-pino's parameters: JSON lines on stdout (one per request, with its correlation id, method, route,
 * status and duration), human-readable only when stdout is a terminal. Probes and scrapes log at debug, server
 * errors at error.
 */
export function loggerParams(config: OperationsConfig, service: string, pretty = process.stdout.isTTY === true): Params {
  const options: Options = {
    level: config.logLevel,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage) => (req as WithCorrelationId).correlationId ?? randomUUID(),
    // On every line logged while handling the request, not only the "request completed" one.
    customProps: (req: IncomingMessage) => ({ correlationId: (req as WithCorrelationId).correlationId }),
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error): LevelWithSilent => {
      if (error || res.statusCode >= 500) return 'error';
      return QUIET_ROUTES.test(req.url ?? '') ? 'debug' : 'info';
    },
    serializers: {
      req: (req: { method?: string; url?: string; remoteAddress?: string; headers?: Record<string, unknown> }) => ({
        method: req.method,
        url: redactQuery(req.url),
        remoteAddress: req.remoteAddress,
        // Headers are left out (Authorization, cookies): only the client's name is worth a line.
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  if (!pretty) return { pinoHttp: options };
  const stream: DestinationStream = PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { pinoHttp: [options, stream] };
}

/**
 * Routes Nest's own logs (start-up, `new Logger(...)` in services) through pino, or silences both when the
 * caller asked for no logs (the end-to-end tests).
 */
export function useLedgerLogger(app: INestApplicationContext, enabled: boolean): void {
  if (enabled) {
    app.useLogger(app.get(PinoNestLogger));
    return;
  }
  PinoLogger.root.level = 'silent';
}

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
