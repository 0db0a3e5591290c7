import { useState } from 'preact/hooks';
import { query } from '../api';
import { label, TASK_STATUS, TIMELINESS } from '../i18n';
import { collectPeople, ErrorNote, Field, Loading, Person, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';
import { TaskTable, type TaskListPage } from './task-table';

interface Directive {
  directiveId: string;
  documentNumber: string;
  title: string;
  issuedOn: string;
  kind: string;
  status: string;
  issuer: { personId: string; name: string; postTitle: string; unitId: string };
  meeting: { name: string; date: string } | null;
  taskIds: string[];
}

type Filters = { unitId?: string; status?: string; timeliness?: string; deadlineFrom?: string; deadlineTo?: string; directiveId?: string };

export function TasksPage() {
  const session = useSession();
  const { api, units, lang } = session;
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const pageSize = 25;
  const directives = useLoad(() => api.get<{ items: Directive[] }>('/v1/directives?pageSize=100'), [api]);
  const tasks = useLoad(
    () => api.get<TaskListPage>(`/v1/tasks${query({ ...filters, page, pageSize })}`),
    [api, JSON.stringify(filters), page],
  );
  const apply = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const next: Filters = {};
    for (const key of ['unitId', 'status', 'timeliness', 'deadlineFrom', 'deadlineTo', 'directiveId'] as const) {
      const value = data.get(key);
      if (typeof value === 'string' && value) next[key] = value;
    }
    setFilters(next);
    setPage(1);
  };
  const people = collectPeople(session.units, directives.data, tasks.data);
  const pages = tasks.data ? Math.max(1, Math.ceil(tasks.data.total / pageSize)) : 1;

  return (
    <section aria-labelledby="tasks-h">
      <h1 id="tasks-h">{t('navTasks')}</h1>
      <h2>{t('directives')}</h2>
      <ErrorNote error={directives.error} />
      {directives.data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('documentNumber')}</th>
                <th scope="col">{t('title')}</th>
                <th scope="col">{t('issuedOn')}</th>
                <th scope="col">{t('issuer')}</th>
                <th scope="col">{t('meeting')}</th>
                <th scope="col">{t('tasks')}</th>
              </tr>
            </thead>
            <tbody>
              {directives.data.items.map((d) => (
                <tr>
                  <td>
                    <a href={`#/directives/${encodeURIComponent(d.directiveId)}`} data-testid="directive-link">
                      {d.documentNumber}
                    </a>
                  </td>
                  <td>
                    <button type="button" class="link" onClick={() => (setFilters({ directiveId: d.directiveId }), setPage(1))}>
                      {d.title}
                    </button>
                  </td>
                  <td>{f.date(d.issuedOn)}</td>
                  <td>
                    <Person id={d.issuer.personId} unitId={d.issuer.unitId} people={people} />
                  </td>
                  <td>{d.meeting ? `${d.meeting.name} (${f.date(d.meeting.date)})` : '—'}</td>
                  <td>{f.number(d.taskIds.length)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('tasks')}</h2>
      <form class="filters" onSubmit={apply} aria-label={t('filters')} key={JSON.stringify(filters)}>
        <Field label={t('unit')} name="unitId">
          {(a) => (
            <select {...a} value={filters.unitId ?? ''}>
              <option value="">{t('anyUnit')}</option>
              {units.map((u) => (
                <option value={u.unitId}>{unitName(u.unitId)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('status')} name="status">
          {(a) => (
            <select {...a} value={filters.status ?? ''}>
              <option value="">{t('any')}</option>
              {Object.keys(TASK_STATUS).map((s) => (
                <option value={s}>{label(TASK_STATUS, s, lang)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('timeliness')} name="timeliness">
          {(a) => (
            <select {...a} value={filters.timeliness ?? ''}>
              <option value="">{t('any')}</option>
              {Object.keys(TIMELINESS).map((s) => (
                <option value={s}>{label(TIMELINESS, s, lang)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('directive')} name="directiveId">
          {(a) => (
            <select {...a} value={filters.directiveId ?? ''}>
              <option value="">{t('any')}</option>
              {(directives.data?.items ?? []).map((d) => (
                <option value={d.directiveId}>{d.documentNumber}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('deadlineFrom')} name="deadlineFrom">
          {(a) => <input type="date" {...a} value={filters.deadlineFrom ?? ''} />}
        </Field>
        <Field label={t('deadlineTo')} name="deadlineTo">
          {(a) => <input type="date" {...a} value={filters.deadlineTo ?? ''} />}
        </Field>
        <div class="buttons">
          <button type="submit">{t('apply')}</button>
          <button type="button" class="secondary" onClick={() => (setFilters({}), setPage(1))}>
            {t('clear')}
          </button>
        </div>
      </form>
      <ErrorNote error={tasks.error} />
      {tasks.loading && !tasks.data && <Loading />}
      {tasks.data && (
        <>
          <TaskTable list={tasks.data} people={people} testId="task-table" withDirective />
          {tasks.data.items.length === 0 && <p>{t('none')}</p>}
          <nav class="pager" aria-label={t('page')}>
            <button type="button" class="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('previous')}
            </button>
            <span>
              {t('page')} {f.number(page)} {t('ofTotal')} {f.number(pages)}
            </span>
            <button type="button" class="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
