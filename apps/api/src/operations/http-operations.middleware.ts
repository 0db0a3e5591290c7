import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { requestLogContext, type AccessLog } from './access-log';
import { assignCorrelationId } from './correlation-id';
import type { DrainingFastifyAdapter } from './draining-fastify-adapter';
import { routeLabel } from './http-metrics';
import type { LedgerMetrics } from './ledger-metrics';

/** What the hook uses of Fastify's request and reply. */
type HookRequest = Pick<FastifyRequest, 'routeOptions'> & { readonly raw: IncomingMessage };
type HookReply = { readonly raw: ServerResponse };

/**
 * The bookkeeping every request gets before any route, in one Fastify `onRequest` hook with one pair of
 * `finish`/`close` listeners instead of one hook (and listener) each:
 *
 * - the drain: refused with 503 once the instance is shutting down, counted in flight until settled;
 * - the correlation id (request, response header, every log line of the request);
 * - the request timer into `ledger_http_request_duration_seconds` (finished responses only);
 * - the access log line (finished, or the connection closed first), when logs are on.
 */
export function httpOperationsHook(drain: DrainingFastifyAdapter | undefined, metrics: LedgerMetrics, accessLog: AccessLog | undefined) {
  return (request: HookRequest, reply: HookReply, done: HookHandlerDoneFunction): void => {
    if (drain !== undefined && !drain.admit(reply as FastifyReply)) return;
    const req = request.raw;
    const res = reply.raw;
    const started = performance.now();
    const correlationId = assignCorrelationId(req, res);
    let settled = false;
    const settle = (finished: boolean): void => {
      if (settled) return;
      settled = true;
      res.removeListener('finish', onFinish);
      res.removeListener('close', onClose);
      const elapsedMs = performance.now() - started;
      if (finished) metrics.httpRequest(req.method ?? 'GET', routeLabel(request), res.statusCode, elapsedMs / 1000);
      accessLog?.write(req, res, correlationId, elapsedMs);
      drain?.requestSettled();
    };
    const onFinish = (): void => settle(true);
    const onClose = (): void => settle(false);
    res.on('finish', onFinish);
    res.on('close', onClose);
    if (accessLog === undefined) done();
    else requestLogContext.run({ req, correlationId }, done);
  };
}
