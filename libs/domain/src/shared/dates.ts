/**
 * Calendar dates and instants as strings, compared and shifted without reading a clock.
 *
 * - A *date* is `YYYY-MM-DD` (a calendar day, no time zone): deadlines, appointment dates, issue dates.
 * - An *instant* is ISO 8601 with seconds and an explicit offset: `2018-10-10T09:30:00+08:00` or `...Z`.
 *   Commands carry one as `now`.
 * - The calendar day of an instant is read in the instant's *own* offset: `2018-10-31T23:30:00+08:00` is on
 *   2018-10-31 even though it is 2018-10-31T15:30Z. The application passes `now` in the jurisdiction's local
 *   offset (+08:00 for Hengyang, +07:00 for Hanoi) so that a day means the office's day, and deadlines are judged
 *   by the local calendar, as the offices judge them.
 * - A deadline date is inclusive: work reported on the deadline day is on time; the deadline has *passed* from the
 *   next day on (`hasPassed(deadline, today)` is `today > deadline`).
 *
 * `YYYY-MM-DD` strings sort chronologically, so comparisons are string comparisons.
 */

export type IsoDate = string;
export type IsoInstant = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isIsoInstant(value: unknown): value is IsoInstant {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match || !isIsoDate(match[1])) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[5] !== undefined && (Number(match[6]) > 14 || Number(match[7]) > 59)) return false;
  return true;
}

/** The calendar day of an instant, in the instant's own offset (see above). */
export function dateOf(instant: IsoInstant): IsoDate {
  return instant.slice(0, 10);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export const isBefore = (a: IsoDate, b: IsoDate): boolean => a < b;
export const isAfter = (a: IsoDate, b: IsoDate): boolean => a > b;

/** A deadline has passed on `today` when `today` is a later day: the deadline day itself is still in time. */
export function hasPassed(deadline: IsoDate, today: IsoDate): boolean {
  return today > deadline;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil), integer arithmetic only.
function toDayNumber(date: IsoDate): number {
  let year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  year -= month <= 2 ? 1 : 0;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function fromDayNumber(dayNumber: number): IsoDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
