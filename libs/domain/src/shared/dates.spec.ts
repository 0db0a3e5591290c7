import fc from 'fast-check';
import { addDays, dateOf, daysBetween, hasPassed, isIsoDate, isIsoInstant, yearOf } from './dates';

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    for (const good of ['2018-10-31', '2016-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) expect(isIsoDate(good)).toBe(true);
    for (const bad of ['2018-02-29', '1900-02-29', '2018-13-01', '2018-00-10', '2018-04-31', '2018-1-1', '20181031', '2018-10-31T00:00:00Z', 20181031]) {
      expect(isIsoDate(bad)).toBe(false);
    }
  });

  it('accepts instants with seconds and an explicit offset only', () => {
    for (const good of ['2018-10-31T23:30:00+08:00', '2018-10-31T15:30:00Z', '2018-10-31T15:30:00.123Z', '2018-10-31T15:30:00-05:00']) {
      expect(isIsoInstant(good)).toBe(true);
    }
    for (const bad of ['2018-10-31T15:30:00', '2018-10-31T15:30Z', '2018-10-31 15:30:00Z', '2018-10-31T24:00:00Z', '2018-02-30T10:00:00Z', '2018-10-31T10:00:00+15:00']) {
      expect(isIsoInstant(bad)).toBe(false);
    }
  });

  it('reads the day of an instant in its own offset', () => {
    expect(dateOf('2018-10-31T23:30:00+08:00')).toBe('2018-10-31');
    expect(dateOf('2018-11-01T01:00:00+08:00')).toBe('2018-11-01');
    expect(yearOf('2018-10-31')).toBe(2018);
  });

  it('lets a deadline pass only from the next day', () => {
    expect(hasPassed('2018-10-31', '2018-10-31')).toBe(false);
    expect(hasPassed('2018-10-31', '2018-11-01')).toBe(true);
    expect(hasPassed('2018-10-31', '2018-10-30')).toBe(false);
  });

  it('shifts dates across months, leap days and years', () => {
    expect(addDays('2018-10-31', 1)).toBe('2018-11-01');
    expect(addDays('2016-02-28', 1)).toBe('2016-02-29');
    expect(addDays('2018-12-31', 1)).toBe('2019-01-01');
    expect(addDays('2018-03-01', -1)).toBe('2018-02-28');
    expect(daysBetween('2018-09-06', '2018-10-31')).toBe(55);
  });

  it('property: addDays agrees with UTC calendar arithmetic and daysBetween inverts it', () => {
    const dates = fc.integer({ min: 0, max: 200 * 366 }).map((n) => isoFromUtc(Date.UTC(1900, 0, 1) + n * 86_400_000));
    fc.assert(
      fc.property(dates, fc.integer({ min: -5000, max: 5000 }), (date, days) => {
        const shifted = addDays(date, days);
        expect(isIsoDate(shifted)).toBe(true);
        expect(shifted).toBe(isoFromUtc(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));
        expect(daysBetween(date, shifted)).toBe(days);
        expect(shifted > date).toBe(days > 0);
      }),
      { numRuns: 1000 },
    );
  });
});

function isoFromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
