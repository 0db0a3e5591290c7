import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Controller, Get, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { LedgerMetrics } from '../operations/ledger-metrics';
import { ApiError } from '../shared/api-error';

/**
 * The web dashboard (web/, built by `node web/build.mjs` into dist/web): `GET /` answers a browser (Accept: text/html)
 * with the single-page app and every other client with the API's JSON index; `/web/*` serves its script and
 * stylesheet. Same origin as the API, so the app calls it with the user's bearer token and nothing else: the
 * Content-Security-Policy allows no request to any other origin and no inline script or style element.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** dist/web beside the compiled API (dist/apps/api/src/web → dist/web), or under the repository when run from source. */
export function webRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LEDGER_WEB_DIR) return resolve(env.LEDGER_WEB_DIR);
  const compiled = join(__dirname, '..', '..', '..', '..', 'web');
  return existsSync(join(compiled, 'index.html')) ? compiled : join(__dirname, '..', '..', '..', '..', 'dist', 'web');
}

/** The built file a GET of `url` is answered with, or undefined when the request is not the web app's. */
export function webFileFor(url: string, accept: string | undefined): string | undefined {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path === '/' || path === '') return (accept ?? '').includes('text/html') ? 'index.html' : undefined;
  if (!path.startsWith('/web/')) return undefined;
  const name = path.slice('/web/'.length);
  // Flat directory of built files: no sub-paths, no dot files, nothing outside it.
  return /^[A-Za-z0-9_-]+\.(js|css|html|map)$/.test(name) ? name : undefined;
}

/**
 * Serves the web app before any route (a Fastify `onRequest` hook): `GET /` from a browser and `GET /web/<file>`.
 * Anything else, or a file that is not there, goes on to the routes: the JSON index, or 404.
 */
@Injectable()
export class WebStatic {
  private readonly root = webRoot();

  async serve(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = webFileFor(request.url, request.headers.accept);
    if (file === undefined) return false;
    let body: Buffer;
    try {
      body = await readFile(join(this.root, file));
    } catch {
      return false;
    }
    reply.header('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    reply.header('Content-Security-Policy', WEB_CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-cache');
    reply.header('Vary', 'Accept');
    reply.code(200).send(body);
    return true;
  }
}

export interface LastVerification {
  readonly ok: boolean;
  readonly finishedAt: string;
  readonly eventsChecked: number;
  readonly durationSeconds: number;
}

/** Reads one unlabelled sample from Prometheus text exposition. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** The last `verify` result the ledger_verify_last_* gauges hold, or null when no verification has run in this process. */
export function lastVerificationFrom(exposition: string): LastVerification | null {
  const timestamp = sample(exposition, 'ledger_verify_last_timestamp_seconds');
  if (!timestamp) return null;
  return {
    ok: sample(exposition, 'ledger_verify_last_ok') === 1,
    finishedAt: new Date(timestamp * 1000).toISOString(),
    eventsChecked: sample(exposition, 'ledger_verify_last_events_checked') ?? 0,
    durationSeconds: sample(exposition, 'ledger_verify_last_duration_seconds') ?? 0,
  };
}

const VERIFICATION_READERS = new Set(['administrator', 'auditor', 'discipline_commissioner']);

@ApiTags('log')
@ApiBearerAuth()
@Controller('v1/web')
export class WebStatusController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get('verification')
  @ApiOperation({ summary: 'The last verification of the log run by this API process (on demand or LEDGER_VERIFY_EVERY_SECONDS), for the dashboard (auditor, administrator, discipline commission)' })
  @ApiOkResponse({ schema: { example: { lastVerify: { ok: true, finishedAt: '2026-11-23T08:00:02.000Z', eventsChecked: 120000, durationSeconds: 1.92 } } } })
  @ApiForbiddenResponse({ schema: { example: { code: 'AUTH.ROLE_NOT_ALLOWED', message: 'only auditors, administrators and the discipline commission read the verification status', fields: [] } } })
  async verification(@CurrentActor() actor: AuthenticatedActor): Promise<{ lastVerify: LastVerification | null }> {
    if (!VERIFICATION_READERS.has(actor.role)) throw new ApiError(403, 'AUTH.ROLE_NOT_ALLOWED', 'only auditors, administrators and the discipline commission read the verification status');
    return { lastVerify: lastVerificationFrom((await this.metrics.exposition()).body) };
  }
}

@Module({ controllers: [WebStatusController], providers: [WebStatic] })
export class WebModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly web: WebStatic,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance() as FastifyInstance | undefined;
    // Only the web app's requests wait for the file: every other one goes straight on.
    fastify?.addHook('onRequest', (request, reply, done) => {
      if (webFileFor(request.url, request.headers.accept) === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return done();
      this.web.serve(request, reply).then(
        (served) => (served ? undefined : done()),
        (error: Error) => done(error),
      );
    });
  }
}
