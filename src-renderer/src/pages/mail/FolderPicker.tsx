import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailFolderItem } from '../../../../src-main/app/ipc-contract';
import { useForm } from '../../components/form';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import { getIn } from '../../lib/paths';

/** Folder patterns: picked from the mailbox's folders or typed (`Inbox/Customers/*`). */
export function FolderPicker() {
  const { t } = useTranslation();
  const form = useForm();
  const { isLocked } = useApp();
  const id = useId().replace(/:/g, '');
  const [folders, setFolders] = useState<MailFolderItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const locked = isLocked('sync.parts.mail.folders');
  const list = (getIn(form.draft, 'parts.mail.folders') as string[] | undefined) ?? [];
  const load = useCallback(async () => {
    setError(null);
    try {
      setFolders(await call('mailFolders'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const add = (p: string) => {
    const v = p.trim();
    if (v && !list.includes(v)) form.set('parts.mail.folders', [...list, v]);
  };
  return (
    <fieldset className="field">
      <legend>{t('mail.folders')}</legend>
      <p className="hint">{t('mail.foldersHint')}</p>
      {locked && <p className="hint locked">{t('common.lockedByAdmin')}</p>}
      <ul className="chips" aria-label={t('mail.chosenFolders')}>
        {list.map((f) => (
          <li key={f}>
            <code>{f}</code>
            <button
              type="button"
              disabled={locked}
              aria-label={t('mail.removeFolder', { folder: f })}
              onClick={() =>
                form.set(
                  'parts.mail.folders',
                  list.filter((x) => x !== f),
                )
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <label htmlFor={`${id}-pick`} className="sr-only">
          {t('mail.pickFolder')}
        </label>
        <select
          id={`${id}-pick`}
          disabled={locked || folders.length === 0}
          value=""
          onChange={(e) => add(e.target.value)}
        >
          <option value="">{t('mail.pickFolder')}</option>
          {folders.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <label htmlFor={`${id}-text`} className="sr-only">
          {t('mail.folderPattern')}
        </label>
        <input
          id={`${id}-text`}
          disabled={locked}
          placeholder={t('mail.folderPattern')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(text);
              setText('');
            }
          }}
        />
        <button
          type="button"
          disabled={locked || !text.trim()}
          onClick={() => {
            add(text);
            setText('');
          }}
        >
          {t('mail.addFolder')}
        </button>
      </div>
      {error && <p className="field-error">{t('mail.foldersFailed', { message: error })}</p>}
    </fieldset>
  );
}
