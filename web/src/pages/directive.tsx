import { query } from '../api';
import { DIRECTIVE_KIND, label } from '../i18n';
import { collectPeople, ErrorNote, Loading, Person, useFormats, useLoad, useSession, useT } from '../ui';
import { TaskTable, type TaskListPage } from './task-table';

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

/** A directive (chỉ đạo / 指示): its document number, issuer, meeting and text, and its tasks with status and timeliness. */
export function DirectivePage({ directiveId }: { directiveId: string }) {
  const session = useSession();
  const { api, lang } = session;
  const t = useT();
  const f = useFormats();
  const directive = useLoad(() => api.get<Directive>(`/v1/directives/${encodeURIComponent(directiveId)}`), [api, directiveId]);
  const tasks = useLoad(() => api.get<TaskListPage>(`/v1/tasks${query({ directiveId, pageSize: 100 })}`), [api, directiveId]);
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
        {tasks.data && <TaskTable list={tasks.data} people={people} testId="directive-tasks" withDirective={false} />}
        {tasks.data && tasks.data.items.length === 0 && <p>{t('none')}</p>}
      </section>
    </article>
  );
}
