import { useState } from 'preact/hooks';
import { query, type ApiFailure } from '../api';
import { CommandForm, ErrorNote, Field, str, toFailure, useFormats, useLoad, useSession, useT, useUnitName } from '../ui';

interface SignOffAudit {
  signOffId: string;
  approver: { id: string; name?: string | null; role: string; unit: string };
  decision: string;
  comment: string | null;
  occurredAt: string;
  recordedAt: string;
  record: { streamId: string; version: number };
  recordHash: string;
  hashCheck: { currentVersion: number; matchesCurrent: boolean; matchedVersion: number | null };
  signature: { keyId: string; custody: string; verifies: boolean } | null;
}

interface Activity {
  items: Array<{ position: number; streamId: string; type: string; occurredAt: string; recordedAt: string; role?: string; unit?: string; late?: boolean }>;
  nextCursor: number | null;
}

/** A small search form whose result is rendered below it; errors beside the fields. */
function Search<T>(props: { legend: string; fields: Array<{ name: string; label: string; type?: 'text' | 'datetime-local'; placeholder?: string }>; run: (data: FormData) => Promise<T>; render: (result: T) => any; testId: string }) {
  const t = useT();
  const [result, setResult] = useState<T | undefined>();
  const [failure, setFailure] = useState<ApiFailure | undefined>();
  return (
    <form
      class="command"
      noValidate
      data-testid={props.testId}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          setResult(await props.run(new FormData(e.currentTarget as HTMLFormElement)));
          setFailure(undefined);
        } catch (error) {
          setResult(undefined);
          setFailure(toFailure(error));
        }
      }}
    >
      <fieldset>
        <legend>{props.legend}</legend>
        {props.fields.map((field) => (
          <Field label={field.label} name={field.name} failure={failure}>
            {(a) => (field.type === 'datetime-local' ? <input {...a} type="datetime-local" /> : <input {...a} type="text" placeholder={field.placeholder} />)}
          </Field>
        ))}
        <button type="submit">{t('search')}</button>
        {failure && (failure.fields.length === 0 || failure.status !== 400) && <ErrorNote error={failure} />}
      </fieldset>
      {result !== undefined && <div class="result">{props.render(result)}</div>}
    </form>
  );
}

