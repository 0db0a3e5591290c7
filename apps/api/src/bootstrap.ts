import type { INestApplication } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { drainingHttpAdapter, installHttpOperations } from './operations/operations.module';
import { answerClientErrors } from './shared/client-error';
import { useJsonBodyParser } from './shared/json-body';
import { ledgerHeaders } from './shared/ledger-headers';
import { checkRequestBody } from './shared/validation-content-type';

/** A compiled module to build the application from instead of AppModule (a `TestingModule` with overrides). */
export interface CompiledLedgerModule {
  createNestApplication<T extends INestApplication = INestApplication>(
    httpAdapter: AbstractHttpAdapter,
    options?: { logger?: false; bodyParser?: boolean; bufferLogs?: boolean },
  ): T;
}

/**
 * Builds the configured application; `main.ts` listens on it, the end-to-end tests drive it through HTTP (from a
 * testing module whose clock, configuration or ticker they override).
 */
export async function createLedgerApp(options: { logger?: false; module?: CompiledLedgerModule } = {}): Promise<INestApplication> {
  // Logs are buffered until pino takes over (installHttpOperations), so start-up lines come out as JSON too. The
  // API speaks JSON only: Nest's parsers (JSON and urlencoded) are not registered, the API's own is (json-body.ts).
  const appOptions = { logger: options.logger, bodyParser: false, bufferLogs: options.logger !== false };
  // The API's ETag / Idempotent-Replayed / PrebuiltJson rules are applied by the adapter as it replies (no interceptor).
  const adapter = drainingHttpAdapter(process.env, ledgerHeaders);
  const app = options.module
    ? options.module.createNestApplication<NestFastifyApplication>(adapter, appOptions)
    : await NestFactory.create<NestFastifyApplication>(AppModule, adapter, appOptions);
  // Requests the HTTP parser refuses never reach Fastify: answer them with the ledger's error body too.
  answerClientErrors(app.getHttpServer());
  // The drain, correlation id, request timer and access log first; then no body but JSON (415), before it is read.
  installHttpOperations(app, options.logger !== false);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', checkRequestBody);
  useJsonBodyParser(fastify);
  // process.exit after the shutdown sequence (not a re-raised signal), so the 'exit' hook flushes the asynchronous log.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Accountability Ledger')
      .setDescription('Directives, tasks, sign-offs and their tamper-evident log. Errors are `{code, message, fields}`; messages follow Accept-Language (en, vi, zh).')
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
