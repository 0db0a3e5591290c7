import { useState } from 'preact/hooks';
import { DownloadButton, ErrorNote, Field, Loading, useFormats, useLoad, useSession, useT } from '../ui';

interface Inspection {
  inspectionId: string;
  title: string;
  notices: Array<{ noticeId: string; documentNumber: string; publishedOn: string; kind: string }>;
}

/**
 * The printable reports and CSV exports the API serves (annual appraisal report per peer group, monthly inspection
 * notices, exports in the `ledger import` columns), fetched with the user's token and saved as files.
 */
export function ReportsPage() {
  const { api, lang } = useSession();
  const t = useT();
  const f = useFormats();
  const [year, setYear] = useState('2018');
  const [peerGroup, setPeerGroup] = useState('districts');
  const inspections = useLoad(() => api.get<{ items: Inspection[] }>('/v1/inspections'), [api]);
  const appraisal = (ext: string) => `/v1/reports/appraisal/${encodeURIComponent(year)}/${encodeURIComponent(peerGroup)}.${ext}?lang=${lang}`;
  const notices = (inspections.data?.items ?? []).flatMap((i) => i.notices.map((n) => ({ ...n, title: i.title })));

  return (
    <section aria-labelledby="reports-h">
      <h1 id="reports-h">{t('reports')}</h1>
      <section class="card" aria-labelledby="appraisal-report-h">
        <h2 id="appraisal-report-h">{t('appraisalReport')}</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('year')} name="year">
            {(a) => <input {...a} type="number" min={2000} max={2100} value={year} onInput={(e) => setYear((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <Field label={t('peerGroup')} name="peerGroup">
            {(a) => <input {...a} type="text" value={peerGroup} onInput={(e) => setPeerGroup((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <div class="buttons" data-testid="appraisal-report">
            <DownloadButton path={appraisal('pdf')} fileName={`appraisal-${year}-${peerGroup}.pdf`} label="PDF" />
            <DownloadButton path={appraisal('xlsx')} fileName={`appraisal-${year}-${peerGroup}.xlsx`} label="XLSX" />
            <DownloadButton path={appraisal('csv')} fileName={`appraisal-${year}-${peerGroup}.csv`} label="CSV" />
          </div>
        </form>
      </section>

      <section class="card" aria-labelledby="notices-h">
        <h2 id="notices-h">{t('inspectionNotices')}</h2>
        <ErrorNote error={inspections.error} />
        {inspections.loading && !inspections.data && <Loading />}
        {inspections.data && notices.length === 0 && <p>{t('none')}</p>}
        {notices.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('documentNumber')}</th>
                  <th scope="col">{t('title')}</th>
                  <th scope="col">{t('publishedOn')}</th>
                  <th scope="col">{t('download')}</th>
                </tr>
              </thead>
              <tbody>
                {notices.map((n) => (
                  <tr>
                    <td>{n.documentNumber}</td>
                    <td>{n.title}</td>
                    <td>{f.date(n.publishedOn)}</td>
                    <td>
                      <DownloadButton path={`/v1/reports/inspection-notices/${encodeURIComponent(n.noticeId)}.pdf?lang=${lang}`} fileName={`${n.noticeId}.pdf`} label="PDF" />{' '}
                      <DownloadButton path={`/v1/reports/inspection-notices/${encodeURIComponent(n.noticeId)}.xlsx?lang=${lang}`} fileName={`${n.noticeId}.xlsx`} label="XLSX" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="exports-h">
        <h2 id="exports-h">{t('exports')}</h2>
        <p class="muted">{t('exportsHelp')}</p>
        <p>
          <DownloadButton path="/v1/exports/units.csv" fileName="units.csv" label={`${t('units')} (CSV)`} /> <DownloadButton path="/v1/exports/directives.csv" fileName="directives.csv" label={`${t('directives')} (CSV)`} />{' '}
          <DownloadButton path="/v1/exports/tasks.csv" fileName="tasks.csv" label={`${t('tasks')} (CSV)`} />
        </p>
      </section>
    </section>
  );
}
