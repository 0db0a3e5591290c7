/** The first wait before a worker thread that died is replaced, and the longest (it doubles while threads keep dying). */
export const RESTART_MIN_MS = 1_000;
export const RESTART_MAX_MS = 30_000;

/**
 * When a writer thread that died may be replaced (the event store's and the read-model store's): at once if it had run
 * for the current wait, else once that wait has passed since its start. The wait doubles from 1 s to 30 s while
 * threads keep dying soon after they start (a file that cannot be opened, a fault that comes back), and goes back to
 * 1 s after a thread that ran for over a minute. Times are milliseconds on the caller's clock.
 */
export class RestartBackoff {
  private startedAt: number;
  private diedAt: number | undefined;
  private delayMs = RESTART_MIN_MS;

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /** The current thread died (or could not start) at `at`; without it, a thread is taken to have lived until now. */
  died(at: number): void {
    this.diedAt ??= at;
  }

  /** Milliseconds before a replacement may start; 0: it may start now. */
  waitLeft(now: number): number {
    return Math.max(0, this.startedAt + this.delayMs - now);
  }

  /** A replacement starts at `now`: the next wait doubles, unless the thread it replaces lived long. */
  restarted(now: number): void {
    const lived = (this.diedAt ?? now) - this.startedAt;
    this.delayMs = lived > 2 * RESTART_MAX_MS ? RESTART_MIN_MS : Math.min(RESTART_MAX_MS, this.delayMs * 2);
    this.startedAt = now;
    this.diedAt = undefined;
  }
}
