import { lastVerificationFrom } from './web.module';

describe('lastVerificationFrom (the ledger_verify_last_* gauges)', () => {
  it('says none when no verification has run (the timestamp gauge is still 0)', () => {
    expect(lastVerificationFrom('# TYPE ledger_verify_last_ok gauge\nledger_verify_last_ok 0\nledger_verify_last_timestamp_seconds 0\n')).toBeNull();
    expect(lastVerificationFrom('')).toBeNull();
  });

  it('reads the outcome, time, events checked and duration of the last run', () => {
    const text = [
      '# HELP ledger_verify_last_ok 1 when the last verification passed',
      'ledger_verify_last_ok 1',
      'ledger_verify_last_duration_seconds 1.5',
      'ledger_verify_last_events_checked 1234',
      'ledger_verify_last_timestamp_seconds 1763884800',
      'ledger_verify_runs_total{result="ok"} 1',
    ].join('\n');
    expect(lastVerificationFrom(text)).toEqual({ ok: true, finishedAt: '2025-11-23T08:00:00.000Z', eventsChecked: 1234, durationSeconds: 1.5 });
  });

  it('reports a failed run as not ok', () => {
    expect(lastVerificationFrom('ledger_verify_last_ok 0\nledger_verify_last_timestamp_seconds 1763884800\n')).toMatchObject({ ok: false, eventsChecked: 0 });
  });
});
