import { ServerResponse, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Applied to every body a route returns, before Fastify sends it: sets headers from it and returns what to send
 * (the API's ETag and PrebuiltJson rules, shared/ledger-headers.ts). Here rather than in a Nest interceptor, which
 * would wrap every request of its routes in RxJS observables.
 */
export type BeforeReply = (reply: FastifyReply, body: unknown) => unknown;

/** Fastify's server options (and the adapter's: `skipMiddie`) for an HTTP/1.1 server. */
export type FastifyAdapterOptions = FastifyServerOptions & { readonly skipMiddie?: boolean };

/**
 * Fastify with an orderly stop. Nest's shutdown runs `beforeClose` first, then the modules' destroy hooks (the
 * read-model subscription, the deadline watcher), then closes the server, then the shutdown hooks (the store). So
 * the drain happens here, before anything a request needs is stopped:
 *
 * 1. the listening socket is closed (no new connections) and requests arriving on open keep-alive connections
 *    get 503 `SERVICE.SHUTTING_DOWN` with `Connection: close` — a load balancer retries them elsewhere;
 * 2. requests already being handled run to the end — a command's append and its read-your-writes wait included —
 *    for at most `timeoutMs`;
 * 3. then Nest goes on: subscriptions stop, and the store closes once its in-flight appends settle.
 *
 * Fastify's own 503 while closing (`return503OnClosing`) is off: it would answer with Fastify's error body, and
 * only once `close` runs, after the drain; the operations hook refuses those requests with the ledger's body.
 */
export class DrainingFastifyAdapter extends FastifyAdapter {
  private readonly log = new Logger('Shutdown');
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  /**
   * The operations hook (drain, correlation id, timer, access log), once installHttpOperations has made it: a request
   * the router refuses before any hook runs (a path that does not percent-decode) goes through it too.
   */
  operationsHook: ((request: FastifyRequest, reply: FastifyReply, done: () => void) => void) | undefined;

  constructor(
    private readonly timeoutMs: number,
    options: FastifyAdapterOptions = {},
    private readonly beforeReply?: BeforeReply,
  ) {
    super({ ...options, return503OnClosing: false });
  }

  override reply(response: ServerResponse | FastifyReply, body: unknown, statusCode?: number): FastifyReply {
    // A raw Node response (no Fastify reply to set headers on) goes out as Nest sends it.
    const fastifyReply = response instanceof ServerResponse ? undefined : response;
    return super.reply(response, this.beforeReply && fastifyReply ? this.beforeReply(fastifyReply, body) : body, statusCode);
  }

  /**
   * Counts a request in, or refuses it (503, `Connection: close`) once the instance is draining. Called first
   * thing by the operations hook (installHttpOperations), which calls `requestSettled` when the response is
   * finished or its connection closed.
   */
  admit(reply: FastifyReply): boolean {
    if (this.draining) {
      reply.header('Connection', 'close');
      reply.code(503).send({ code: 'SERVICE.SHUTTING_DOWN', message: 'this instance is shutting down; retry', fields: [] });
      return false;
    }
    this.inFlight++;
    return true;
  }

  requestSettled(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.idle?.();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  override async beforeClose(): Promise<void> {
    super.beforeClose();
    if (this.draining) return;
    this.draining = true;
    const server = this.getHttpServer() as Server | undefined;
    // Stop accepting connections now; `close` below (Nest's) resolves once the open ones are gone.
    if (server?.listening) server.close(() => undefined);
    server?.closeIdleConnections?.();
    if (this.inFlight === 0) return;
    this.log.log(`waiting for ${this.inFlight} request(s) in flight`);
    const drained = new Promise<boolean>((resolve) => {
      this.idle = () => resolve(true);
    });
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.timeoutMs).unref());
    if (!(await Promise.race([drained, timedOut]))) this.log.warn(`${this.inFlight} request(s) still in flight after ${this.timeoutMs} ms: stopping anyway`);
  }

  override async close(): Promise<void> {
    // What is left after the drain is idle keep-alive connections, or requests that outlived the timeout.
    (this.getHttpServer() as Server | undefined)?.closeAllConnections?.();
    return super.close();
  }
}
