import type { INestApplicationContext } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger, type Params } from 'nestjs-pino';
import { destination as pinoDestination, stdTimeFunctions, symbols, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import PinoPretty from 'pino-pretty';
import { AccessLog, loggedRequest, requestLogFields } from './access-log';
import type { OperationsConfig } from './operations.config';

export { redactQuery } from './access-log';

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

/**
 * nestjs-pino's parameters: JSON lines on stdout, human-readable only when stdout is a terminal. The line per
 * request is the access log's (access-log.ts), written once the response is finished; nestjs-pino's own per-request
 * middleware (pino-http: a child logger and serializer pass per request) is not mounted (`forRoutes: []`). Lines
 * that handlers and services log while handling a request carry its `req` and `correlationId` through the
 * `mixin`. Writes to stdout are asynchronous and batched (sonic-boom, `sync: false`, written once 4 KiB are waiting
 * or every 250 ms): flushed by pino's exit hook, which runs on process.exit, on an uncaught exception or unhandled
 * rejection, and on SIGTERM because the shutdown ends with process.exit (`enableShutdownHooks` in bootstrap.ts).
 */
export function loggerParams(config: OperationsConfig, service: string, pretty = process.stdout.isTTY === true, destination?: DestinationStream): Params {
  const options: Options = {
    level: config.logLevel,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: requestLogFields,
    serializers: {
      req: (req: { method?: string; url?: string; remoteAddress?: string; headers?: Record<string, unknown> }) =>
        loggedRequest(req.method, req.url, req.remoteAddress, req.headers?.['user-agent']),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  const stream: DestinationStream =
    destination ??
    (pretty
      ? PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' })
      : stdoutDestination());
  return { pinoHttp: [options, stream], forRoutes: [] };
}

/** The access log of the application whose logger nestjs-pino built: its root logger, destination and `service`. */
export function accessLogOf(): AccessLog {
  const root = PinoLogger.root;
  const service = (root.bindings() as { service?: unknown }).service;
  return new AccessLog(root, logDestinationOf(root), typeof service === 'string' ? service : 'ledger');
}

/** Where a pino logger writes. */
export function logDestinationOf(logger: object): DestinationStream {
  return (logger as Record<symbol, DestinationStream>)[symbols.streamSym];
}

let stdout: DestinationStream | undefined;

/** One asynchronous stdout destination per process, however many applications it builds (the tests build many). */
function stdoutDestination(): DestinationStream {
  stdout ??= pinoDestination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
  return stdout;
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
