import { label, TASK_STATUS, TIMELINESS } from '../i18n';
import { Person, useFormats, useSession, useT, useUnitName, type People } from '../ui';

/** A task as `GET /v1/tasks` lists it (the fields the table shows). */
export interface TaskRow {
  taskId: string;
  title: string;
  status: string;
  timeliness: string;
  deadline: string | null;
  documentNumber?: string;
  directiveId: string;
  percent: number | null;
  assignment: { leadUnitId: string; responsible: { personId: string; name: string; postTitle: string; unitId: string } | null } | null;
}

export interface TaskListPage {
  items: TaskRow[];
  total: number;
  asOf: string;
}

/**
 * The task table of the tasks page and of a directive's page: each task with its lead unit, responsible person,
 * deadline, status, timeliness on the list's day and percent done; `withDirective` adds the directive under each task.
 */
export function TaskTable({ list, people, testId, withDirective }: { list: TaskListPage; people: People; testId: string; withDirective: boolean }) {
  const { lang } = useSession();
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  return (
    <div class="table-wrap">
      <table data-testid={testId}>
        <caption class="muted">
          {f.number(list.total)} · {t('asOfDate')}: {f.date(list.asOf)}
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
          {list.items.map((task) => (
            <tr>
              <td>
                <a href={`#/tasks/${encodeURIComponent(task.taskId)}`}>
                  <span class="mono">{task.taskId}</span> {task.title}
                </a>
                {withDirective && (
                  <div class="muted small">
                    <a href={`#/directives/${encodeURIComponent(task.directiveId)}`} title={t('openDirective')}>
                      {task.documentNumber ?? task.directiveId}
                    </a>
                  </div>
                )}
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
  );
}
