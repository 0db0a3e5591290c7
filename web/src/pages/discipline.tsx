import { CASE_STATUS, CHRONOLOGY, label, OUTCOME, RESPONSIBILITY } from '../i18n';
import { collectPeople, DownloadButton, ErrorNote, Loading, Person, useFormats, useLoad, useSession, useT, useUnitName, WithNames } from '../ui';

interface Case {
  caseId: string;
  status: string;
  open: boolean;
  subjectUnitId: string;
  referredOn: string;
  referredBy: string;
  objectiveId: string | null;
  referral: {
    subject: { unitId: string; resolvedOn: string; headVacant: boolean; persons: Array<{ personId: string; name: string; postTitle: string; responsibility: string; basis: string; tenure: { from: string; to: string | null } }> };
    failure: {
      metric: string;
      unitOfMeasure: string;
      target: number;
      actual: number;
      ratioToPlan: number;
      deadline: string;
      evaluatedOn: string;
      shortfall: number;
      outcome: string;
      source: { directive?: { documentNumber: string; title: string }; letter?: { documentNumber: string; title: string } };
    } | null;
    chronology: Array<{ at: string; on: string; kind: string; summary: string; beforeDeadline: boolean; eventId: string; streamId: string }>;
    integrity: { eventIds: string[]; evidenceHashes: string[]; ruleSetId: string };
  };
}

export function DisciplinePage() {
  const session = useSession();
  const { api, lang } = session;
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const cases = useLoad(() => api.get<{ items: Case[] }>('/v1/cases'), [api]);
  const people = collectPeople(session.units, cases.data);
  return (
    <section aria-labelledby="disc-h">
      <h1 id="disc-h">{t('navDiscipline')}</h1>
      <h2>{t('cases')}</h2>
      <ErrorNote error={cases.error} />
      {cases.loading && !cases.data && <Loading />}
      {cases.data && cases.data.items.length === 0 && <p>{t('none')}</p>}
      {cases.data?.items.map((c) => {
        const failure = c.referral.failure;
        const streams = [`case-${c.caseId}`];
        const evidencePath = `/v1/evidence?${[...streams.map((s) => `stream=${encodeURIComponent(s)}`), ...c.referral.integrity.eventIds.map((id) => `event=${encodeURIComponent(id)}`)].join('&')}`;
        return (
          <article class="card" aria-labelledby={`case-${c.caseId}`} data-testid="case">
            <h3 id={`case-${c.caseId}`}>
              {unitName(c.subjectUnitId)} <span class="mono small">{c.caseId}</span> <span class="badge" data-status={c.status}>{label(CASE_STATUS, c.status, lang)}</span>
            </h3>
            <p>
              {t('referredOn')}: {f.dateTime(c.referredOn)} · <Person id={c.referredBy} people={people} />
            </p>
            <div class="two">
              <section>
                <h4>{t('persons')}</h4>
                <ul>
                  {c.referral.subject.persons.map((p) => (
                    <li>
                      <strong>{p.name}</strong>, {p.postTitle} — {label(RESPONSIBILITY, p.responsibility, lang)}{' '}
                      <span class="muted">
                        ({f.date(p.tenure.from)} – {p.tenure.to ? f.date(p.tenure.to) : '…'})
                      </span>
                    </li>
                  ))}
                </ul>
                {failure && (
                  <>
                    <h4>{t('failure')}</h4>
                    <dl class="five">
                      <dt>{t('metric')}</dt>
                      <dd>{failure.metric}</dd>
                      <dt>{t('target')}</dt>
                      <dd>
                        {f.number(failure.target)} {failure.unitOfMeasure}
                      </dd>
                      <dt>{t('actual')}</dt>
                      <dd>
                        {f.number(failure.actual)} ({f.percent(failure.ratioToPlan)})
                      </dd>
                      <dt>{t('shortfall')}</dt>
                      <dd>{f.number(failure.shortfall)}</dd>
                      <dt>{t('deadline')}</dt>
                      <dd>{f.date(failure.deadline)}</dd>
                      <dt>{t('outcome')}</dt>
                      <dd>
                        {label(OUTCOME, failure.outcome, lang)} · {f.date(failure.evaluatedOn)}
                      </dd>
                      <dt>{t('directive')}</dt>
                      <dd>
                        {failure.source.directive ? `${failure.source.directive.documentNumber} — ${failure.source.directive.title}` : '—'}
                        {failure.source.letter && <div>{`${failure.source.letter.documentNumber} — ${failure.source.letter.title}`}</div>}
                      </dd>
                    </dl>
                  </>
                )}
                <p>
                  <DownloadButton path={evidencePath} fileName={`evidence-${c.caseId}.json`} label={t('downloadEvidence')} class="primary" />
                </p>
                <p class="muted small">
                  {t('ruleSet')}: {c.referral.integrity.ruleSetId} · {f.number(c.referral.integrity.eventIds.length)} {t('events')}
                </p>
              </section>
              <section>
                <h4>{t('chronology')}</h4>
                <ol class="timeline" data-testid="chronology">
                  {c.referral.chronology.map((entry) => (
                    <li class={entry.beforeDeadline ? '' : 'after'}>
                      <time dateTime={entry.at}>{f.date(entry.on)}</time>
                      <strong data-kind={entry.kind}>{label(CHRONOLOGY, entry.kind, lang)}</strong>
                      <span>
                        <WithNames text={entry.summary} people={people} />
                      </span>
                      <span class="muted small">{entry.beforeDeadline ? t('beforeDeadline') : t('afterDeadline')}</span>
                    </li>
                  ))}
                </ol>
              </section>
            </div>
          </article>
        );
      })}
    </section>
  );
}
