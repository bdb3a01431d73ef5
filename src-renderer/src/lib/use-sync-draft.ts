import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../src-main/app/ipc-contract';
import { NEW_CONFIG_DEFAULTS } from '../../../src-main/app/ipc-contract';
import type { FormCtxValue } from '../components/form';
import { useApp } from './app-context';
import { call, errorMessage } from './bridge';
import { fillFrom, setIn, withoutLocked } from './paths';

/**
 * What a first-time user starts from (with the new-configuration defaults of `src-main/sync/new-config.ts`); main
 * fills in every other default when it validates the save.
 */
export const EMPTY_CONFIG = {
  abra: { serverUrl: '', connection: '', login: '', authMode: 'password' },
  exchange: {
    kind: 'ews',
    email: '',
    ewsUrl: '',
    auth: 'basic',
    user: '',
    domain: '',
    tenantId: 'organizations',
    clientId: '',
  },
  // the safer defaults of a new configuration ("only my firms"); an admin's presets still win (fillFrom)
  parts: structuredClone(NEW_CONFIG_DEFAULTS.parts) as Record<string, Record<string, unknown>>,
};

export function issuesByPath(issues: FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const p = i.path.replace(/^sync\./, '');
    out[p] = out[p] ? `${out[p]}; ${i.message}` : i.message;
  }
  return out;
}

/**
 * An editable copy of the saved engine configuration. `save()` sends the whole draft; on failure the issues are
 * kept by path for the fields to show, and nothing is saved (main validates).
 */
export function useSyncDraft() {
  const { t } = useTranslation();
  const { state, setState, announce, isLocked } = useApp();
  // Before the first save, show the admin's presets (when main passes them) instead of empty fields.
  const presets = state.policy.values?.sync;
  const initial = state.sync ?? (presets ? fillFrom(EMPTY_CONFIG, presets) : EMPTY_CONFIG);
  const [draft, setDraft] = useState<unknown>(initial);
  const draftRef = useRef<unknown>(initial);
  const [dirty, setDirty] = useState(false);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [saving, setSaving] = useState(false);

  // Saved elsewhere (another page, policy reload): follow it unless the user has unsaved edits here.
  useEffect(() => {
    if (dirty) return;
    const next = state.sync ?? (presets ? fillFrom(EMPTY_CONFIG, presets) : EMPTY_CONFIG);
    draftRef.current = next;
    setDraft(next);
  }, [state.sync, dirty, presets]);

  const set = useCallback((path: string, value: unknown) => {
    draftRef.current = setIn(draftRef.current, path, value);
    setDraft(draftRef.current);
    setDirty(true);
    // the user is fixing it: an old error of this field no longer stands (it comes back on save if still wrong)
    setIssues((xs) => (xs.some((i) => i.path === path) ? xs.filter((i) => i.path !== path) : xs));
  }, []);

  const save = useCallback(async (): Promise<boolean> => {
    setSaving(true);
    try {
      const r = await call('saveSync', withoutLocked(draftRef.current, state.policy.locked, 'sync.'));
      if (r.ok) {
        setIssues([]);
        setDirty(false);
        draftRef.current = r.state.sync ?? draftRef.current;
        setDraft(draftRef.current);
        setState(r.state);
        announce(t('common.saved'));
        return true;
      }
      setIssues(r.issues);
      announce(t('common.saveFailed', { count: r.issues.length }));
      return false;
    } catch (e) {
      setIssues([{ path: '', message: errorMessage(e) }]);
      announce(t('common.saveFailed', { count: 1 }));
      return false;
    } finally {
      setSaving(false);
    }
  }, [announce, setState, t, state.policy.locked]);

  const form: FormCtxValue = {
    draft,
    set,
    issues: issuesByPath(issues),
    lockPrefix: 'sync.',
    isLocked,
  };
  return { draft, draftRef, set, save, saving, dirty, issues, form };
}
