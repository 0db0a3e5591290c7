import { isLoopback, MetricsController } from './metrics.controller';
import { LedgerMetrics } from './ledger-metrics';
import { operationsConfigFromEnv } from './operations.config';

function request(remoteAddress: string, authorization?: string) {
  return { socket: { remoteAddress }, headers: authorization ? { authorization } : {} } as never;
}

function response() {
  const headers: Record<string, string> = {};
  return { headers, type: () => undefined, header: (k: string, v: string) => (headers[k] = v) } as never;
}

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('takes %s for loopback', (address) => expect(isLoopback(address)).toBe(true));
  it.each(['10.0.0.5', '::ffff:192.168.1.2', '2001:db8::1', '', undefined])('does not take %s for loopback', (address) => expect(isLoopback(address)).toBe(false));
});

describe('GET /metrics', () => {
  describe('without LEDGER_METRICS_TOKEN', () => {
    const controller = new MetricsController(new LedgerMetrics(), operationsConfigFromEnv({}));

    it('serves loopback callers', async () => {
      await expect(controller.scrape(request('127.0.0.1'), response())).resolves.toContain('ledger_appends_per_second');
    });

    it('refuses callers from the network with 403', async () => {
      await expect(controller.scrape(request('10.1.2.3'), response())).rejects.toMatchObject({ status: 403, code: 'METRICS.LOOPBACK_ONLY' });
    });
  });

  describe('with LEDGER_METRICS_TOKEN', () => {
    const token = 'scrape-0123456789abcdef';
    const controller = new MetricsController(new LedgerMetrics(), operationsConfigFromEnv({ LEDGER_METRICS_TOKEN: token }));

    it('serves a scraper with the token from anywhere', async () => {
      await expect(controller.scrape(request('10.1.2.3', `Bearer ${token}`), response())).resolves.toContain('ledger_appends_total');
    });

    it('refuses a missing or wrong token with 401, loopback included', async () => {
      await expect(controller.scrape(request('127.0.0.1'), response())).rejects.toMatchObject({ status: 401 });
      await expect(controller.scrape(request('10.1.2.3', 'Bearer scrape-0123456789abcdeX'), response())).rejects.toMatchObject({ status: 401 });
    });
  });

  it('refuses a token shorter than 16 characters at start-up', () => {
    expect(() => operationsConfigFromEnv({ LEDGER_METRICS_TOKEN: 'short' })).toThrow(/LEDGER_METRICS_TOKEN/);
  });
});

describe('ledger_appends_per_second', () => {
  it('is the mean of the last whole seconds, not counting the current one', () => {
    const metrics = new LedgerMetrics();
    const realNow = Date.now;
    try {
      const t0 = Math.floor(realNow() / 1000) * 1000 + 120_000;
      Date.now = () => t0 + 100;
      for (let i = 0; i < 30; i++) metrics.appendSettled('ok', 0.001, 1);
      Date.now = () => t0 + 1100;
      for (let i = 0; i < 10; i++) metrics.appendSettled('ok', 0.001, 1);
      metrics.appendSettled('duplicate', 0.001, 0);
      expect(metrics.appendsPerSecond(t0 + 2000)).toBeCloseTo(40 / 60, 5);
      expect(metrics.appendsPerSecond(t0 + 61_500)).toBeCloseTo(10 / 60, 5);
    } finally {
      Date.now = realNow;
    }
  });
});
