import fc from 'fast-check';
import type { Clock } from '@ledger/event-store';
import type { ApiConfig } from './api-config';
import { LedgerTime } from './ledger-time';

const clock: Clock = { now: () => new Date(0) };
const timeOf = (timeZoneOffset: string) => new LedgerTime(clock, { timeZoneOffset } as ApiConfig);

describe('LedgerTime.inJurisdiction', () => {
  it('given the same second asked twice, when formatted, then both answers are the text of that second', () => {
    const time = timeOf('+08:00');
    expect(time.inJurisdiction('2026-11-24T03:00:00.100Z')).toBe('2026-11-24T11:00:00+08:00');
    expect(time.inJurisdiction('2026-11-24T03:00:00.900Z')).toBe('2026-11-24T11:00:00+08:00');
    expect(time.inJurisdiction('2026-11-24T03:00:01.000Z')).toBe('2026-11-24T11:00:01+08:00');
  });

  it('given any sequence of instants, when formatted by one instance, then each answer equals a fresh instance\'s', () => {
    const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(fc.constantFrom('+08:00', 'Z', '-05:30'), fc.array(fc.oneof(instant, fc.constantFrom(1_000, 1_999, 2_000)), { maxLength: 30 }), (offset, instants) => {
        const kept = timeOf(offset);
        for (const ms of instants) {
          expect(kept.inJurisdiction(ms)).toBe(timeOf(offset).inJurisdiction(ms));
          expect(kept.inJurisdiction(new Date(ms).toISOString())).toBe(timeOf(offset).inJurisdiction(ms));
        }
      }),
    );
  });

  it('given an instant that does not parse, when formatted, then it throws every time and is never remembered', () => {
    const time = timeOf('+08:00');
    expect(() => time.inJurisdiction('not a time')).toThrow(RangeError);
    expect(() => time.inJurisdiction('not a time')).toThrow(RangeError);
    expect(time.inJurisdiction(0)).toBe('1970-01-01T08:00:00+08:00');
  });
});
