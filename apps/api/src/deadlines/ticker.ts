/** Calls `tick` every `intervalMs`; returns the stop function. Injected so tests drive time themselves. */
export interface Ticker {
  start(intervalMs: number, tick: () => Promise<unknown>): () => void;
}

export const DEADLINE_TICKER = Symbol('DEADLINE_TICKER');

export const intervalTicker: Ticker = {
  start(intervalMs, tick) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      tick().finally(() => {
        running = false;
      });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};
