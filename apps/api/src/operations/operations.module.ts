import { Module, type DynamicModule, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from '../health/health.controller';
import { IndexController } from '../health/index.controller';
import { HttpErrorFilter } from '../shared/http-error.filter';
import { preferredLanguage } from '../shared/language';
import { DrainingFastifyAdapter, type BeforeReply } from './draining-fastify-adapter';
import { httpOperationsHook } from './http-operations.middleware';
import { LedgerMetrics } from './ledger-metrics';
import { LogVerifier } from './log-verifier.service';
import { accessLogOf, loggerParams, useLedgerLogger } from './logging';
import { MetricsController } from './metrics.controller';
import { OPERATIONS_CONFIG, operationsConfigFromEnv, type OperationsConfig } from './operations.config';
import { ProjectionLag } from './projection-lag';
import { VerifyLogController } from './verify-log.controller';

/**
 * Running the ledger for real: health and readiness (terminus), Prometheus metrics, JSON logs with correlation ids
 * (nestjs-pino), the log verifier (on demand and scheduled). The API serves `/`, `/health*`, `/metrics` and
 * `POST /v1/log/verify`; the projector `/health*` and `/metrics`. Needs `LedgerStoreModule` (which brings
 * `MetricsModule`) and `LedgerCoreModule` (the read models whose lag is reported).
 */
@Module({})
export class OperationsModule {
  static forApi(): DynamicModule {
    return operations('ledger-api', [IndexController, HealthController, MetricsController, VerifyLogController], []);
  }

  /** The projector has no AppModule: it needs the error filter itself. */
  static forProjector(): DynamicModule {
    return operations('ledger-projector', [HealthController, MetricsController], [{ provide: APP_FILTER, useClass: HttpErrorFilter }]);
  }
}

function operations(service: string, controllers: Type[], providers: Provider[]): DynamicModule {
  return {
    module: OperationsModule,
    imports: [
      TerminusModule.forRoot({ logger: false }),
      LoggerModule.forRootAsync({ inject: [OPERATIONS_CONFIG], useFactory: (config: OperationsConfig) => loggerParams(config, service) }),
    ],
    controllers,
    providers: [ProjectionLag, LogVerifier, ...providers],
    exports: [ProjectionLag, LogVerifier],
  };
}

/**
 * The HTTP adapter of both apps: Fastify that drains in-flight requests on shutdown (LEDGER_SHUTDOWN_TIMEOUT_MS).
 * Node's own server timeouts are kept (Fastify turns the request timeout off and raises the keep-alive one), so a
 * client that never finishes its request is still cut off (408, shared/client-error.ts). Route parameters may be
 * as long as the request line allows, as on Express (Fastify refuses those over 100 characters with 414), and
 * paths match as on Express: a trailing slash ignored, letters in any case. A path the router cannot decode gets
 * the API's error body. No middleware engine (middie): nothing is mounted as middleware.
 */
export function drainingHttpAdapter(
  env: NodeJS.ProcessEnv = process.env,
  beforeReply?: BeforeReply,
): DrainingFastifyAdapter {
  const adapter: DrainingFastifyAdapter = new DrainingFastifyAdapter(operationsConfigFromEnv(env).shutdownTimeoutMs, {
    skipMiddie: true,
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 65_536, ignoreTrailingSlash: true, caseSensitive: false },
    // What the router refuses before any hook runs (a path that does not percent-decode): the API's error body, after
    // the operations hook, so the refusal is drained, correlated, counted and logged like any other request.
    frameworkErrors: (error, request, reply) => {
      const { status, body } = new HttpErrorFilter().map(error, preferredLanguage(request.headers['accept-language']));
      const send = (): void => void (reply as FastifyReply).code(status).send(body);
      if (adapter.operationsHook) adapter.operationsHook(request as FastifyRequest, reply as FastifyReply, send);
      else send();
    },
  }, beforeReply);
  return adapter;
}

/**
 * What runs before any route: the drain, the correlation id, the request timer and the access log (one
 * `onRequest` hook), and the logger (pino, or nothing when `logs` is false).
 */
export function installHttpOperations(app: INestApplication, logs: boolean): void {
  const adapter = app.getHttpAdapter();
  useLedgerLogger(app, logs);
  const drain = adapter instanceof DrainingFastifyAdapter ? adapter : undefined;
  const hook = httpOperationsHook(drain, app.get(LedgerMetrics), logs ? accessLogOf() : undefined);
  if (drain) drain.operationsHook = hook;
  (adapter.getInstance() as FastifyInstance).addHook('onRequest', hook);
}
