import type { Request } from 'express';

/**
 * The `route` label of `ledger_http_request_duration_seconds`: the route pattern that handled the request
 * (`/v1/tasks/:taskId`, never the path: ids would make a time series per record), or `unmatched`.
 */
export function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
}
