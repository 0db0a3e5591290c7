import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { LedgerStore } from '@ledger/event-store';
import { Public } from '../auth/current-actor.decorator';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { OPERATIONS_CONFIG, type OperationsConfig } from '../operations/operations.config';
import { ProjectionLag } from '../operations/projection-lag';

const STORE_TIMEOUT_MS = 2000;

/**
 * Probes for people and orchestrators, without credentials. `/health/live`: the process is up and serving HTTP
 * (never the store: a store outage must not get every replica restarted). `/health/ready`: the store answers a
 * cheap read and the read models are at most LEDGER_READY_MAX_LAG events behind its head; 503 otherwise. Both the
 * API and the projector serve them.
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  private readonly log = new Logger('Health');
  private wasReady: boolean | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(OPERATIONS_CONFIG) private readonly config: OperationsConfig,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly projectionLag: ProjectionLag,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The store is reachable; the head position of the log.', schema: { example: { status: 'ok', store: 'sqlite', head: 42 } } })
  async health() {
    return { status: 'ok', store: this.store.kind, head: await this.store.headPosition() };
  }

  @Get('live')
  @ApiOkResponse({ description: 'The process is up.', schema: { example: { status: 'ok', info: { process: { status: 'up', uptimeSeconds: 12 } }, error: {}, details: {} } } })
  live(@Res({ passthrough: true }) res: FastifyReply) {
    return this.run(res, [() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @ApiOkResponse({
    description: 'The store answers and the read models are close enough to its head to serve.',
    schema: {
      example: {
        status: 'ok',
        info: {
          store: { status: 'up', kind: 'postgres', head: 1042 },
          projection: { status: 'up', head: 1042, position: 1040, lag: 2, maxLag: 1000 },
          projections: { status: 'up', head: 1042, maxLag: 1000, gatesReadiness: false, items: { tasks: { position: 1000, lag: 42, owner: 'host-a:4711:9f2c', updatedAt: '2026-01-01T00:00:00.000Z' } } },
        },
        error: {},
        details: {},
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'The store does not answer, or the read models lag more than LEDGER_READY_MAX_LAG events.' })
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const result = await this.run(res, [
      () =>
        this.indicators
          .check('store')
          .attempt(async () => ({ kind: this.store.kind, head: await this.store.headPosition() }))
          .withTimeout(STORE_TIMEOUT_MS),
      async () => {
        const projection = this.indicators.check('projection');
        try {
          const { head, position, lag } = await this.projectionLag.lag();
          const data = { head, position, lag, maxLag: this.config.readyMaxLag };
          return lag <= this.config.readyMaxLag ? projection.up(data) : projection.down(data);
        } catch (error) {
          return projection.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      async () => {
        // The durable projections in the read-model store, per projection (checkpoint, lag, owner). They decide
        // readiness only in the projector, whose job they are; the API serves its in-memory models.
        const durable = this.indicators.check('projections');
        if (!this.projectionLag.hasDurable) return durable.up({ store: 'none' });
        try {
          const { head, projections } = await this.projectionLag.durable();
          const data = { head, maxLag: this.config.readyMaxLag, gatesReadiness: this.projectionLag.durableGateReadiness, items: Object.fromEntries(projections.map(({ projection, ...rest }) => [projection, rest])) };
          const behind = projections.some((p) => p.lag > this.config.readyMaxLag);
          return behind && this.projectionLag.durableGateReadiness ? durable.down(data) : durable.up(data);
        } catch (error) {
          const data = { message: error instanceof Error ? error.message : String(error) };
          return this.projectionLag.durableGateReadiness ? durable.down(data) : durable.up(data);
        }
      },
    ]);
    const ready = result.status === 'ok';
    if (ready !== this.wasReady) {
      if (ready) this.log.log('ready');
      else this.log.warn(`not ready: ${JSON.stringify(result.error ?? {})}`);
      this.wasReady = ready;
    }
    return result;
  }

  /** Terminus answers a failed check with a 503 exception; send its body as is rather than our error shape. */
  private async run(res: FastifyReply, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.checks.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
