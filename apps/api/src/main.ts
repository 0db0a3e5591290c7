import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { describeStore, storeConfigFromEnv } from '@ledger/event-store';
import { createLedgerApp } from './bootstrap';

async function bootstrap(): Promise<void> {
  const config = storeConfigFromEnv();
  const app = await createLedgerApp();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  // People and scripts read these two lines: plain text on stdout whatever the log format, then the same as a log event.
  const banner = [`listening on http://${host}:${port} (API docs at /docs)`, `data: ${describeStore(config)}`];
  if (!process.stdout.isTTY) process.stdout.write(banner.map((line) => `[Ledger] ${line}\n`).join(''));
  const log = new Logger('Ledger');
  for (const line of banner) log.log(line);
}

bootstrap().catch((error: unknown) => {
  // Configuration and start-up errors are the operator's to fix: say what, without a stack trace for known codes.
  const e = error as { code?: string; message?: string };
  console.error(`ledger failed to start: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
  process.exit(1);
});
