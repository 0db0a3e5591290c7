import type { FastifyRequest } from 'fastify';

/**
 * The `route` label of `ledger_http_request_duration_seconds`: the route pattern that handled the request
 * (`/v1/tasks/:taskId`, never the path: ids would make a time series per record), or `unmatched`.
 */
export function routeLabel(request: Pick<FastifyRequest, 'routeOptions'>): string {
  const pattern = request.routeOptions?.url;
  return typeof pattern === 'string' && pattern.length > 0 ? pattern : 'unmatched';
}
