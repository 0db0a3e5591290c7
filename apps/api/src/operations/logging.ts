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
 * `mixin`. Writes to stdout are asynchronous (sonic-boom, `sync: false`): flushed on exit, on a fatal error and on
 * shutdown (see `flushLogsOnFatalErrors` and `enableShutdownHooks` in bootstrap.ts).
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
  return new AccessLog(root, (root as unknown as Record<symbol, DestinationStream>)[symbols.streamSym], typeof service === 'string' ? service : 'ledger');
}

/**
 * Writes what the asynchronous destination still holds before an uncaught exception or unhandled rejection ends
 * the process (Node emits no `exit` event then, so pino's own exit hook does not run). A monitor: it changes
 * nothing about how the error is handled.
 */
export function flushLogsOnFatalErrors(): void {
  if (fatalFlushInstalled) return;
  fatalFlushInstalled = true;
  process.on('uncaughtExceptionMonitor', () => {
    const stream = PinoLogger.root ? (PinoLogger.root as unknown as Record<symbol, { flushSync?: () => void }>)[symbols.streamSym] : undefined;
    try {
      stream?.flushSync?.();
    } catch {
      // Nothing more can be done for the logs of a dying process.
    }
  });
}

let fatalFlushInstalled = false;

let stdout: DestinationStream | undefined;

/** One asynchronous stdout destination per process, however many applications it builds (the tests build many). */
function stdoutDestination(): DestinationStream {
  stdout ??= pinoDestination({ dest: 1, sync: false, minLength: 0 });
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
