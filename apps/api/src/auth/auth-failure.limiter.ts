import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@ledger/event-store';
import { CLOCK } from '../infrastructure/ledger-store.module';
import { IDENTITY_CONFIG, type IdentityConfig } from './identity.config';

type Window = { startedAt: number; failures: number };

/**
 * Counts authentication failures (401s) per client address in fixed windows; past the limit, the address is
 * refused (429) until its window ends, valid token or not, so guessing gains nothing from going on. Successes do
 * not reset the count: a caller holding one good token cannot use it to keep guessing others.
 *
 * In memory and per process: it slows a guesser down and keeps garbage traffic cheap; a shared limit across
 * replicas belongs in the reverse proxy. Behind a proxy, set Fastify's `trustProxy` so the address is the client's.
 */
@Injectable()
export class AuthFailureLimiter {
  private static readonly MAX_TRACKED = 50_000;
  private readonly windows = new Map<string, Window>();

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: Pick<IdentityConfig, 'authFailureLimit' | 'authFailureWindowMs'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Seconds until `address` may try again, or 0 when it is not blocked. */
  retryAfterSeconds(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.config.authFailureLimit) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.config.authFailureWindowMs - this.clock.now().getTime()) / 1000));
  }

  recordFailure(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= AuthFailureLimiter.MAX_TRACKED) this.prune();
    this.windows.set(address, { startedAt: this.clock.now().getTime(), failures: 1 });
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && this.clock.now().getTime() - window.startedAt >= this.config.authFailureWindowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Drops ended windows; if a flood of addresses leaves none ended, the oldest half (Map order is insertion order). */
  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [address, window] of this.windows) {
      if (now - window.startedAt >= this.config.authFailureWindowMs) this.windows.delete(address);
    }
    if (this.windows.size >= AuthFailureLimiter.MAX_TRACKED) {
      let drop = this.windows.size / 2;
      for (const address of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(address);
      }
    }
  }
}
