import { RESTART_MAX_MS, RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('given a thread that died at once, then a replacement waits 1 s from its start, and the waits double up to 30 s', () => {
    let now = 0;
    const backoff = new RestartBackoff(now);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      backoff.died(now);
      waits.push(backoff.waitLeft(now));
      now += backoff.waitLeft(now);
      expect(backoff.waitLeft(now)).toBe(0);
      backoff.restarted(now);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('given a thread that ran past the wait, when it dies, then it may be replaced at once', () => {
    const backoff = new RestartBackoff(0);
    backoff.died(5_000);
    expect(backoff.waitLeft(5_000)).toBe(0);
  });

  it('given a thread that lived over a minute, when it is replaced, then the next wait is back to 1 s', () => {
    let now = 0;
    const backoff = new RestartBackoff(now);
    for (let i = 0; i < 4; i++) {
      now += backoff.waitLeft(now);
      backoff.died(now);
      backoff.restarted(now);
    }
    // The wait is 16 s now; this thread runs 2 min before it dies.
    expect(backoff.waitLeft(now)).toBe(16_000);
    backoff.died(now + 2 * RESTART_MAX_MS + 1);
    now += 3 * RESTART_MAX_MS;
    backoff.restarted(now);
    expect(backoff.waitLeft(now)).toBe(1_000);
  });

  it('given no death recorded (a caller that only sees the failure later), then the thread counts as alive until the replacement', () => {
    const backoff = new RestartBackoff(0);
    backoff.restarted(2 * RESTART_MAX_MS + 1);
    expect(backoff.waitLeft(2 * RESTART_MAX_MS + 1)).toBe(1_000);
    const early = new RestartBackoff(0);
    early.restarted(1_500);
    expect(early.waitLeft(1_500)).toBe(2_000);
  });
});
