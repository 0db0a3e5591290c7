import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { LedgerMetrics } from './ledger-metrics';

/**
 * Times every request into `ledger_http_request_duration_seconds`, labelled with the route pattern that handled
 * it (`/v1/tasks/:taskId`, never the path: ids would make a time series per record) and the status.
 */
export function httpMetricsMiddleware(metrics: LedgerMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      metrics.httpRequest(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
