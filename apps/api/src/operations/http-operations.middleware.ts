import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { requestLogContext, type AccessLog } from './access-log';
import { assignCorrelationId } from './correlation-id';
import type { DrainingExpressAdapter } from './draining-express-adapter';
import { routeLabel } from './http-metrics';
import type { LedgerMetrics } from './ledger-metrics';

/**
 * The bookkeeping every request gets before any route, in one middleware with one pair of `finish`/`close`
 * listeners instead of one middleware (and listener) each:
 *
 * - the drain: refused with 503 once the instance is shutting down, counted in flight until settled;
 * - the correlation id (request, response header, every log line of the request);
 * - the request timer into `ledger_http_request_duration_seconds` (finished responses only);
 * - the access log line (finished, or the connection closed first), when logs are on.
 */
export function httpOperationsMiddleware(drain: DrainingExpressAdapter | undefined, metrics: LedgerMetrics, accessLog: AccessLog | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (drain !== undefined && !drain.admit(res)) return;
    const started = performance.now();
    const correlationId = assignCorrelationId(req, res);
    let settled = false;
    const settle = (finished: boolean): void => {
      if (settled) return;
      settled = true;
      res.removeListener('finish', onFinish);
      res.removeListener('close', onClose);
      const elapsedMs = performance.now() - started;
      if (finished) metrics.httpRequest(req.method, routeLabel(req), res.statusCode, elapsedMs / 1000);
      accessLog?.write(req, res, correlationId, elapsedMs);
      drain?.requestSettled();
    };
    const onFinish = (): void => settle(true);
    const onClose = (): void => settle(false);
    res.on('finish', onFinish);
    res.on('close', onClose);
    if (accessLog === undefined) next();
    else requestLogContext.run({ req, correlationId }, next);
  };
}
