import { Inject, Injectable } from '@nestjs/common';
import { dateOf, type IsoDate, type IsoInstant } from '@ledger/domain';
import type { Clock } from '@ledger/event-store';
import { CLOCK } from '../infrastructure/ledger-store.module';
import { API_CONFIG, type ApiConfig } from './api-config';

/**
 * Time as the application hands it to the domain: instants with the jurisdiction's offset (`+08:00` for
 * Hengyang), so that "today" is the office's day. The store keeps the same instant in UTC in its metadata.
 */
@Injectable()
export class LedgerTime {
  private readonly offsetMinutes: number;
  /** The last second formatted, and its text: requests within one second ask for the same instant many times over. */
  private lastSecond = Number.NaN;
  private lastText = '';

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.offsetMinutes = offsetToMinutes(config.timeZoneOffset);
  }

  /** Now, to the second, in the jurisdiction's offset. */
  now(): IsoInstant {
    return this.inJurisdiction(this.clock.now().getTime());
  }

  today(): IsoDate {
    return dateOf(this.now());
  }

  /** The same instant in the jurisdiction's offset (to the second). */
  inJurisdiction(instant: IsoInstant | number): IsoInstant {
    const ms = typeof instant === 'number' ? instant : Date.parse(instant);
    const whole = Math.floor(ms / 1000) * 1000;
    if (whole === this.lastSecond) return this.lastText;
    const local = new Date(whole + this.offsetMinutes * 60_000).toISOString().slice(0, 19);
    const text = `${local}${this.config.timeZoneOffset === 'Z' ? 'Z' : this.config.timeZoneOffset}`;
    // NaN (an unparsable instant) never equals itself, so it is never cached.
    this.lastSecond = whole;
    this.lastText = text;
    return text;
  }

  /** The same instant in UTC, as the store's metadata wants it. */
  static utc(instant: IsoInstant): string {
    return `${new Date(Date.parse(instant)).toISOString().slice(0, 19)}Z`;
  }

  /** The first instant of a calendar day in the jurisdiction, in epoch ms. */
  startOfDay(date: IsoDate): number {
    return Date.parse(`${date}T00:00:00${this.config.timeZoneOffset}`);
  }

  epochMs(): number {
    return this.clock.now().getTime();
  }
}

function offsetToMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
