/**
 * Every sentence the main process and the engine show to the user, in English and Czech.
 *
 * Two ways they reach the screen:
 * - Answers to a renderer call (connection test, Autodiscover, Validate, export, problems, settings issues) are
 *   formatted by main in the UI language of the moment ({@link tr}).
 * - What the engine records (a run's message, a part's attention) carries a {@link Note} — key and parameters — next
 *   to its English text (kept for logs and the CLI), so the overview, the log, the tray and notifications show it in
 *   the language chosen when they are looked at, also for runs recorded before the language changed.
 *
 * Placeholders are `{name}`. An entry with plural forms is chosen by `params.count` with `Intl.PluralRules`
 * (Czech: one = 1, few = 2–4, other = 0 and 5+). Imported by main, the engine and the renderer: no dependencies
 * outside this folder. The tables: ./en.ts (the source of the keys) and ./cs.ts.
 */
import { cs } from './cs';
import { type Entry, en } from './en';

export type Locale = 'cs' | 'en';

export type MessageKey = keyof typeof en;

export const MESSAGES: Record<Locale, Record<MessageKey, Entry>> = { en, cs };

export type MessageParams = Record<string, string | number>;

/** A sentence to be shown later in whatever language the user has then: its key and parameters. */
export interface Note {
  key: MessageKey;
  params?: MessageParams;
}

export function note(key: MessageKey, params?: MessageParams): Note {
  return params ? { key, params } : { key };
}

export function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.hasOwn(en, key);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

function pick(locale: Locale, entry: Entry, params: MessageParams | undefined): string {
  if (typeof entry === 'string') return entry;
  const count = typeof params?.count === 'number' ? params.count : Number.NaN;
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const form = Number.isFinite(count) ? rules.select(count) : 'other';
  if (form === 'one') return entry.one;
  if (form === 'few') return entry.few ?? entry.other;
  return entry.other;
}

/** The sentence for `key` in `locale` with `{name}` placeholders filled in (unknown placeholders stay visible). */
export function tr(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const entry = MESSAGES[locale][key] ?? en[key];
  return pick(locale, entry, params).replace(/\{(\w+)\}/g, (whole, name: string) =>
    params && Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/**
 * What a record says: given English words (with the note that goes with them, if any), or a note whose English
 * text is derived from it.
 */
export function wordsOf(said: string | Note | undefined, why?: Note): { message?: string; note?: Note } {
  if (typeof said === 'object') return { message: tr('en', said.key, said.params), note: said };
  return { ...(said !== undefined ? { message: said } : {}), ...(why ? { note: why } : {}) };
}

/**
 * A recorded note in `locale`; `fallback` (the English text recorded with it) when there is none or its key is
 * unknown (a run recorded by a newer or older version).
 */
export function noteText(locale: Locale, n: Note | undefined, fallback = ''): string {
  if (!n || !isMessageKey(n.key)) return fallback;
  return tr(locale, n.key, n.params);
}

/**
 * The sentence for a failure of `kind` when the connector gave none of its own (`run.failed.<kind>`), so that no
 * failure reaches the UI only as the connector's English words.
 */
export function failureNote(kind: string | undefined): Note | undefined {
  const key = `run.failed.${kind}`;
  return isMessageKey(key) ? { key } : undefined;
}

/**
 * A settings issue as the user reads it: the field's label (or the part it belongs to) and the message, never the
 * configuration path (`parts.calendar.newItemTypeId`).
 */
export function issueText(locale: Locale, issue: { path: string; message: string }): string {
  const path = issue.path.replace(/^sync\./, '');
  const exact = `field.${path}`;
  const part = /^parts\.(\w+)/.exec(path)?.[1];
  const label = isMessageKey(exact)
    ? tr(locale, exact)
    : part && isMessageKey(`field.parts.${part}`)
      ? tr(locale, `field.parts.${part}` as MessageKey)
      : '';
  return label ? `${label}: ${issue.message}` : issue.message;
}
