import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import type { DestinationStream } from 'pino';
import { AccessLog, requestLogContext } from './access-log';
import { loggerParams, redactQuery } from './logging';
import { operationsConfigFromEnv } from './operations.config';

const SECRET = 'lgr_0123456789abcdef01234567_SECRETSECRETSECRET';

/** The root logger nestjs-pino builds from the app's parameters (pino-http's factory), writing into a string. */
function rootLogger(level = 'info') {
  const sink = { out: '' };
  const stream = new Writable({
    write(chunk, _encoding, done) {
      sink.out += chunk.toString();
      done();
    },
  });
  const params = loggerParams(operationsConfigFromEnv({ LEDGER_LOG_LEVEL: level }), 'ledger-test', false, stream as DestinationStream);
  const [options] = params.pinoHttp as [Options, DestinationStream];
  const logger = pinoHttp(options, stream as DestinationStream).logger;
  return { logger, accessLog: new AccessLog(logger, stream as DestinationStream, 'ledger-test'), lines: () => sink.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function fakeRequest(method: string, url: string, headers: Record<string, string>) {
  return Object.assign(new EventEmitter(), { method, url, originalUrl: url, headers, socket: { remoteAddress: '127.0.0.1' } });
}

function fakeResponse(statusCode: number) {
  return Object.assign(new EventEmitter(), { statusCode });
}

describe('the access log', () => {
  it('writes one JSON line per request with the correlation id, method, url, client, status and time', () => {
    const { accessLog, lines } = rootLogger();
    accessLog.write(fakeRequest('POST', '/v1/units', { 'user-agent': 'curl/8' }) as never, fakeResponse(201) as never, 'corr-1', 3.4);
    const [line] = lines();
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'ledger-test',
      req: { method: 'POST', url: '/v1/units', remoteAddress: '127.0.0.1', userAgent: 'curl/8' },
      correlationId: 'corr-1',
      res: { statusCode: 201 },
      responseTime: 3,
      msg: 'request completed',
    });
  });

  it('logs a server error at error, probes and scrapes at debug (left out at the default level)', () => {
    const { accessLog, lines } = rootLogger();
    accessLog.write(fakeRequest('GET', '/health/ready', {}) as never, fakeResponse(200) as never, 'c1', 1);
    accessLog.write(fakeRequest('GET', '/metrics', {}) as never, fakeResponse(200) as never, 'c2', 1);
    accessLog.write(fakeRequest('GET', '/v1/tasks', {}) as never, fakeResponse(500) as never, 'c3', 1);
    expect(lines()).toEqual([expect.objectContaining({ level: 'error', correlationId: 'c3', res: { statusCode: 500 }, err: { type: 'Error', message: 'failed with status code 500' }, msg: 'request errored' })]);
    const debug = rootLogger('debug');
    debug.accessLog.write(fakeRequest('GET', '/health', {}) as never, fakeResponse(200) as never, 'c1', 1);
    expect(debug.lines()).toEqual([expect.objectContaining({ level: 'debug', correlationId: 'c1' })]);
  });

  it('writes nothing when the level is silent', () => {
    const { accessLog, lines, logger } = rootLogger();
    logger.level = 'silent';
    accessLog.write(fakeRequest('GET', '/v1/tasks', {}) as never, fakeResponse(500) as never, 'c3', 1);
    expect(lines()).toEqual([]);
  });

  it('stays one valid JSON line whatever the client puts in the URL and User-Agent', () => {
    const { accessLog, lines } = rootLogger();
    const url = '/v1/tasks?q="}\\,"level":"fatal"\n&unitId=河东';
    const agent = 'evil"agent\r\n{"x":1}\u0000';
    accessLog.write(fakeRequest('GET', url, { 'user-agent': agent }) as never, fakeResponse(404) as never, 'corr-2', 0.2);
    expect(lines()).toEqual([expect.objectContaining({ level: 'info', req: { method: 'GET', url, remoteAddress: '127.0.0.1', userAgent: agent }, correlationId: 'corr-2', res: { statusCode: 404 }, responseTime: 0 })]);
  });

  it('leaves out what the request does not have (no User-Agent)', () => {
    const { accessLog, lines } = rootLogger();
    accessLog.write(fakeRequest('DELETE', '/v1/x', {}) as never, fakeResponse(204) as never, 'c', 1);
    expect(lines()[0].req).toEqual({ method: 'DELETE', url: '/v1/x', remoteAddress: '127.0.0.1' });
  });

  it('never writes the bearer token, cookies, or a token sent in the query string', () => {
    const { accessLog, lines } = rootLogger();
    accessLog.write(fakeRequest('GET', `/v1/me?access_token=${SECRET}`, { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}` }) as never, fakeResponse(200) as never, 'c', 1);
    expect(JSON.stringify(lines())).not.toContain('SECRETSECRET');
    expect(lines()[0]).toMatchObject({ req: { url: '/v1/me?access_token=[redacted]' } });
  });
});

describe('lines logged while handling a request', () => {
  it('carry the request and its correlation id, and outside a request neither', () => {
    const { logger, lines } = rootLogger();
    const req = fakeRequest('GET', '/v1/tasks/t-1?token=abc', { 'user-agent': 'ua' });
    requestLogContext.run({ req: req as never, correlationId: 'corr-9' }, () => logger.info({ context: 'Tasks' }, 'handler line'));
    logger.info('outside');
    const [inside, outside] = lines();
    expect(inside).toMatchObject({ level: 'info', service: 'ledger-test', req: { method: 'GET', url: '/v1/tasks/t-1?token=[redacted]', remoteAddress: '127.0.0.1', userAgent: 'ua' }, correlationId: 'corr-9', context: 'Tasks', msg: 'handler line' });
    expect(outside).not.toHaveProperty('req');
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('keep the context across awaits', async () => {
    const { logger, lines } = rootLogger();
    await requestLogContext.run({ req: fakeRequest('GET', '/v1/me', {}) as never, correlationId: 'corr-async' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn('later');
    });
    expect(lines()).toEqual([expect.objectContaining({ level: 'warn', correlationId: 'corr-async', msg: 'later' })]);
  });

  it('never write the bearer token, cookies, or token-like fields the application logs', () => {
    const { logger, lines } = rootLogger();
    const req = fakeRequest('POST', '/v1/users', { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}` });
    requestLogContext.run({ req: req as never, correlationId: 'c' }, () => {
      logger.info({ token: SECRET, user: { secret: SECRET, password: SECRET }, req: { headers: { authorization: `Bearer ${SECRET}` } } }, 'issued');
    });
    const out = JSON.stringify(lines());
    expect(out).toContain('issued');
    expect(out).not.toContain('SECRETSECRET');
  });
});

