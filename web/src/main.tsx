import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { OrgUnits } from '@ledger/domain/shared/organisation';
import { Api, type Me } from './api';
import { LANGUAGE_NAMES, LANGUAGES, MESSAGES, storedLanguage, type Lang } from './i18n';
import { AppraisalPage } from './pages/appraisal';
import { AuditPage } from './pages/audit';
import { DirectivePage } from './pages/directive';
import { DisciplinePage } from './pages/discipline';
import { ObjectivesPage } from './pages/objectives';
import { ReportsPage } from './pages/reports';
import { TaskPage } from './pages/task';
import { TasksPage } from './pages/tasks';
import { SessionContext, toFailure, unitName, type Session, type UnitView } from './ui';

/** Pages by role: what each role may read (the server still enforces every read and command). */
const PAGES = [
  { path: 'tasks', key: 'navTasks', roles: null },
  { path: 'objectives', key: 'navObjectives', roles: null },
  { path: 'appraisal', key: 'navAppraisal', roles: ['administrator', 'auditor', 'leader', 'appraiser', 'unit_head', 'unit_staff'] },
  { path: 'discipline', key: 'navDiscipline', roles: ['administrator', 'auditor', 'discipline_commissioner'] },
  { path: 'audit', key: 'navAudit', roles: ['administrator', 'auditor', 'discipline_commissioner'] },
  { path: 'reports', key: 'navReports', roles: null },
] as const;

function allowedPages(role: string) {
  return PAGES.filter((p) => p.roles === null || (p.roles as readonly string[]).includes(role));
}

function useHashRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function LanguagePicker({ lang, onChange }: { lang: Lang; onChange: (lang: Lang) => void }) {
  const t = MESSAGES[lang];
  return (
    <label class="lang">
      <span>{t.language}</span>
      <select name="lang" value={lang} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as Lang)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function SignIn({ lang, onLang, onSignedIn }: { lang: Lang; onLang: (l: Lang) => void; onSignedIn: (token: string, me: Me) => void }) {
  const t = MESSAGES[lang];
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget as HTMLFormElement).get('token') ?? '').trim();
    setBusy(true);
    try {
      const me = await new Api(token, lang).get<Me>('/v1/me');
      onSignedIn(token, me);
    } catch (e) {
      setError(toFailure(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="content" class="signin">
      <h1>{t.appName}</h1>
      <LanguagePicker lang={lang} onChange={onLang} />
      <form onSubmit={submit} noValidate>
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for="token">{t.token}</label>
          <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} required aria-describedby="token-hint token-error" aria-invalid={error ? 'true' : undefined} />
          <small id="token-hint" class="hint">
            {t.tokenHelp}
          </small>
          {error && (
            <p id="token-error" role="alert" class="field-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
      </form>
    </main>
  );
}

function Shell({ session, onLang, onSignOut }: { session: Session; onLang: (l: Lang) => void; onSignOut: () => void }) {
  const t = MESSAGES[session.lang];
  const route = useHashRoute();
  const pages = allowedPages(session.me.role);
  const [page, ...rest] = route.length ? route : ['tasks'];
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a move within the app, focus goes to the new page's content (as a page load would put it at the top).
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route.join('/')]);
  // A directive's page belongs with the tasks (#/directives/<id>), for whoever may read the tasks.
  const allowed = pages.some((p) => p.path === page || (page === 'directives' && p.path === 'tasks'));
  let content;
  if (!allowed) content = <p role="alert">{t.notAllowed}</p>;
  else if (page === 'tasks' && rest[0]) content = <TaskPage taskId={rest[0]} />;
  else if (page === 'tasks') content = <TasksPage />;
  else if (page === 'directives' && rest[0]) content = <DirectivePage directiveId={rest[0]} />;
  else if (page === 'directives') content = <TasksPage />;
  else if (page === 'objectives') content = <ObjectivesPage />;
  else if (page === 'appraisal') content = <AppraisalPage cycleId={rest[0]} />;
  else if (page === 'discipline') content = <DisciplinePage />;
  else if (page === 'reports') content = <ReportsPage />;
  else content = <AuditPage />;
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#content" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        {t.skipToContent}
      </a>
      <header class="top">
        <span class="brand">{t.appName}</span>
        <nav aria-label={t.mainNav}>
          <ul>
            {pages.map((p) => (
              <li>
                <a href={`#/${p.path}`} aria-current={p.path === page || (p.path === 'tasks' && page === 'directives') ? 'page' : undefined}>
                  {t[p.key]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span data-testid="whoami">
            {t.signedInAs} <strong>{session.me.name}</strong> · {session.me.roleLabel} · {unitName(session.units, session.me.unit, session.lang)}
          </span>
          <LanguagePicker lang={session.lang} onChange={onLang} />
          <button type="button" class="secondary" onClick={onSignOut}>
            {t.signOut}
          </button>
        </div>
      </header>
      <main id="content" ref={main} tabIndex={-1}>
        {content}
      </main>
    </SessionContext.Provider>
  );
}

function App() {
  const [lang, setLang] = useState<Lang>(storedLanguage);
  const [api, setApi] = useState(() => Api.fromSession(lang));
  const [me, setMe] = useState<Me | undefined>();
  const [units, setUnits] = useState<UnitView[]>([]);
  const [checked, setChecked] = useState(false);

  const changeLanguage = (next: Lang) => {
    localStorage.setItem('ledger.lang', next);
    setLang(next);
    setApi((a) => a.withLanguage(next));
  };
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : lang;
    document.title = MESSAGES[lang].appName;
  }, [lang]);

  // A token kept in this tab: find out again who it belongs to (role labels follow the language).
  useEffect(() => {
    if (!api.signedIn) {
      setChecked(true);
      return;
    }
    Promise.all([api.get<Me>('/v1/me'), api.get<{ items: UnitView[] }>('/v1/units')]).then(
      ([who, list]) => {
        setMe(who);
        setUnits(list.items);
        setChecked(true);
      },
      () => {
        setApi(api.withToken(null));
        setMe(undefined);
        setChecked(true);
      },
    );
  }, [api]);

  useEffect(() => {
    const signOut = () => {
      setApi((a) => a.withToken(null));
      setMe(undefined);
    };
    addEventListener('ledger:unauthorized', signOut);
    return () => removeEventListener('ledger:unauthorized', signOut);
  }, []);

  const org = useMemo<OrgUnits>(() => Object.fromEntries(units.map((u) => [u.unitId, { id: u.unitId, parentId: u.parentId, kind: u.kind as never, dissolved: u.status !== 'active' }])), [units]);

  if (!checked) return <p class="boot">{MESSAGES[lang].loading}</p>;
  if (!api.signedIn || !me) {
    return (
      <SignIn
        lang={lang}
        onLang={changeLanguage}
        onSignedIn={(token) => {
          setChecked(false);
          setApi(api.withToken(token));
          if (!location.hash) location.hash = '#/tasks';
        }}
      />
    );
  }
  return (
    <Shell
      session={{ api, me, lang, units, org }}
      onLang={changeLanguage}
      onSignOut={() => {
        setApi(api.withToken(null));
        setMe(undefined);
        location.hash = '';
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
