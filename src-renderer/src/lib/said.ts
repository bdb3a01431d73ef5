import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { type Note, noteText } from '../../../src-main/app/ipc-contract';

/** Something main recorded for the user: its English text, maybe its sentence key, maybe the error kind behind it. */
export interface Said {
  message?: string;
  note?: Note;
  errorKind?: string;
}

/**
 * How a recorded message reads in the UI language: the engine's note in that language when it has one; otherwise
 * the recorded words (a server's own, not translatable) after the kind of error in plain words.
 */
export function saidText(
  said: Said | undefined,
  lang: 'cs' | 'en',
  kindLabel: (kind: string) => string,
): string {
  if (!said) return '';
  const message = said.message ?? '';
  if (said.note) return noteText(lang, said.note, message);
  const kind = said.errorKind ? kindLabel(said.errorKind) : '';
  if (!kind) return message;
  const head = kind.charAt(0).toUpperCase() + kind.slice(1);
  return message ? `${head} — ${message}` : head;
}

export function useSaid(): (said: Said | undefined) => string {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'cs' ? 'cs' : 'en';
  return useCallback(
    (said: Said | undefined) => saidText(said, lang, (k) => t(`kind.${k}`, { defaultValue: '' })),
    [lang, t],
  );
}
