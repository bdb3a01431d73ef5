/**
 * "Heslo k Exchange přestalo platit": when a run is refused at sign-in, one small dialog asks for the password once
 * for all parts (as Outlook does), instead of sending the user to the long Connections form. Storing it makes main
 * run the failing parts again at once; the dialog goes when their sign-in works. "Později" hides it until the
 * problem changes.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartStatus } from '../../../src-main/app/ipc-contract';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';

type SignInSide = 'exchange' | 'abra' | 'microsoft';

/** Which sign-in a part's refused run needs, from the sentence the engine recorded. */
export function signInSideOf(p: PartStatus): SignInSide | null {
  if (!p.enabled || p.attention?.kind !== 'auth') return null;
  const key = p.attention.note?.key;
  if (key === 'run.abraAuth' || key === 'run.noAbraPassword' || key === 'run.noAbraToken') return 'abra';
  if (key === 'graph.auth' || key === 'run.notSignedIn') return 'microsoft';
  if (key === 'run.exchangeAuth' || key === 'run.noExchangePassword') return 'exchange';
  return null;
}

export function SignInDialog() {
  const { t } = useTranslation();
  const { state, status, announce, go } = useApp();
  const id = useId().replace(/:/g, '');
  const parts = status?.parts ?? state.status?.parts ?? [];
  const sides = [...new Set(parts.map(signInSideOf).filter((s): s is SignInSide => s !== null))];
  const side = sides[0] ?? null;
  const affected = parts.filter((p) => signInSideOf(p) === side);
  // the problem as last seen: a new refused run (after the password was stored) asks again
  const problem = side
    ? `${side}:${affected.map((p) => `${p.part}#${p.lastRun?.runId ?? 0}`).join(',')}`
    : '';
  const [dismissed, setDismissed] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const open = side !== null && dismissed !== problem;

  useEffect(() => {
    if (open) requestAnimationFrame(() => input.current?.focus());
  }, [open]);

  if (!open || !side) return null;
  const token = side === 'abra' && state.sync?.abra.authMode === 'token';
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      if (side === 'microsoft') {
        const r = await call('signInMicrosoft', state.sync);
        if (!r.ok) throw new Error(r.message);
      } else {
        await call(
          'setSecret',
          side === 'abra' ? (token ? 'abraToken' : 'abraPassword') : 'exchangePassword',
          value,
        );
      }
      setValue('');
      setDismissed(problem);
      announce(t('signIn.stored'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setDismissed(problem);
        }}
      >
        <h2 id={`${id}-title`}>{t(`signIn.title.${side}`)}</h2>
        <p id={`${id}-text`}>
          {t('signIn.explain', {
            parts: affected.map((p) => t(`parts.${p.part}`)).join(', '),
            count: affected.length,
          })}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {side !== 'microsoft' && (
            <div className="field">
              <label htmlFor={`${id}-pw`}>{t(token ? 'signIn.token' : 'signIn.password')}</label>
              <input
                id={`${id}-pw`}
                ref={input}
                type="password"
                autoComplete="current-password"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
            </div>
          )}
          {error && (
            <p className="result result-error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || (side !== 'microsoft' && !value)}>
              {t(side === 'microsoft' ? 'signIn.microsoft' : 'signIn.submit')}
            </button>
            <button type="button" onClick={() => setDismissed(problem)}>
              {t('signIn.later')}
            </button>
            <button
              type="button"
              onClick={() => {
                setDismissed(problem);
                go('connections');
              }}
            >
              {t('signIn.connections')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
