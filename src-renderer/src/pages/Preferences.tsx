import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppPreferences, FieldIssue, Language } from '../../../src-main/app/ipc-contract';
import { IssueSummary, PageHeading } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';

export function PreferencesPage() {
  const { t, i18n } = useTranslation();
  const { state, setState, announce, isLocked } = useApp();
  const id = useId().replace(/:/g, '');
  const [prefs, setPrefs] = useState<AppPreferences>(state.preferences);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  useEffect(() => setPrefs(state.preferences), [state.preferences]);

  const save = async (next: AppPreferences) => {
    setPrefs(next);
    try {
      const r = await call('savePreferences', next);
      if (r.ok) {
        setIssues([]);
        setState(r.state);
        // In the language just chosen (the hook's t is still bound to the previous one).
        announce(i18n.t('common.saved', { lng: r.state.locale }));
      } else setIssues(r.issues);
    } catch (e) {
      setIssues([{ path: '', message: errorMessage(e) }]);
    }
  };
  const lockHint = (path: string) =>
    isLocked(path) ? <p className="hint locked">{t('common.lockedByAdmin')}</p> : null;

  return (
    <div className="page">
      <PageHeading>{t('nav.preferences')}</PageHeading>
      <IssueSummary issues={issues} />
      <section className="card">
        <div className="field">
          <label htmlFor={`${id}-lang`}>{t('prefs.language')}</label>
          <select
            id={`${id}-lang`}
            value={prefs.language}
            disabled={isLocked('preferences.language')}
            onChange={(e) => save({ ...prefs, language: e.target.value as Language })}
          >
            <option value="auto">{t('prefs.languageAuto')}</option>
            <option value="cs">Čeština</option>
            <option value="en">English</option>
          </select>
          {lockHint('preferences.language')}
        </div>
        <div className="field field-inline">
          <input
            id={`${id}-login`}
            type="checkbox"
            checked={prefs.startAtLogin}
            disabled={isLocked('preferences.startAtLogin')}
            onChange={(e) => save({ ...prefs, startAtLogin: e.target.checked })}
          />
          <label htmlFor={`${id}-login`}>{t('prefs.startAtLogin')}</label>
          {lockHint('preferences.startAtLogin')}
        </div>
        <div className="field field-inline">
          <input
            id={`${id}-notify`}
            type="checkbox"
            checked={prefs.notifications}
            disabled={isLocked('preferences.notifications')}
            onChange={(e) => save({ ...prefs, notifications: e.target.checked })}
          />
          <label htmlFor={`${id}-notify`}>{t('prefs.notifications')}</label>
          {lockHint('preferences.notifications')}
        </div>
      </section>
      {state.policy.source && (
        <section className="card">
          <h2>{t('prefs.policy')}</h2>
          <p>{t('prefs.policySource', { path: state.policy.source })}</p>
          {state.policy.locked.length > 0 && (
            <ul>
              {state.policy.locked.map((l) => (
                <li key={l}>
                  <code>{l}</code>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <p className="hint">{t('prefs.version', { version: state.version })}</p>
    </div>
  );
}
