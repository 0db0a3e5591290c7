import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import { loggerParams } from './logging';
import { operationsConfigFromEnv } from './operations.config';

/** Runs one fake request through pino-http configured as the app configures it, and returns what it wrote. */
function logOneRequest(headers: Record<string, string>, extra: (log: { info: (obj: object, msg: string) => void }) => void = () => undefined): string {
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  const params = loggerParams(operationsConfigFromEnv({}), 'ledger-test', false).pinoHttp as Options;
  const middleware = pinoHttp(params, sink);
  const req = Object.assign(new EventEmitter(), { method: 'POST', url: '/v1/units', headers, socket: { remoteAddress: '127.0.0.1' }, correlationId: 'corr-1' });
  const res = Object.assign(new EventEmitter(), { statusCode: 201, headersSent: true, getHeaders: () => ({}), writableEnded: true });
  middleware(req as never, res as never, () => undefined);
  extra((req as unknown as { log: { info: (obj: object, msg: string) => void } }).log);
  res.emit('finish');
  return out;
}

describe('the request log', () => {
  it('writes one JSON line per request with the correlation id, method, url and status', () => {
    const [line] = logOneRequest({ 'user-agent': 'curl/8' }).trim().split('\n');
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'ledger-test', correlationId: 'corr-1', req: { method: 'POST', url: '/v1/units', userAgent: 'curl/8' }, res: { statusCode: 201 }, msg: 'request completed' });
  });

  it('never writes the bearer token, cookies, or token-like fields logged by the application', () => {
    const secret = 'lgr_0123456789abcdef01234567_SECRETSECRETSECRET';
    const out = logOneRequest({ authorization: `Bearer ${secret}`, cookie: `session=${secret}` }, (log) => log.info({ token: secret, user: { secret, password: secret } }, 'issued'));
    expect(out).toContain('issued');
    expect(out).not.toContain(secret);
    expect(out).not.toContain('SECRETSECRET');
  });
});

describe('redactQuery', () => {
  it('hides credential-like query parameters and keeps the rest', () => {
    const { redactQuery } = jest.requireActual('./logging') as typeof import('./logging');
    expect(redactQuery('/v1/tasks?unitId=zh&access_token=lgr_abc_secret&page=2')).toBe('/v1/tasks?unitId=zh&access_token=[redacted]&page=2');
    expect(redactQuery('/v1/me?Token=x')).toBe('/v1/me?Token=[redacted]');
    expect(redactQuery('/v1/tasks?unitId=zh')).toBe('/v1/tasks?unitId=zh');
    expect(redactQuery('/health')).toBe('/health');
  });
});
