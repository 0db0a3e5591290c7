import type { Clock } from '../port';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  private t: number;
  constructor(start = '2018-09-06T01:00:00.000Z') {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