export function AuditPage() {
  const { api, me } = useSession();
  const t = useT();
  const f = useFormats();
  const unitName = useUnitName();
  const checkpoint = useLoad(() => api.get<{ size: number; rootHash: string; time?: string; signedAt?: string; note?: string }>('/v1/log/checkpoints/latest'), [api]);
  const status = useLoad(() => api.get<{ lastVerify: { ok: boolean; finishedAt: string; eventsChecked: number; durationSeconds: number } | null }>('/v1/web/verification'), [api]);

  return (
    <section aria-labelledby="audit-h">
      <h1 id="audit-h">{t('navAudit')}</h1>

      <section class="card" aria-labelledby="verify-h" data-testid="verification">
        <h2 id="verify-h">{t('verification')}</h2>
        <h3>{t('latestCheckpoint')}</h3>
        {checkpoint.error?.code === 'CHECKPOINT.NOT_FOUND' ? <p>{t('noCheckpoint')}</p> : <ErrorNote error={checkpoint.error} />}
        {checkpoint.data && (
          <dl class="five">
            <dt>{t('treeSize')}</dt>
            <dd>{f.number(checkpoint.data.size)}</dd>
            <dt>{t('rootHash')}</dt>
            <dd class="mono wrap">{checkpoint.data.rootHash}</dd>
            <dt>{t('signedAt')}</dt>
            <dd>{f.dateTime(checkpoint.data.signedAt ?? checkpoint.data.time)}</dd>
          </dl>
        )}
        <h3>{t('lastVerify')}</h3>
        <ErrorNote error={status.error} />
        {status.data &&
          (status.data.lastVerify ? (
            <p class={status.data.lastVerify.ok ? 'ok' : 'error'}>
              {f.dateTime(status.data.lastVerify.finishedAt)}: {status.data.lastVerify.ok ? t('verifyOk') : t('verifyFailed')} — {f.number(status.data.lastVerify.eventsChecked)} {t('eventsChecked')},{' '}
              {f.number(status.data.lastVerify.durationSeconds, 2)} s
            </p>
          ) : (
            <p>{t('neverVerified')}</p>
          ))}
        {me.role === 'administrator' && (
          <CommandForm legend={t('verifyNow')} submitLabel={t('verifyNow')} onSubmit={() => api.post('/v1/log/verify', {})} onDone={() => (status.reload(), checkpoint.reload())}>
            {() => null}
          </CommandForm>
        )}
      </section>

      <h2>{t('whoApproved')}</h2>
      <div class="two">
        <Search<{ record: string; items: SignOffAudit[] }>
          testId="audit-by-record"
          legend={t('byRecord')}
          fields={[{ name: 'record', label: t('record'), placeholder: 'task-t4-zh' }]}
          run={(d) => api.get(`/v1/audit/signoffs${query({ record: str(d, 'record') })}`)}
          render={(r) =>
            r.items.length === 0 ? (
              <p>{t('none')}</p>
            ) : (
              <ul class="timeline">
                {r.items.map((s) => (
                  <li>
                    <time dateTime={s.occurredAt}>{f.dateTime(s.occurredAt)}</time>
                    <strong>
                      {s.decision} · {s.approver.id}
                      {s.approver.name ? ` ${s.approver.name}` : ''} ({s.approver.role}, {unitName(s.approver.unit)})
                    </strong>
                    <span>
                      {s.record.streamId} v{s.record.version} {s.comment ? `— ${s.comment}` : ''}
                    </span>
                    <span class="mono small wrap">
                      {t('recordHash')}: {s.recordHash}{' '}
                      {s.hashCheck.matchesCurrent ? `✓ ${t('hashMatchesCurrent')}` : s.hashCheck.matchedVersion !== null ? `✓ ${t('hashMatchesVersion')} ${s.hashCheck.matchedVersion}` : ''}
                    </span>
                    {s.signature && (
                      <span class="small">
                        {s.signature.custody} key {s.signature.keyId.slice(0, 12)}… {s.signature.verifies ? '✓' : '✗'}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )
          }
        />
        <Search<Activity & { actorId: string }>
          testId="audit-by-person"
          legend={t('byPerson')}
          fields={[{ name: 'actorId', label: t('person'), placeholder: 'p-mayor' }]}
          run={(d) => api.get(`/v1/audit/actors/${encodeURIComponent(str(d, 'actorId') ?? '-')}/activity?limit=100`)}
          render={(r) => (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('when')}</th>
                    <th scope="col">{t('what')}</th>
                    <th scope="col">{t('record')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((e) => (
                    <tr>
                      <td>{f.dateTime(e.occurredAt)}</td>
                      <td>
                        {e.type} {e.late && <span class="badge warn">{t('lateEntry')}</span>}
                      </td>
                      <td class="mono">{e.streamId}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        />
      </div>

      <h2>{t('asOf')}</h2>
      <Search<{ streamId: string; at: string; exists: boolean; state: unknown; included: Array<{ type: string; occurredAt: string }>; excluded: Array<{ type: string; occurredAt: string }> }>
        testId="audit-as-of"
        legend={t('asOf')}
        fields={[
          { name: 'streamId', label: t('record'), placeholder: 'task-t4-zh' },
          { name: 'at', label: t('at'), type: 'datetime-local' },
        ]}
        run={(d) => {
          const at = str(d, 'at');
          return api.get(`/v1/audit/records/${encodeURIComponent(str(d, 'streamId') ?? '-')}/as-of${query({ at: at ? new Date(at).toISOString() : undefined })}`);
        }}
        render={(r) => (
          <div>
            <p>
              {r.streamId} · {f.dateTime(r.at)} · {f.number(r.included.length)} / {f.number(r.included.length + r.excluded.length)}
            </p>
            <pre class="json">{JSON.stringify(r.state, null, 2)}</pre>
          </div>
        )}
      />
    </section>
  );
}
