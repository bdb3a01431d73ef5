/**
 * The renderer's translations (its JSON with the words it shares with main's catalogue put in): Czech and English
 * have the same keys (Czech with all four plural forms), every static key the code uses exists, no Czech text was
 * left in English, and each shared word lives once, in main's catalogue.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { tr } from '../../src-main/shared/messages';
import type { DeleteReason } from '../../src-main/sync/api';
import { catalogue, FROM_MAIN } from '../../src-renderer/src/locales/catalogue';
import { repoRoot } from '../helpers/env';

const src = path.join(repoRoot, 'src-renderer', 'src');
const load = (lang: 'cs' | 'en') => catalogue(lang) as Record<string, unknown>;
const json = (lang: string) =>
  JSON.parse(readFileSync(path.join(src, 'locales', `${lang}.json`), 'utf8')) as Record<string, unknown>;

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object')
      for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (k: string) => k.replace(PLURAL, '');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('renderer translations', () => {
  const en = flatten(load('en'));
  const cs = flatten(load('cs'));

  it('Czech and English have the same keys (plural forms per language)', () => {
    const enBases = new Set([...en.keys()].map(base));
    const csBases = new Set([...cs.keys()].map(base));
    expect([...enBases].filter((k) => !csBases.has(k))).toEqual([]);
    expect([...csBases].filter((k) => !enBases.has(k))).toEqual([]);
    for (const k of en.keys()) {
      if (!k.endsWith('_other')) continue;
      const b = base(k);
      for (const form of ['one', 'few', 'many', 'other'])
        expect(cs.has(`${b}_${form}`), `${b}_${form}`).toBe(true);
      expect(en.has(`${b}_one`), `${b}_one`).toBe(true);
    }
  });

  it('every static key the code uses exists in English', () => {
    const used = new Set<string>();
    for (const f of files(src)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    const bases = new Set([...en.keys()].map(base));
    expect([...used].filter((k) => !en.has(k) && !bases.has(k))).toEqual([]);
  });

  it('Czech texts are translated, with diacritics', () => {
    const same = [...cs].filter(([k, v]) => en.get(k) === v && /[a-z]{4,}/i.test(v));
    // Product names, technical terms and format strings that are the same in both languages.
    const allowed = new Set([
      'app.title',
      'side.abra',
      'side.exchange',
      'preview.sideName.abra',
      'preview.sideName.exchange',
      'recordField.email',
      'recordField.emails',
      'recordField.businessFax',
      'direction.abraToExchange',
      'direction.exchangeToAbra',
      'connections.abra',
      'connections.kindEws',
      'connections.kindGraph',
      'connections.authToken',
      'connections.token',
      'overview.online',
      'overview.offline',
      'overview.confirmedDone',
      'log.countsShort',
    ]);
    expect(same.map(([k]) => k).filter((k) => !allowed.has(k))).toEqual([]);
    const withDiacritics = [...cs.values()].filter((v) => /[áčďéěíňóřšťúůýž]/i.test(v)).length;
    expect(withDiacritics / cs.size).toBeGreaterThan(0.5);
  });

  it('the mass-delete card has words for every reason a deletion is recorded with (keys built at run time)', async () => {
    // a Record over the type: a new DeleteReason fails the typecheck here until it gets its words
    const reasons: Record<DeleteReason, true> = {
      deletedInAbra: true,
      deletedInExchange: true,
      leftFilter: true,
    };
    for (const r of Object.keys(reasons)) {
      for (const [lang, map, forms] of [
        ['en', en, ['one', 'other']],
        ['cs', cs, ['one', 'few', 'many', 'other']],
      ] as const) {
        expect(map.has(`overview.why.${r}`), `${lang} overview.why.${r}`).toBe(true);
        for (const f of forms)
          expect(map.has(`overview.whyCount.${r}_${f}`), `${lang} overview.whyCount.${r}_${f}`).toBe(true);
      }
    }
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { cs: { translation: load('cs') }, en: { translation: load('en') } },
      lng: 'cs',
      interpolation: { escapeValue: false },
    });
    const list = [
      i18n.t('overview.whyCount.deletedInAbra', { count: 12 }),
      i18n.t('overview.whyCount.leftFilter', { count: 3 }),
    ].join(', ');
    expect(i18n.t('overview.pendingWhy', { list })).toBe(
      'Proč: 12 smazáno v ABRA, 3 už neodpovídají filtru.',
    );
    expect(i18n.t('overview.whyCount.deletedInExchange', { count: 1, lng: 'en' })).toBe(
      '1 deleted in Outlook',
    );
  });

  it("takes the words it shares with main from main's catalogue, and keeps no copy of them", async () => {
    for (const lang of ['cs', 'en'] as const) {
      const own = flatten(json(lang));
      const all = flatten(load(lang));
      for (const [key, mainKey] of Object.entries(FROM_MAIN)) {
        expect(own.has(key), `${lang}.json still has ${key}`).toBe(false);
        expect(all.get(key), key).toBe(tr(lang, mainKey));
      }
    }
    expect(cs.get('parts.addressBook')).toBe('Adresář');
    // a sentence naming a part nests the shared word instead of repeating it
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { cs: { translation: load('cs') } },
      lng: 'cs',
      interpolation: { escapeValue: false },
    });
    expect(i18n.t('parts.mailElsewhere')).toBe('Archiv e-mailů má vlastní stránku.');
  });
});
