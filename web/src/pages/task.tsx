import { can } from '../can';
import { signingChoice, SigningKeyField } from '../signing';
import { CHANNELS, label, TASK_EVENTS, TASK_STATUS, TIMELINESS } from '../i18n';
import { collectPeople, CommandForm, ErrorNote, Field, Loading, lines, num, Person, str, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';

interface Task {
  taskId: string;
  title: string;
  status: string;
  directiveId: string;
  directiveIssuedOn: string;
  deadline: string | null;
  percent: number | null;
  version: number;
  timeliness?: string;
  assignment: {
    leadUnitId: string;
    coUnitIds: string[];
    responsible: { name: string; personId: string; postTitle: string; unitId: string } | null;
    work: string;
    expectedResult: string;
    assignedOn: string;
    originalDeadline: string;
  } | null;
  acknowledgedOn: string | null;
  extensionRequests: Array<{ requestId: string; newDeadline: string; reason: string; status?: string; decision?: string | null; requestedOn?: string }>;
  reminders: Array<{ on: string; by: string }>;
  completion: { reportedBy: string; reportedOn: string } | null;
  verification: { verifiedBy: string; verifiedOn: string } | null;
}

interface TimelineItem {
  eventId: string;
  position: number;
  type: string;
  actor: { id: string; role: string; unit: string };
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

const OPEN = ['assigned', 'acknowledged', 'in_progress', 'returned', 'completion_reported'];

/** A line of the timeline: what the event says, in a few words. */
function summary(item: TimelineItem): string {
  const d = item.data as Record<string, any>;
  switch (item.type) {
    case 'TaskAssigned':
      return `→ ${d.leadUnitId} · ${d.deadline} · ${d.responsible?.name ?? ''}`;
    case 'ProgressReported':
      return `${d.percent}% · ${d.narrative ?? ''}`;
    case 'CompletionReported':
      return String(d.narrative ?? '');
    case 'ReminderIssued':
      return `${d.channel}: ${d.message}`;
    case 'ExtensionRequested':
      return `${d.newDeadline} · ${d.reason}`;
    case 'TaskReturnedForRedo':
      return String(d.reason ?? '');
    case 'CompletionVerified':
      return String(d.comment ?? '');
    case 'DeadlinePassed':
      return String(d.deadline ?? '');
    default:
      return '';
  }
}

export function TaskPage({ taskId }: { taskId: string }) {
  const session = useSession();
  const { api, lang } = session;
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const task = useLoad(() => api.get<Task>(`/v1/tasks/${encodeURIComponent(taskId)}`), [api, taskId]);
  const timeline = useLoad(() => api.get<{ items: TimelineItem[] }>(`/v1/tasks/${encodeURIComponent(taskId)}/timeline`), [api, taskId]);
  const reload = () => {
    task.reload();
    timeline.reload();
  };
  const directive = useLoad(() => (task.data ? api.get<{ issuer: unknown; documentNumber: string }>(`/v1/directives/${encodeURIComponent(task.data.directiveId)}`) : Promise.resolve(null)), [api, task.data?.directiveId]);
  if (task.error) return <ErrorNote error={task.error} />;
  if (!task.data) return <Loading />;
  const data = task.data;
  const people = collectPeople(session.units, data, directive.data, timeline.data);
  const lead = data.assignment?.leadUnitId ?? null;
  const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
  const open = OPEN.includes(data.status);
  const unitWork = ['acknowledged', 'in_progress', 'returned'].includes(data.status);
  const pending = data.extensionRequests.filter((r) => (r.status ?? r.decision ?? 'pending') === 'pending');
  const mayAck = data.status === 'assigned' && can(session, 'AcknowledgeTask', lead);
  const mayProgress = unitWork && can(session, 'ReportProgress', lead);
  const mayComplete = unitWork && can(session, 'ReportCompletion', lead);
  const mayExtend = open && data.status !== 'completion_reported' && can(session, 'RequestExtension', lead);
  const mayRemind = open && can(session, 'IssueReminder', lead);
  const mayVerify = data.status === 'completion_reported' && can(session, 'VerifyCompletion', lead);
  const mayReturn = data.status === 'completion_reported' && can(session, 'ReturnTaskForRedo', lead);
  const mayDecideExtension = pending.length > 0 && can(session, 'GrantExtension', lead);
  const maySignOff = can(session, 'RecordSignOff', lead);
  const anything = mayAck || mayProgress || mayComplete || mayExtend || mayRemind || mayVerify || mayReturn || mayDecideExtension || maySignOff;

  return (
    <article aria-labelledby="task-h">
      <p>
        <a href="#/tasks">← {t('navTasks')}</a> · <a href={`#/directives/${encodeURIComponent(data.directiveId)}`} data-testid="task-directive-link">
          {t('directive')} {directive.data?.documentNumber ?? data.directiveId}
        </a>
      </p>
      <h1 id="task-h">
        <span class="mono">{data.taskId}</span> {data.title}
      </h1>
      <p>
        <span class="badge">{label(TASK_STATUS, data.status, lang)}</span>{' '}
        {data.timeliness && <span class={`badge t-${data.timeliness}`}>{label(TIMELINESS, data.timeliness, lang)}</span>}{' '}
        {data.percent != null && (
          <span>
            {t('percentDone')}: {f.percent(data.percent / 100)}
          </span>
        )}
      </p>
      <section aria-labelledby="five-h" class="card">
        <h2 id="five-h">{t('fiveClear')}</h2>
        <dl class="five" data-testid="five-clear">
          <dt>{t('clearPerson')}</dt>
          <dd>{data.assignment?.responsible ? `${data.assignment.responsible.name}, ${data.assignment.responsible.postTitle} (${unitName(data.assignment.responsible.unitId)})` : '—'}</dd>
          <dt>{t('clearWork')}</dt>
          <dd>{data.assignment?.work ?? '—'}</dd>
          <dt>{t('clearTime')}</dt>
          <dd>
            {f.date(data.deadline)}
            {data.assignment && data.assignment.originalDeadline !== data.deadline && <span class="muted"> ({f.date(data.assignment.originalDeadline)})</span>}
          </dd>
          <dt>{t('clearResponsibility')}</dt>
          <dd>
            {t('leadUnit')}: {unitName(lead)}
            {data.assignment && data.assignment.coUnitIds.length > 0 && (
              <>
                {' '}
                · {t('coUnits')}: {data.assignment.coUnitIds.map(unitName).join(', ')}
              </>
            )}
          </dd>
          <dt>{t('clearResult')}</dt>
          <dd>{data.assignment?.expectedResult ?? '—'}</dd>
        </dl>
      </section>

      <div class="two">
        <section aria-labelledby="timeline-h">
          <h2 id="timeline-h">{t('timeline')}</h2>
          <ErrorNote error={timeline.error} />
          <ol class="timeline" data-testid="timeline">
            {(timeline.data?.items ?? []).map((item) => (
              <li>
                <time dateTime={item.occurredAt}>{f.dateTime(item.occurredAt)}</time>
                <strong data-type={item.type}>{label(TASK_EVENTS, item.type, lang)}</strong>
                <span data-testid="actor">
                  <Person id={item.actor.id} unitId={item.actor.unit} people={people} />
                </span>
                {summary(item) && <span class="muted">{summary(item)}</span>}
                {Date.parse(item.recordedAt) - Date.parse(item.occurredAt) > 3600_000 && (
                  <span class="badge warn">
                    {t('lateEntry')}: {t('recordedAt')} {f.dateTime(item.recordedAt)}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </section>

        <section aria-labelledby="actions-h" class="actions">
          <h2 id="actions-h">{t('actions')}</h2>
          {!anything && <p class="muted">{t('noActions')}</p>}
          {mayAck && (
            <CommandForm legend={t('acknowledge')} submitLabel={t('acknowledge')} onSubmit={() => api.post(`${path}/acknowledgement`, {})} onDone={reload}>
              {() => null}
            </CommandForm>
          )}
          {mayProgress && (
            <CommandForm
              testId="progress-form"
              legend={t('progressReport')}
              onSubmit={(d) => api.post(`${path}/progress-reports`, { percent: num(d, 'percent'), narrative: str(d, 'narrative'), evidence: lines(d, 'evidence') })}
              onDone={reload}
            >
              {(failure) => (
                <>
                  <Field label={t('percent')} name="percent" failure={failure}>
                    {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={100} step={1} />}
                  </Field>
                  <Field label={t('narrative')} name="narrative" failure={failure}>
                    {(a) => <textarea {...a} rows={3} />}
                  </Field>
                  <Field label={t('evidenceHashes')} name="evidence" failure={failure}>
                    {(a) => <textarea {...a} rows={2} class="mono" />}
                  </Field>
                </>
              )}
            </CommandForm>
          )}
          {mayComplete && (
            <CommandForm legend={t('completionReport')} onSubmit={(d) => api.post(`${path}/completion-report`, { narrative: str(d, 'narrative'), evidence: lines(d, 'evidence') })} onDone={reload}>
              {(failure) => (
                <>
                  <Field label={t('narrative')} name="narrative" failure={failure}>
                    {(a) => <textarea {...a} rows={3} />}
                  </Field>
                  <Field label={t('evidenceHashes')} name="evidence" failure={failure}>
                    {(a) => <textarea {...a} rows={2} class="mono" />}
                  </Field>
                </>
              )}
            </CommandForm>
          )}
          {mayExtend && (
            <CommandForm legend={t('extensionRequest')} onSubmit={(d) => api.post(`${path}/extension-requests`, { newDeadline: str(d, 'newDeadline'), reason: str(d, 'reason') })} onDone={reload}>
              {(failure) => (
                <>
                  <Field label={t('newDeadline')} name="newDeadline" failure={failure}>
                    {(a) => <input {...a} type="date" />}
                  </Field>
                  <Field label={t('reason')} name="reason" failure={failure}>
                    {(a) => <textarea {...a} rows={2} />}
                  </Field>
                </>
              )}
            </CommandForm>
          )}
          {mayDecideExtension &&
            pending.map((r) => (
              <CommandForm
                legend={`${t('extensionRequests')}: ${f.date(r.newDeadline)} — ${r.reason}`}
                onSubmit={(d) => api.post(`${path}/extension-requests/${encodeURIComponent(r.requestId)}/${str(d, 'decision') === 'deny' ? 'deny' : 'grant'}`, { comment: str(d, 'comment') })}
                onDone={reload}
              >
                {(failure) => (
                  <>
                    <Field label={t('decision')} name="decision" failure={failure}>
                      {(a) => (
                        <select {...a}>
                          <option value="grant">{t('grantExtension')}</option>
                          <option value="deny">{t('denyExtension')}</option>
                        </select>
                      )}
                    </Field>
                    <Field label={t('comment')} name="comment" failure={failure}>
                      {(a) => <input {...a} />}
                    </Field>
                  </>
                )}
              </CommandForm>
            ))}
          {mayRemind && (
            <CommandForm legend={t('reminder')} onSubmit={(d) => api.post(`${path}/reminders`, { message: str(d, 'message'), channel: str(d, 'channel') })} onDone={reload}>
              {(failure) => (
                <>
                  <Field label={t('message')} name="message" failure={failure}>
                    {(a) => <textarea {...a} rows={2} />}
                  </Field>
                  <Field label={t('channel')} name="channel" failure={failure}>
                    {(a) => (
                      <select {...a}>
                        {Object.keys(CHANNELS).map((c) => (
                          <option value={c}>{label(CHANNELS, c, lang)}</option>
                        ))}
                      </select>
                    )}
                  </Field>
                </>
              )}
            </CommandForm>
          )}
          {mayVerify && (
            <CommandForm legend={t('verify')} onSubmit={(d) => api.post(`${path}/verification`, { comment: str(d, 'comment') })} onDone={reload}>
              {(failure) => (
                <Field label={t('comment')} name="comment" failure={failure}>
                  {(a) => <input {...a} />}
                </Field>
              )}
            </CommandForm>
          )}
          {mayReturn && (
            <CommandForm legend={t('returnForRedo')} onSubmit={(d) => api.post(`${path}/return-for-redo`, { reason: str(d, 'reason') })} onDone={reload}>
              {(failure) => (
                <Field label={t('reason')} name="reason" failure={failure}>
                  {(a) => <textarea {...a} rows={2} />}
                </Field>
              )}
            </CommandForm>
          )}
          {maySignOff && (
            <CommandForm
              legend={t('signOff')}
              onSubmit={(d) => api.post('/v1/signoffs', { record: { streamId: `task-${data.taskId}`, version: data.version }, decision: str(d, 'decision'), comment: str(d, 'comment'), ...signingChoice(d) })}
              onDone={reload}
            >
              {(failure) => (
                <>
                  <Field label={t('decision')} name="decision" failure={failure}>
                    {(a) => (
                      <select {...a}>
                        <option value="approve">{t('approve')}</option>
                        <option value="reject">{t('reject')}</option>
                      </select>
                    )}
                  </Field>
                  <Field label={t('comment')} name="comment" failure={failure}>
                    {(a) => <input {...a} />}
                  </Field>
                  <SigningKeyField failure={failure} />
                </>
              )}
            </CommandForm>
          )}
        </section>
      </div>
    </article>
  );
}
