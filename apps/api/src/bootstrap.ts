import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';

/** Builds the configured application; `main.ts` listens on it, the end-to-end tests drive it through HTTP. */
export async function createLedgerApp(options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: options.logger, bodyParser: true });
  app.useBodyParser('json', { limit: '1mb' });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
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
