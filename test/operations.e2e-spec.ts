import { ReadModelsService } from '../apps/api/src/read-models/read-models.service';
import { describeOnEachStore, expectStatus, LedgerTestApp, type StoreUnderTest } from './support/ledger-test-app';

/** Health, readiness, metrics, correlation ids and the verify endpoint, through HTTP against the real app. */
describeOnEachStore('operations', (store: StoreUnderTest) => {
  let ledger: LedgerTestApp;
  const saved = process.env.LEDGER_READY_MAX_LAG;

  beforeAll(async () => {
    // Read when the app is built: a lag of one event makes it unready.
    process.env.LEDGER_READY_MAX_LAG = '0';
    ledger = await LedgerTestApp.start(store);
    expectStatus(await ledger.admin.post('/v1/units', { unitId: 'city', names: { en: 'City' }, kind: 'city', parentId: null }), 201);
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.LEDGER_READY_MAX_LAG;
    else process.env.LEDGER_READY_MAX_LAG = saved;
    await ledger?.close();
  });

  describe('the probes', () => {
    it('keeps /health answering without credentials', async () => {
      const res = await ledger.anonymous().get('/health');
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ status: 'ok', store });
    });

    it('answers /health/live while the process is up', async () => {
      const res = await ledger.anonymous().get('/health/live');
      expectStatus(res, 200);
      expect(res.body.info.process.status).toBe('up');
    });

    it('is ready when the store answers and the read models have caught up', async () => {
      const res = await ledger.anonymous().get('/health/ready');
      expectStatus(res, 200);
      expect(res.body.info.store).toMatchObject({ status: 'up', kind: store });
      expect(res.body.info.projection).toMatchObject({ status: 'up', lag: 0, maxLag: 0 });
    });
  });

  describe('correlation ids', () => {
    it('returns the caller\'s X-Correlation-Id and records it on the events', async () => {
      const res = await ledger.admin.post('/v1/units', { unitId: 'corr', names: { en: 'Corr' }, kind: 'office', parentId: 'city' }, { headers: { 'X-Correlation-Id': 'ticket-4711' } });
      expectStatus(res, 201);
      expect(res.headers.get('x-correlation-id')).toBe('ticket-4711');
      const [event] = await ledger.ledgerStore().readStream('unit-corr');
      expect(event.metadata.correlationId).toBe('ticket-4711');
    });

    it('answers a path the router cannot decode with the API\'s 400, correlated and counted like any request', async () => {
      const res = await ledger.anonymous().get('/v1/tasks/%ZZ', { headers: { 'X-Correlation-Id': 'bad-url-1' } });
      expectStatus(res, 400);
      expect(res.body).toMatchObject({ code: 'REQUEST.INVALID' });
      expect(res.headers.get('x-correlation-id')).toBe('bad-url-1');
      const metrics = await ledger.anonymous().get('/metrics');
      expect(metrics.text).toMatch(/^ledger_http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*status="400"[^}]*\} [1-9]\d*$/m);
    });

    it('generates one when none (or a malformed one) is sent, and records that one', async () => {
      const res = await ledger.admin.post('/v1/units', { unitId: 'gen', names: { en: 'Gen' }, kind: 'office', parentId: 'city' }, { headers: { 'X-Correlation-Id': 'has spaces' } });
      expectStatus(res, 201);
      const id = res.headers.get('x-correlation-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const [event] = await ledger.ledgerStore().readStream('unit-gen');
      expect(event.metadata.correlationId).toBe(id);
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text to a loopback caller: appends, latency, lag, HTTP durations by route', async () => {
      const res = await ledger.anonymous().get('/metrics');
      expectStatus(res, 200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^ledger_appends_total\{result="ok"\} [1-9]\d*$/m);
      expect(res.text).toMatch(/^ledger_append_duration_seconds_count\{result="ok"\} [1-9]\d*$/m);
      expect(res.text).toMatch(/^ledger_appends_per_second /m);
      expect(res.text).toMatch(/^ledger_projection_lag_events\{projection="read-models"\} 0$/m);
      expect(res.text).toMatch(/^ledger_store_head_position [1-9]\d*$/m);
      // The embedded store's writer thread, never replaced here; PostgreSQL has none (the gauge has no value).
      if (store === 'sqlite') expect(res.text).toMatch(/^ledger_store_writer_restarts 0$/m);
      else expect(res.text).not.toMatch(/^ledger_store_writer_restarts \d/m);
      expect(res.text).toMatch(/^ledger_http_request_duration_seconds_count\{method="POST",route="\/v1\/units",status="201"\} [1-9]\d*$/m);
      expect(res.text).not.toMatch(/route="\/v1\/units\/corr/);
    });
  });

  describe('POST /v1/log/verify', () => {
    it('verifies the log for an administrator and sets the verify gauges', async () => {
      const res = await ledger.admin.post('/v1/log/verify');
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ ok: true, log: { ok: true, problems: [] }, checkpoints: { ok: true } });
      expect(res.body.log.eventsChecked).toBe(await ledger.ledgerStore().headPosition());
      const metrics = await ledger.anonymous().get('/metrics');
      expect(metrics.text).toMatch(/^ledger_verify_last_ok 1$/m);
      expect(metrics.text).toMatch(/^ledger_verify_last_duration_seconds \d/m);
      expect(metrics.text).toMatch(/^ledger_verify_runs_total\{result="ok"\} 1$/m);
    });

    it('refuses other roles', async () => {
      const auditor = await ledger.user('p-auditor', 'auditor', 'city');
      const res = await auditor.post('/v1/log/verify');
      expectStatus(res, 403);
      expect(res.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    });

    it('needs a token', async () => {
      expectStatus(await ledger.anonymous().post('/v1/log/verify'), 401);
    });
  });

  describe('when the read models fall behind the store by more than LEDGER_READY_MAX_LAG', () => {
    it('reports not ready (503) with the lag, and the lag gauge shows it', async () => {
      const head = await ledger.ledgerStore().headPosition();
      await ledger.readModels().waitFor(head);
      await ledger.app.get(ReadModelsService).onModuleDestroy();
      await ledger.ledgerStore().append({
        streamId: 'unit-behind',
        expectedVersion: 'no-stream',
        events: [{ type: 'UnitRegistered', data: { unitId: 'behind', names: { en: 'Behind' }, kind: 'office', parentId: 'city', at: '2018-01-02T09:00:00+08:00' } }],
        metadata: { actorId: 'test', actorRole: 'administrator', actorUnit: 'city', commandId: 'behind-1', correlationId: 'behind-1', causationId: null, occurredAt: '2018-01-02T01:00:00Z' },
      });
      const res = await ledger.anonymous().get('/health/ready');
      expectStatus(res, 503);
      expect(res.body.status).toBe('error');
      expect(res.body.error.projection).toMatchObject({ status: 'down', head: head + 1, position: head, lag: 1, maxLag: 0 });
      expect(res.body.info.store.status).toBe('up');
      const metrics = await ledger.anonymous().get('/metrics');
      expect(metrics.text).toMatch(/^ledger_projection_lag_events\{projection="read-models"\} 1$/m);
      expectStatus(await ledger.anonymous().get('/health/live'), 200);
    });
  });
});