/** Runs `end` in a process logging through the app's stdout destination (batched: 4 KiB or 250 ms), after one line. */
function processLoggingThen(end: string): { stdout: string; status: number | null } {
  const script = `
    const { pinoHttp } = require('pino-http');
    const { loggerParams } = require('./apps/api/src/operations/logging');
    const [options, stream] = loggerParams({ logLevel: 'info' }, 'ledger-test', false).pinoHttp;
    const logger = pinoHttp(options, stream).logger;
    logger.info('the last line before the end');
    ${end}
  `;
  const out = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: join(__dirname, '../../../..'), encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
  return { stdout: out.stdout, status: out.status };
}

describe('the asynchronous stdout destination', () => {
  it('writes the lines it holds when the process exits (SIGTERM ends with process.exit)', () => {
    const { stdout, status } = processLoggingThen('setTimeout(() => process.exit(0), 20);');
    expect(status).toBe(0);
    expect(stdout).toContain('the last line before the end');
  });

  it('writes them before an uncaught exception ends the process', () => {
    const { stdout, status } = processLoggingThen(`setTimeout(() => { throw new Error('boom'); }, 20);`);
    expect(status).toBe(1);
    expect(stdout).toContain('the last line before the end');
  });

  it('writes them before an unhandled rejection ends the process', () => {
    const { stdout, status } = processLoggingThen(`setTimeout(() => Promise.reject(new Error('boom')), 20);`);
    expect(status).toBe(1);
    expect(stdout).toContain('the last line before the end');
  });
});

describe('redactQuery', () => {
  it('hides credential-like query parameters and keeps the rest', () => {
    expect(redactQuery('/v1/tasks?unitId=zh&access_token=lgr_abc_secret&page=2')).toBe('/v1/tasks?unitId=zh&access_token=[redacted]&page=2');
    expect(redactQuery('/v1/me?Token=x')).toBe('/v1/me?Token=[redacted]');
    expect(redactQuery('/v1/tasks?unitId=zh')).toBe('/v1/tasks?unitId=zh');
    expect(redactQuery('/health')).toBe('/health');
  });
});
