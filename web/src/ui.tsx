import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useId, useState } from 'preact/hooks';
import { ApiFailure, type Api, type Me } from './api';
import { LOCALE, MESSAGES, type Lang, type MessageKey } from './i18n';
import type { OrgUnits } from '@ledger/domain/shared/organisation';

/** What every page needs: the API client, the signed-in user, the language, the organisation. */
export interface Session {
  readonly api: Api;
  readonly me: Me;
  readonly lang: Lang;
  readonly units: readonly UnitView[];
  readonly org: OrgUnits;
}

export interface UnitView {
  readonly unitId: string;
  readonly names: { en?: string | null; vi?: string | null; zh?: string | null };
  readonly kind: string;
  readonly parentId: string | null;
  readonly status: string;
  readonly currentHead?: { readonly personId: string; readonly name: string; readonly postTitle: string } | null;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

export function useT(): (key: MessageKey) => string {
  const { lang } = useSession();
  return (key) => MESSAGES[lang][key];
}

/** Formatting for the chosen locale. */
export function formats(lang: Lang) {
  const locale = LOCALE[lang];
  return {
    /** A calendar date (YYYY-MM-DD), shown as that day wherever the browser is. */
    date(iso: string | null | undefined): string {
      if (!iso) return '—';
      const day = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
      if (Number.isNaN(day.getTime())) return iso;
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: /^\d{4}-\d{2}-\d{2}$/.test(iso) ? 'UTC' : undefined }).format(day);
    },
    /** An instant, shown in its own UTC offset when it has one (the jurisdiction's time the ledger recorded it in). */
    dateTime(iso: string | null | undefined): string {
      if (!iso) return '—';
      const at = new Date(iso);
      if (Number.isNaN(at.getTime())) return iso;
      const offset = /([+-]\d{2}:\d{2})$/.exec(iso)?.[1];
      try {
        return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: offset }).format(at);
      } catch {
        return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
      }
    },
    number(value: number | null | undefined, digits = 0): string {
      return value == null ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
    },
    percent(value: number | null | undefined): string {
      return value == null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    },
  };
}

export function useFormats() {
  return formats(useSession().lang);
}

/** A unit's name in the language (falling back to another language, then the id). */
export function unitName(units: readonly UnitView[], unitId: string | null | undefined, lang: Lang): string {
  if (!unitId) return '—';
  const unit = units.find((u) => u.unitId === unitId);
  if (!unit) return unitId;
  return unit.names[lang] ?? unit.names.en ?? unit.names.zh ?? unit.names.vi ?? unitId;
}

export function useUnitName(): (unitId: string | null | undefined) => string {
  const { units, lang } = useSession();
  return (unitId) => unitName(units, unitId, lang);
}

