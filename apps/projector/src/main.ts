import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeStore, storeConfigFromEnv } from '@ledger/event-store';
import { drainingHttpAdapter, installHttpOperations } from '../../api/src/operations/operations.module';
import { answerClientErrors } from '../../api/src/shared/client-error';
import { ProjectorModule } from './projector.module';

async function bootstrap(): Promise<void> {
  const config = storeConfigFromEnv();
  const app = await NestFactory.create(ProjectorModule, drainingHttpAdapter(), { bufferLogs: true });
  // Probes and scrapers get the same {code, message, fields} body as API clients for requests the parser refuses.
  answerClientErrors(app.getHttpServer());
  installHttpOperations(app, true);
  // SIGTERM: stop the probes' server, let a deadline sweep in progress finish, stop the subscription, close the store,
  // then process.exit (not a re-raised signal) so the exit hook flushes the asynchronous log.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const port = Number(process.env.LEDGER_PROJECTOR_PORT ?? 3001);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const banner = [`running on ${describeStore(config)}`, `health and metrics on http://${host}:${port}/health/ready and /metrics`];
  if (!process.stdout.isTTY) process.stdout.write(banner.map((line) => `[Projector] ${line}\n`).join(''));
  const log = new Logger('Projector');
  for (const line of banner) log.log(line);
}

bootstrap().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`projector failed to start: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
  process.exit(1);
});
