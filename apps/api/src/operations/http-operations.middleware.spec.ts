import { EventEmitter } from 'node:events';
import type { AccessLog } from './access-log';
import { requestLogContext } from './access-log';
import type { DrainingFastifyAdapter } from './draining-fastify-adapter';
import { httpOperationsHook } from './http-operations.middleware';
import type { LedgerMetrics } from './ledger-metrics';

function fakes(draining = false) {
  const observed: Array<[string, string, number]> = [];
  const logged: Array<[number, string]> = [];
  let inFlight = 0;
  const drain = {
    admit: (res: { statusCode: number }) => {
      if (draining) res.statusCode = 503;
      else inFlight++;
      return !draining;
    },
    requestSettled: () => inFlight--,
  } as unknown as DrainingFastifyAdapter;
  const metrics = { httpRequest: (method: string, route: string, status: number) => observed.push([method, route, status]) } as unknown as LedgerMetrics;
  const accessLog = { write: (_req: unknown, res: { statusCode: number }, correlationId: string) => logged.push([res.statusCode, correlationId]) } as unknown as AccessLog;
  const req = { method: 'GET', url: '/v1/tasks/t-1', headers: { 'x-correlation-id': 'corr-7' } };
  const res = Object.assign(new EventEmitter(), { statusCode: 200, headers: {} as Record<string, string>, setHeader(name: string, value: string) { this.headers[name] = value; } });
  // Fastify's request (the route that matched) and reply around the raw request and response; the drain gets the reply.
  const request = { raw: req, routeOptions: { url: '/v1/tasks/:taskId' } };
  const reply = Object.assign(res, { raw: res });
  return { drain, metrics, accessLog, req, res, request, reply, observed, logged, inFlight: () => inFlight };
}

describe('the operations hook', () => {
  it('gives the request its correlation id, counts it in flight, then times and logs it once when finished', () => {
    const f = fakes();
    let seen: unknown;
    httpOperationsHook(f.drain, f.metrics, f.accessLog)(f.request as never, f.reply as never, () => (seen = requestLogContext.getStore()));
    expect(seen).toEqual({ req: f.req, correlationId: 'corr-7' });
    expect(f.res.headers['X-Correlation-Id']).toBe('corr-7');
    expect(f.inFlight()).toBe(1);
    f.res.emit('finish');
    f.res.emit('close');
    expect(f.observed).toEqual([['GET', '/v1/tasks/:taskId', 200]]);
    expect(f.logged).toEqual([[200, 'corr-7']]);
    expect(f.inFlight()).toBe(0);
  });

  it('logs a request whose client hung up before the response finished, without timing it', () => {
    const f = fakes();
    httpOperationsHook(f.drain, f.metrics, f.accessLog)(f.request as never, f.reply as never, () => undefined);
    f.res.emit('close');
    expect(f.observed).toEqual([]);
    expect(f.logged).toEqual([[200, 'corr-7']]);
    expect(f.inFlight()).toBe(0);
  });

  it('refuses a request while draining, before anything else', () => {
    const f = fakes(true);
    const next = jest.fn();
    httpOperationsHook(f.drain, f.metrics, f.accessLog)(f.request as never, f.reply as never, next);
    expect(next).not.toHaveBeenCalled();
    expect(f.res.statusCode).toBe(503);
    expect(f.res.listenerCount('finish')).toBe(0);
  });

  it('without logs, sets no request log context', () => {
    const f = fakes();
    let seen: unknown = 'unset';
    httpOperationsHook(undefined, f.metrics, undefined)(f.request as never, f.reply as never, () => (seen = requestLogContext.getStore()));
    expect(seen).toBeUndefined();
    f.res.emit('finish');
    expect(f.observed).toEqual([['GET', '/v1/tasks/:taskId', 200]]);
  });
});
