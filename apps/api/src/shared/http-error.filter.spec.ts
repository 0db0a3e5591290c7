import type { ArgumentsHost } from '@nestjs/common';
import { EventStoreError } from '@ledger/event-store';
import { HttpErrorFilter } from './http-error.filter';

/** The filter's answer to one thrown error: status, headers and body, through a stand-in of Fastify's reply. */
function answer(error: unknown): { status: number; headers: Record<string, string>; body: { code: string } } {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown as { code: string } };
  const reply = {
    sent: false,
    raw: { headersSent: false },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: { code: string }) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/v1/tasks/t/progress-reports', headers: {} }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  const filter = new HttpErrorFilter();
  (filter as unknown as { log: { error: () => void } }).log = { error: () => undefined };
  filter.catch(error, host);
  return sent;
}

describe('HttpErrorFilter: an unavailable store', () => {
  it('given the writer thread waits to be replaced, when an append is refused, then 503 with Retry-After in whole seconds rounded up', () => {
    for (const [ms, seconds] of [[1, '1'], [600, '1'], [1000, '1'], [1001, '2'], [29_500, '30']] as const) {
      const res = answer(new EventStoreError('STORE.WRITER_FAILED', 'the writer thread is replaced after 0.6 s', { retryAfterMs: ms }));
      expect(res.status).toBe(503);
      expect(res.headers['Retry-After']).toBe(seconds);
      expect(res.body.code).toBe('STORE.WRITER_FAILED');
    }
  });

  it('given no time to retry at (or a nonsensical one), then 503 without Retry-After', () => {
    for (const details of [undefined, {}, { retryAfterMs: 0 }, { retryAfterMs: -5 }, { retryAfterMs: Number.NaN }, { retryAfterMs: '600' }]) {
      const res = answer(new EventStoreError('STORE.WRITER_FAILED', 'the writer thread failed', details as Record<string, unknown> | undefined));
      expect(res.status).toBe(503);
      expect(res.headers['Retry-After']).toBeUndefined();
    }
  });

  it('given a store refusal that is not unavailability, then its own status and no Retry-After', () => {
    const res = answer(new EventStoreError('STORE.INVALID_QUERY', 'limit: must be positive', { field: 'limit', retryAfterMs: 600 }));
    expect(res.status).toBe(400);
    expect(res.headers['Retry-After']).toBeUndefined();
  });
});
