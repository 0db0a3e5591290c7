import { query } from '../api';
import { DIRECTIVE_KIND, label, TASK_STATUS, TIMELINESS } from '../i18n';
import { collectPeople, ErrorNote, Loading, Person, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';

interface Directive {
  directiveId: string;
  documentNumber: string;
  kind: string;
  status: string;
  title: string;
  body: string;
  issuedOn: string;
  issuer: { personId: string; name: string; postTitle: string; unitId: string };
  meeting: { name: string; date: string } | null;
  taskIds: string[];
  amendments: number;
  withdrawal: { reason?: string; on?: string } | null;
}

interface TaskRow {
  taskId: string;
  title: string;
  status: string;
  timeliness: string;
  deadline: string | null;
  percent: number | null;
  assignment: { leadUnitId: string; responsible: { personId: string; name: string; postTitle: string; unitId: string } | null } | null;
}

/** A directive (chỉ đạo / 指示): its document number, issuer, meeting and text, and its tasks with status and timeliness. */
export function DirectivePage({ directiveId }: { directiveId: string }) {
  const session = useSession();
  const { api, lang } = session;
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const directive = useLoad(() => api.get<Directive>(`/v1/directives/${encodeURIComponent(directiveId)}`), [api, directiveId]);
  const tasks = useLoad(() => api.get<{ items: TaskRow[]; total: number; asOf: string }>(`/v1/tasks${query({ directiveId, pageSize: 100 })}`), [api, directiveId]);
  if (directive.error) return <ErrorNote error={directive.error} />;
  if (!directive.data) return <Loading />;
  const d = directive.data;
  const people = collectPeople(session.units, d, tasks.data);
  return (
    <article aria-labelledby="directive-h" data-testid="directive-page">
      <p>
        <a href="#/tasks">← {t('navTasks')}</a>
      </p>
      <h1 id="directive-h">{d.title}</h1>
      <section class="card" aria-label={t('directive')}>
        <dl class="five" data-testid="directive-facts">
          <dt>{t('documentNumber')}</dt>
          <dd data-testid="document-number">{d.documentNumber}</dd>
          <dt>{t('kind')}</dt>
          <dd>{label(DIRECTIVE_KIND, d.kind, lang)}</dd>
          <dt>{t('issuedOn')}</dt>
          <dd>{f.date(d.issuedOn)}</dd>
          <dt>{t('issuer')}</dt>
          <dd data-testid="issuer">
            <Person id={d.issuer.personId} unitId={d.issuer.unitId} people={people} />
          </dd>
          <dt>{t('meeting')}</dt>
          <dd>{d.meeting ? `${d.meeting.name} (${f.date(d.meeting.date)})` : '—'}</dd>
          <dt>{t('status')}</dt>
          <dd>
            {label(DIRECTIVE_KIND, `status:${d.status}`, lang)}
            {d.amendments > 0 && (
              <span class="muted">
                {' '}
                · {t('amendments')}: {f.number(d.amendments)}
              </span>
            )}
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="directive-text-h">
        <h2 id="directive-text-h">{t('directiveText')}</h2>
        <p class="prewrap" data-testid="directive-text">
          {d.body}
        </p>
      </section>
      <section aria-labelledby="directive-tasks-h">
        <h2 id="directive-tasks-h">{t('tasks')}</h2>
        <ErrorNote error={tasks.error} />
        {tasks.loading && !tasks.data && <Loading />}
        {tasks.data && (
          <div class="table-wrap">
            <table data-testid="directive-tasks">
              <caption class="muted">
                {f.number(tasks.data.total)} · {t('asOfDate')}: {f.date(tasks.data.asOf)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('task')}</th>
                  <th scope="col">{t('leadUnit')}</th>
                  <th scope="col">{t('responsible')}</th>
                  <th scope="col">{t('deadline')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('timeliness')}</th>
                  <th scope="col">{t('percentDone')}</th>
                </tr>
              </thead>
              <tbody>
                {tasks.data.items.map((task) => (
                  <tr>
                    <td>
                      <a href={`#/tasks/${encodeURIComponent(task.taskId)}`}>
                        <span class="mono">{task.taskId}</span> {task.title}
                      </a>
                    </td>
                    <td>{unitName(task.assignment?.leadUnitId)}</td>
                    <td>{task.assignment?.responsible ? <Person id={task.assignment.responsible.personId} people={people} /> : '—'}</td>
                    <td>{f.date(task.deadline)}</td>
                    <td>{label(TASK_STATUS, task.status, lang)}</td>
                    <td>
                      <span class={`badge t-${task.timeliness}`}>{label(TIMELINESS, task.timeliness, lang)}</span>
                    </td>
                    <td>{task.percent == null ? '—' : f.percent(task.percent / 100)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {tasks.data && tasks.data.items.length === 0 && <p>{t('none')}</p>}
      </section>
    </article>
  );
}