/** Loads from the API when the key changes; `reload` after a command. */
export function useLoad<T>(load: () => Promise<T>, key: readonly unknown[]): { data: T | undefined; error: ApiFailure | undefined; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: ApiFailure | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error: toFailure(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function toFailure(error: unknown): ApiFailure {
  return error instanceof ApiFailure ? error : new ApiFailure(0, 'CLIENT.ERROR', error instanceof Error ? error.message : String(error), []);
}

export function Loading() {
  const t = useT();
  return (
    <p role="status" aria-live="polite" class="muted">
      {t('loading')}
    </p>
  );
}

export function ErrorNote({ error }: { error: ApiFailure | undefined }) {
  const t = useT();
  if (!error) return null;
  return (
    <p role="alert" class="error" data-code={error.code}>
      {error.status === 403 ? t('notAllowed') : error.message} <span class="code">({error.code})</span>
    </p>
  );
}

/** A labelled form control with the server's validation messages for its field right beside it. */
export function Field(props: { label: string; name: string; failure?: ApiFailure; children: (attrs: { id: string; name: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren; hint?: string }) {
  const id = useId();
  const reasons = props.failure?.forField(props.name) ?? [];
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [reasons.length ? errorId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${reasons.length ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, name: props.name, ...(reasons.length ? { 'aria-invalid': 'true' as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {props.hint && (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      )}
      {reasons.length > 0 && (
        <p id={errorId} class="field-error" data-field={props.name}>
          {reasons.join('; ')}
        </p>
      )}
    </div>
  );
}

/** A form that posts to the API, shows field errors beside the fields and a general error above the button. */
export function CommandForm(props: {
  legend: string;
  submitLabel?: string;
  onSubmit: (data: FormData) => Promise<unknown>;
  onDone: () => void;
  children: (failure: ApiFailure | undefined) => ComponentChildren;
  testId?: string;
}) {
  const t = useT();
  const [failure, setFailure] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setBusy(true);
    setDone(false);
    try {
      await props.onSubmit(new FormData(form));
      setFailure(undefined);
      setDone(true);
      form.reset();
      props.onDone();
    } catch (error) {
      setFailure(toFailure(error));
    } finally {
      setBusy(false);
    }
  };
  const general = failure && (failure.fields.length === 0 || failure.status !== 400);
  return (
    <form class="command" onSubmit={submit} noValidate data-testid={props.testId}>
      <fieldset disabled={busy}>
        <legend>{props.legend}</legend>
        {failure && failure.fields.length > 0 && (
          <p role="alert" class="error">
            {t('fieldErrors')}
          </p>
        )}
        {props.children(failure)}
        {general && <ErrorNote error={failure} />}
        <button type="submit">{props.submitLabel ?? t('submit')}</button>
        {done && (
          <span role="status" class="ok">
            {t('saved')}
          </span>
        )}
      </fieldset>
    </form>
  );
}

export function str(data: FormData, name: string): string | undefined {
  const value = data.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function lines(data: FormData, name: string): string[] | undefined {
  const value = str(data, name);
  return value ? value.split(/\s+/).filter(Boolean) : undefined;
}

/** A number field sent as a number when it parses, as the text otherwise (so the server names the problem). */
export function num(data: FormData, name: string): number | string | undefined {
  const value = str(data, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

export function DownloadButton(props: { path: string; fileName: string; label: string; class?: string }) {
  const { api } = useSession();
  const [error, setError] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <span class="download">
      <button
        type="button"
        class={props.class ?? 'secondary'}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await api.download(props.path, props.fileName);
            setError(undefined);
          } catch (e) {
            setError(toFailure(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.label}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}

/** A person the page can name: from the units' heads in post and from event data (`responsible`, `issuer`, …). */
export interface PersonView {
  readonly personId: string;
  readonly name: string;
  readonly postTitle?: string;
  readonly unitId?: string;
}

export type People = ReadonlyMap<string, PersonView>;

/**
 * Everyone named in `sources` (objects carrying `personId` and `name`, at any depth, e.g. a task's `responsible`
 * or a directive's `issuer`) and the heads in post of the session's units.
 */
export function collectPeople(units: readonly UnitView[], ...sources: unknown[]): People {
  const people = new Map<string, PersonView>();
  const add = (p: PersonView) => {
    const known = people.get(p.personId);
    people.set(p.personId, { ...known, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v != null && v !== '')) } as PersonView);
  };
  for (const unit of units) if (unit.currentHead) add({ ...unit.currentHead, unitId: unit.unitId });
  const stack: Array<[unknown, number]> = sources.map((s) => [s, 0]);
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object' || depth > 8) continue;
    const v = value as Record<string, unknown>;
    if (typeof v.personId === 'string' && typeof v.name === 'string') {
      add({ personId: v.personId, name: v.name, postTitle: typeof v.postTitle === 'string' ? v.postTitle : undefined, unitId: typeof v.unitId === 'string' ? v.unitId : undefined });
    }
    for (const child of Array.isArray(value) ? value : Object.values(v)) stack.push([child, depth + 1]);
  }
  return people;
}

/** "name (post title, unit name)" when the person is known, else the id (with the unit acted for); the id in `title`. */
export function Person({ id, unitId, people }: { id: string; unitId?: string | null; people: People }) {
  const name = useUnitName();
  const person = people.get(id);
  if (!person) {
    return (
      <span class="person" title={id}>
        <span class="mono">{id}</span>
        {unitId ? ` (${name(unitId)})` : ''}
      </span>
    );
  }
  const details = [person.postTitle, name(person.unitId ?? unitId ?? null)].filter((d) => d && d !== '—');
  return (
    <span class="person" title={id} data-person={id}>
      {person.name}
      {details.length > 0 ? ` (${details.join(', ')})` : ''}
    </span>
  );
}

/** Text in which known person ids are shown by name (the id kept in each name's `title`). */
export function WithNames({ text, people }: { text: string; people: People }) {
  const parts = text.split(/\b(p-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\b/);
  return <>{parts.map((part, i) => (i % 2 === 1 && people.has(part) ? <Person id={part} people={people} /> : part))}</>;
}
