import { TestClock } from '@ledger/event-store/testing/test-clock';
import { AuthFailureLimiter } from './auth-failure.limiter';

describe('AuthFailureLimiter', () => {
  const setup = () => {
    const clock = new TestClock('2018-09-06T01:00:00.000Z');
    const limiter = new AuthFailureLimiter({ authFailureLimit: 3, authFailureWindowMs: 60_000 }, clock);
    return { clock, limiter };
  };

  describe('below the limit', () => {
    it('lets the address keep trying', () => {
      const { limiter } = setup();
      limiter.recordFailure('10.0.0.1');
      limiter.recordFailure('10.0.0.1');
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    });
  });

  describe('when an address reaches the limit', () => {
    it('refuses it until its window ends, and says for how long', () => {
      const { clock, limiter } = setup();
      for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1');
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(60);
      clock.advance(45_500);
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(15);
      clock.advance(14_500);
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    });

    it('keeps other addresses out of it', () => {
      const { limiter } = setup();
      for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1');
      expect(limiter.retryAfterSeconds('10.0.0.2')).toBe(0);
    });

    it('starts a fresh count in the next window', () => {
      const { clock, limiter } = setup();
      for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1');
      clock.advance(60_000);
      limiter.recordFailure('10.0.0.1');
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
    });
  });
});
