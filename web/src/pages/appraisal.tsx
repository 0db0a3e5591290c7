import { useState } from 'preact/hooks';
import { ruleSetById } from '@ledger/domain/appraisal/rule-sets';
import { can } from '../can';
import { CYCLE_STATUS, label } from '../i18n';
import { signingChoice, SigningKeyField } from '../signing';

/** Who may export evidence bundles (the API's evidence export: auditors, administrators, the discipline commission). */
const EVIDENCE_READERS = ['auditor', 'administrator', 'discipline_commissioner'];
import { CommandForm, DownloadButton, ErrorNote, Field, Loading, str, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';

interface Result {
  unitId: string;
  score: number;
  proposedGrade: string;
  ruleSetId: string;
  reviewReasons: string[];
  evidenceEventIds: string[];
}

interface Cycle {
  cycleId: string;
  status: string;
  year: number;
  peerGroup: string;
  ownerUnitId: string;
  ruleSetId: string;
  /** The rule set the cycle recorded when it opened (a published one is in no built-in table). */
  ruleSet?: { scales: { unit: Array<{ id: string; labels: Record<string, string> }> } } | null;
  unitIds: string[];
  results: Result[];
  grades: Array<{ unitId: string; grade: string }>;
  moves: Array<{ unitId: string; from: string; to: string; reason: string; note?: string }>;
  preparedBy: string[];
  signOffId: string | null;
  version: number;
}

function Cycles({ version }: { version: number }) {
  const { api, lang } = useSession();
  const t = useT();
  const list = useLoad(() => api.get<{ items: Cycle[] }>('/v1/appraisals'), [api, version]);
  if (list.error) return <ErrorNote error={list.error} />;
  if (!list.data) return <Loading />;
  if (list.data.items.length === 0) return <p>{t('none')}</p>;
  return (
    <ul class="cards">
      {list.data.items.map((c) => (
        <li>
          <a href={`#/appraisal/${encodeURIComponent(c.cycleId)}`}>
            {c.year} · {c.peerGroup}
          </a>{' '}
          <span class="badge" data-status={c.status}>
            {label(CYCLE_STATUS, c.status, lang)}
          </span>{' '}
          <span class="muted">{c.ruleSetId}</span>
        </li>
      ))}
    </ul>
  );
}

export function AppraisalPage({ cycleId }: { cycleId?: string }) {
  const t = useT();
  const [version, setVersion] = useState(0);
  return (
    <section aria-labelledby="appr-h">
      <h1 id="appr-h">{t('appraisal')}</h1>
      <Cycles version={version} />
      {cycleId && <CycleView cycleId={cycleId} onChanged={() => setVersion((v) => v + 1)} />}
    </section>
  );
}

function CycleView({ cycleId, onChanged }: { cycleId: string; onChanged: () => void }) {
  const session = useSession();
  const { api, lang, me } = session;
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const cycle = useLoad(() => api.get<Cycle>(`/v1/appraisals/${encodeURIComponent(cycleId)}`), [api, cycleId]);
  if (cycle.error) return <ErrorNote error={cycle.error} />;
  if (!cycle.data) return <Loading />;
  const c = cycle.data;
  // Grades are the rule set's codes; its scale names them in each language.
  const scale = (c.ruleSet ?? ruleSetById(c.ruleSetId))?.scales.unit ?? [];
  const gradeName = (code: string | undefined) => (code ? (scale.find((g) => g.id === code)?.labels[lang] ?? code) : '—');
  const gradeOf = (unitId: string) => gradeName(c.grades.find((g) => g.unitId === unitId)?.grade);
  const moveOf = (unitId: string) => c.moves.filter((m) => m.unitId === unitId);
  const mayApprove = c.status === 'moderated' && can(session, 'ApproveAppraisal', c.ownerUnitId) && !c.preparedBy.includes(me.id);
  const report = (ext: string) => `/v1/reports/appraisal/${c.year}/${encodeURIComponent(c.peerGroup)}.${ext}?lang=${lang}`;

  return (
    <article aria-labelledby="cycle-h" class="card">
      <h2 id="cycle-h">
        {t('cycle')} {c.year} · {t('peerGroup')} {c.peerGroup}
      </h2>
      <p>
        <span class="badge" data-testid="cycle-status" data-status={c.status}>
          {label(CYCLE_STATUS, c.status, lang)}
        </span>{' '}
        {t('ruleSet')}: <span class="mono">{c.ruleSetId}</span> · {t('preparedBy')}: {c.preparedBy.join(', ') || '—'} · {unitName(c.ownerUnitId)}
      </p>
      <p>
        {t('reports')}: <DownloadButton path={report('pdf')} fileName={`appraisal-${c.cycleId}.pdf`} label="PDF" />{' '}
        <DownloadButton path={report('xlsx')} fileName={`appraisal-${c.cycleId}.xlsx`} label="XLSX" /> <DownloadButton path={report('csv')} fileName={`appraisal-${c.cycleId}.csv`} label="CSV" />
      </p>
      <div class="table-wrap">
        <table data-testid="appraisal-table">
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col">{t('score')}</th>
              <th scope="col">{t('proposedGrade')}</th>
              <th scope="col">{t('finalGrade')}</th>
              <th scope="col">{t('moderation')}</th>
              <th scope="col">{t('evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {c.results.map((r) => (
              <tr>
                <th scope="row">{unitName(r.unitId)}</th>
                <td>{f.number(r.score, 2)}</td>
                <td>{gradeName(r.proposedGrade)}</td>
                <td>{gradeOf(r.unitId)}</td>
                <td>
                  {moveOf(r.unitId).map((m) => (
                    <div>
                      {t('movedFrom')} {gradeName(m.from)} → {gradeName(m.to)} ({m.reason}
                      {m.note ? `: ${m.note}` : ''})
                    </div>
                  ))}
                  {r.reviewReasons.length > 0 && <div class="muted small">{r.reviewReasons.join(', ')}</div>}
                </td>
                <td>
                  {r.evidenceEventIds.length > 0 && EVIDENCE_READERS.includes(me.role) ? (
                    <DownloadButton
                      path={`/v1/evidence?${r.evidenceEventIds.map((id) => `event=${encodeURIComponent(id)}`).join('&')}`}
                      fileName={`evidence-${c.cycleId}-${r.unitId}.json`}
                      label={`${t('evidenceBundle')} (${f.number(r.evidenceEventIds.length)})`}
                    />
                  ) : (
                    <span title={r.evidenceEventIds.join(' ')}>{r.evidenceEventIds.length ? `${f.number(r.evidenceEventIds.length)} ${t('events')}` : '—'}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p data-testid="approval">{c.signOffId ? `${t('approvedBy')} ${c.signOffId}` : t('notYetApproved')}</p>
      {mayApprove && (
        <CommandForm
          testId="approve-form"
          legend={t('approveCycle')}
          submitLabel={t('approve')}
          onSubmit={async (d) => {
            const signOff = await api.post<{ id: string }>('/v1/signoffs', { record: { streamId: `appraisal-${c.year}-${c.peerGroup}`, version: c.version }, decision: 'approve', comment: str(d, 'comment'), ...signingChoice(d) });
            await api.post(`/v1/appraisals/${encodeURIComponent(c.cycleId)}/approval`, { signOffId: signOff.id });
          }}
          onDone={() => (cycle.reload(), onChanged())}
        >
          {(failure) => (
            <>
              <Field label={t('comment')} name="comment" failure={failure}>
                {(a) => <input {...a} />}
              </Field>
              <SigningKeyField failure={failure} />
            </>
          )}
        </CommandForm>
      )}
    </article>
  );
}
