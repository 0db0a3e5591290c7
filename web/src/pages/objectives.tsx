import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { query } from '../api';
import { label, LOCALE, OUTCOME, PACE } from '../i18n';
import { ErrorNote, Field, Loading, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

interface Row {
  objectiveId: string;
  unitId: string;
  year: number;
  metric: string;
  unitOfMeasure: string;
  direction: string;
  target: number;
  actual: number | null;
  actualAsOf: string | null;
  deadline: string;
  ratioToPlan: number | null;
  ratioToSamePeriodLastYear: number | null;
  shareOfYearElapsed: number;
  pace: { index: number | null; gap: number | null; status: string } | null;
  outcome: string | null;
}

/** One Chart.js chart on a canvas, rebuilt when its configuration changes; the table beside it says the same. */
function ChartCanvas({ config, label: name, testId }: { config: any; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [JSON.stringify(config.data), config.options?.locale]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={name} data-testid={testId} />
    </div>
  );
}

export function ObjectivesPage() {
  const { api, lang } = useSession();
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const [year, setYear] = useState(2018);
  const [asOf, setAsOf] = useState('');
  const [unitId, setUnitId] = useState('');
  // A past year is shown as it closed (its share of the year elapsed is then 100%), unless a date is chosen.
  const effectiveAsOf = asOf || (year < new Date().getFullYear() ? `${year}-12-31` : '');
  const dashboard = useLoad(() => api.get<{ asOf: string; items: Row[] }>(`/v1/objectives/dashboard${query({ year, asOf: effectiveAsOf, unitId })}`), [api, year, effectiveAsOf, unitId]);
  const rows = dashboard.data?.items ?? [];
  const locale = LOCALE[lang];
  const percentTick = (v: number | string) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Number(v));
  const labels = rows.map((r) => unitName(r.unitId));

  const targetChart = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: t('target'), data: rows.map((r) => r.target), backgroundColor: '#9bb7d4' },
        { label: t('actual'), data: rows.map((r) => r.actual), backgroundColor: '#1f5f99' },
      ],
    },
    options: { locale, responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
  };
  const paceChart = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: t('ratioToPlan'), data: rows.map((r) => r.ratioToPlan), backgroundColor: rows.map((r) => (r.outcome === 'missed' ? '#b3261e' : '#2e7d32')) },
        { label: t('ratioToLastYear'), data: rows.map((r) => r.ratioToSamePeriodLastYear), backgroundColor: '#8d6e63' },
        { type: 'line', label: t('shareOfYear'), data: rows.map((r) => r.shareOfYearElapsed), borderColor: '#e07b00', backgroundColor: '#e07b00', pointRadius: 4, borderDash: [6, 4] },
      ],
    },
    options: { locale, responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { callback: percentTick } } } },
  };

  return (
    <section aria-labelledby="obj-h">
      <h1 id="obj-h">{t('objectives')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('year')} name="year">
          {(a) => <input {...a} type="number" min={2000} max={2100} value={year} onChange={(e) => setYear(Number((e.currentTarget as HTMLInputElement).value) || 2018)} />}
        </Field>
        <Field label={t('asOfDate')} name="asOf">
          {(a) => <input {...a} type="date" value={effectiveAsOf} onChange={(e) => setAsOf((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('unit')} name="unitId">
          {(a) => (
            <select {...a} value={unitId} onChange={(e) => setUnitId((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('anyUnit')}</option>
              {[...new Set(rows.map((r) => r.unitId).concat(unitId ? [unitId] : []))].map((u) => (
                <option value={u}>{unitName(u)}</option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorNote error={dashboard.error} />
      {dashboard.loading && !dashboard.data && <Loading />}
      {dashboard.data && rows.length === 0 && <p>{t('none')}</p>}
      {rows.length > 0 && (
        <>
          <div class="charts">
            <figure>
              <figcaption>{t('targetVsActual')}</figcaption>
              <ChartCanvas config={targetChart} label={t('targetVsActual')} testId="chart-target" />
            </figure>
            <figure>
              <figcaption>{t('paceChart')}</figcaption>
              <ChartCanvas config={paceChart} label={t('paceChart')} testId="chart-pace" />
            </figure>
          </div>
          <div class="table-wrap">
            <table data-testid="objectives-table" class="fit">
              <caption class="muted">
                {t('asOfDate')}: {f.date(dashboard.data!.asOf)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('unit')}</th>
                  <th scope="col">{t('metric')}</th>
                  <th scope="col">{t('target')}</th>
                  <th scope="col">{t('actual')}</th>
                  <th scope="col">{t('ratioToPlan')}</th>
                  <th scope="col">{t('ratioToLastYear')}</th>
                  <th scope="col">{t('shareOfYear')}</th>
                  <th scope="col">{t('pace')}</th>
                  <th scope="col">{t('deadline')}</th>
                  <th scope="col">{t('outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <th scope="row">{unitName(r.unitId)}</th>
                    <td class="metric">{r.metric}</td>
                    <td>
                      {f.number(r.target, 2)} {r.unitOfMeasure}
                    </td>
                    <td>{f.number(r.actual, 2)}</td>
                    <td>{f.percent(r.ratioToPlan)}</td>
                    <td>{f.percent(r.ratioToSamePeriodLastYear)}</td>
                    <td>{f.percent(r.shareOfYearElapsed)}</td>
                    <td>{r.pace ? `${f.number(r.pace.index, 2)} (${label(PACE, r.pace.status, lang)})` : '—'}</td>
                    <td>{f.date(r.deadline)}</td>
                    <td>
                      <span class={`badge o-${r.outcome ?? 'open'}`}>{r.outcome ? label(OUTCOME, r.outcome, lang) : '—'}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
