import { useState } from 'preact/hooks';
import type { ApiFailure } from './api';
import { ErrorNote, toFailure, useLoad, useSession, useT } from './ui';

interface Keys {
  items: Array<{ keyId: string; custody: string; revokedAt: string | null }>;
}

/**
 * The signing part of a sign-off form: a sign-off is signed with the approver's own key. A user without a key of
 * their own (`ledger sign`) signs with the one the ledger keeps for them (custody `server`), created here on request.
 * The checkbox is named `signWithServerKey`; the server's error for it shows beside it.
 */
export function SigningKeyField({ failure }: { failure?: ApiFailure }) {
  const { api, me } = useSession();
  const t = useT();
  const keys = useLoad(() => api.get<Keys>(`/v1/users/${encodeURIComponent(me.id)}/keys`), [api, me.id]);
  const [creating, setCreating] = useState<ApiFailure | undefined>();
  const serverKey = keys.data?.items.find((k) => k.custody === 'server' && k.revokedAt === null);
  const reasons = failure?.forField('signWithServerKey') ?? [];
  if (keys.error) return <ErrorNote error={keys.error} />;
  if (!keys.data) return null;
  if (!serverKey) {
    return (
      <div class="field">
        <p class="muted small">{t('noSigningKey')}</p>
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            try {
              await api.post(`/v1/users/${encodeURIComponent(me.id)}/keys`, { custody: 'server' });
              setCreating(undefined);
              keys.reload();
            } catch (error) {
              setCreating(toFailure(error));
            }
          }}
        >
          {t('createSigningKey')}
        </button>
        <ErrorNote error={creating} />
      </div>
    );
  }
  return (
    <div class={`field checkbox${reasons.length ? ' invalid' : ''}`}>
      <label>
        <input type="checkbox" name="signWithServerKey" value="true" defaultChecked aria-invalid={reasons.length ? 'true' : undefined} /> {t('signWithKey')}{' '}
        <span class="mono small">{serverKey.keyId.slice(0, 16)}…</span>
      </label>
      {reasons.length > 0 && <p class="field-error" data-field="signWithServerKey">{reasons.join('; ')}</p>}
    </div>
  );
}

export function signingChoice(data: FormData): { signWithServerKey?: true } {
  return data.get('signWithServerKey') === 'true' ? { signWithServerKey: true } : {};
}
