import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * Express with an orderly stop. Nest's shutdown runs `beforeClose` first, then the modules' destroy hooks (the
 * read-model subscription, the deadline watcher), then closes the server, then the shutdown hooks (the store). So
 * the drain happens here, before anything a request needs is stopped:
 *
 * 1. the listening socket is closed (no new connections) and requests arriving on open keep-alive connections
 *    get 503 `SERVICE.SHUTTING_DOWN` with `Connection: close` — a load balancer retries them elsewhere;
 * 2. requests already being handled run to the end — a command's append and its read-your-writes wait included —
 *    for at most `timeoutMs`;
 * 3. then Nest goes on: subscriptions stop, and the store closes once its in-flight appends settle.
 */
export class DrainingExpressAdapter extends ExpressAdapter {
  private readonly log = new Logger('Shutdown');
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(private readonly timeoutMs: number) {
    super();
  }

  /**
   * Counts a request in, or refuses it (503, `Connection: close`) once the instance is draining. Called first
   * thing by the operations middleware (installHttpOperations), which calls `requestSettled` when the response is
   * finished or its connection closed.
   */
  admit(res: Response): boolean {
    if (this.draining) {
      res.setHeader('Connection', 'close');
      res.status(503).json({ code: 'SERVICE.SHUTTING_DOWN', message: 'this instance is shutting down; retry', fields: [] });
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
    server?.close(() => undefined);
    server?.closeIdleConnections?.();
    if (this.inFlight === 0) return;
    this.log.log(`waiting for ${this.inFlight} request(s) in flight`);
    const drained = new Promise<boolean>((resolve) => {
      this.idle = () => resolve(true);
    });
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.timeoutMs).unref());
    if (!(await Promise.race([drained, timedOut]))) this.log.warn(`${this.inFlight} request(s) still in flight after ${this.timeoutMs} ms: stopping anyway`);
  }

  override close() {
    // What is left after the drain is idle keep-alive connections, or requests that outlived the timeout.
    (this.getHttpServer() as Server | undefined)?.closeAllConnections?.();
    return super.close();
  }
}
