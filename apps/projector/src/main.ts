import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeStore, storeConfigFromEnv } from '@ledger/event-store';
import { ProjectorModule } from './projector.module';

async function bootstrap(): Promise<void> {
  const config = storeConfigFromEnv();
  const app = await NestFactory.createApplicationContext(ProjectorModule);
  app.enableShutdownHooks();
  const log = new Logger('Projector');
  log.log(`running on ${describeStore(config)}`);
}

bootstrap().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`projector failed to start: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
  process.exit(1);
});
