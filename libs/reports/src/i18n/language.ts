/** The three working languages of the ledger, and the locale each one formats dates and numbers in. */
export const REPORT_LANGUAGES = ['en', 'vi', 'zh'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** A text in every working language (rule-set names, grade labels). */
export type Localized = { readonly [L in ReportLanguage]: string };

const LOCALES: Record<ReportLanguage, string> = { en: 'en-GB', vi: 'vi-VN', zh: 'zh-CN' };

export function isReportLanguage(value: unknown): value is ReportLanguage {
  return typeof value === 'string' && (REPORT_LANGUAGES as readonly string[]).includes(value);
}

/** Dates, numbers and percentages for one language, with Intl (full ICU ships with Node). */
export class Formatter {
  readonly locale: string;
  private readonly dates: Intl.DateTimeFormat;
  private readonly instants: Intl.DateTimeFormat;
  private readonly numbers: Intl.NumberFormat;
  private readonly percents: Intl.NumberFormat;
  private readonly integers: Intl.NumberFormat;

  constructor(
    readonly language: ReportLanguage,
    /** The jurisdiction's UTC offset (`+08:00`, `Z`): instants are shown in it. */
    readonly timeZoneOffset = 'Z',
  ) {
    this.locale = LOCALES[language];
    this.dates = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.instants = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZoneOffset === 'Z' ? 'UTC' : timeZoneOffset });
    this.numbers = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
    this.percents = new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 1 });
    this.integers = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0 });
  }

  /** A calendar date (`YYYY-MM-DD`) as the locale writes it; anything else as it is. */
  date(value: string | null | undefined): string {
    if (!value) return '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return this.dates.format(new Date(`${value}T00:00:00Z`));
  }

  /** An instant in the jurisdiction's time, with its offset named. */
  instant(value: string | null | undefined): string {
    if (!value) return '';
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return value;
    return `${this.instants.format(at)} (UTC${this.timeZoneOffset === 'Z' ? '' : this.timeZoneOffset})`;
  }

  number(value: number | null | undefined): string {
    return value === null || value === undefined ? '' : this.numbers.format(value);
  }

  integer(value: number | null | undefined): string {
    return value === null || value === undefined ? '' : this.integers.format(value);
  }

  /** A fraction (0–1) as a percentage. */
  percent(value: number | null | undefined): string {
    return value === null || value === undefined ? '' : this.percents.format(value);
  }
}
