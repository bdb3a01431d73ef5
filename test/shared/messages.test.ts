/**
 * The main process's sentences (src-main/shared/messages/): Czech has every English sentence with the same
 * placeholders and its own plural forms; formatting fills placeholders and falls back for unknown notes.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES, type MessageKey, noteText, tr } from '../../src-main/shared/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (e: unknown): string[] => (typeof e === 'string' ? [e] : Object.values(e as object));
/** Words that are the same in both languages on purpose. */
const SAME_IN_BOTH = new Set<string>(['tray.result.ok']);

describe('main-process messages', () => {
  const keys = Object.keys(MESSAGES.en) as MessageKey[];

  it('Czech has every sentence, translated, with the same placeholders', () => {
    expect(Object.keys(MESSAGES.cs).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      const want = placeholders(forms(MESSAGES.en[k])[0]!);
      for (const text of forms(MESSAGES.en[k])) expect(placeholders(text), `${k}: ${text}`).toEqual(want);
      // Czech may leave out {detail}: the connector's own English words (issue #18: no English in the Czech UI)
      for (const text of forms(MESSAGES.cs[k]))
        expect(
          placeholders(text).filter((p) => p !== 'detail'),
          `${k}: ${text}`,
        ).toEqual(want.filter((p) => p !== 'detail'));
      if (!SAME_IN_BOTH.has(k))
        expect(forms(MESSAGES.cs[k]).join('|'), k).not.toBe(forms(MESSAGES.en[k]).join('|'));
    }
  });

  it('every key exists in both languages, none empty, and Czech plurals have the few form (2–4)', () => {
    const all = new Set([...Object.keys(MESSAGES.en), ...Object.keys(MESSAGES.cs)]);
    for (const k of all)
      for (const lang of ['en', 'cs'] as const) {
        const e = (MESSAGES[lang] as Record<string, unknown>)[k];
        expect(e, `${lang} ${k}`).toBeDefined();
        for (const text of forms(e)) expect(text.trim(), `${lang} ${k}`).not.toBe('');
        if (lang === 'cs' && typeof e === 'object') expect(e, `cs ${k}`).toHaveProperty('few');
      }
  });

  it('the tray and the notifications read from the catalogue: their keys are there in both languages', () => {
    const wanted = [
      'tray.syncNow',
      'tray.notSetUp',
      'tray.changes',
      'tray.result.ok',
      'tray.result.needsConfirmation',
      'notice.massDelete',
      'notice.itemsFailing',
      'field.parts.addressBook',
    ];
    for (const k of wanted) {
      expect(MESSAGES.en, k).toHaveProperty([k]);
      expect(MESSAGES.cs, k).toHaveProperty([k]);
    }
    expect(tr('cs', 'tray.changes', { count: 3 })).toBe('3 změny');
    expect(tr('cs', 'notice.auth', { part: tr('cs', 'field.parts.addressBook') })).toBe(
      'Adresář: přihlaste se znovu',
    );
  });

  it('fills placeholders and picks the plural form of the language', () => {
    expect(tr('en', 'abra.connected', { who: 'Jana Nováková' })).toBe(
      'Connected to ABRA Gen as Jana Nováková.',
    );
    expect(tr('cs', 'abra.connected', { who: 'Jana Nováková' })).toBe(
      'Připojeno k ABRA Gen jako Jana Nováková.',
    );
    expect(tr('en', 'where.validFirms', { count: 1 })).toBe('The expression is valid; it matches 1 firm.');
    expect(tr('en', 'where.validFirms', { count: 7 })).toBe('The expression is valid; it matches 7 firms.');
    expect(tr('cs', 'where.validFirms', { count: 1 })).toBe('Výraz je platný; odpovídá mu 1 firma.');
    expect(tr('cs', 'where.validFirms', { count: 3 })).toBe('Výraz je platný; odpovídají mu 3 firmy.');
    expect(tr('cs', 'where.validFirms', { count: 5 })).toBe('Výraz je platný; odpovídá mu 5 firem.');
    expect(tr('cs', 'where.validFirms', { count: 0 })).toBe('Výraz je platný; odpovídá mu 0 firem.');
    // a missing parameter stays visible rather than silently vanishing
    expect(tr('en', 'abra.connected')).toBe('Connected to ABRA Gen as {who}.');
  });

  it('a recorded note reads in the language asked for; an unknown one falls back to its recorded text', () => {
    const n = { key: 'run.abraEmpty', params: { count: 40 } } as const;
    expect(noteText('en', n)).toMatch(/^ABRA returned no records for this part although 40 are linked/);
    expect(noteText('cs', n)).toMatch(
      /^ABRA pro tuto část nevrátila žádné záznamy, přestože je propojeno 40/,
    );
    expect(noteText('cs', { key: 'run.fromTheFuture' as MessageKey }, 'recorded text')).toBe('recorded text');
    expect(noteText('cs', undefined, 'recorded text')).toBe('recorded text');
  });
});

/**
 * Issue #18 item 3: every error kind and every notification, rendered in Czech, has no untranslated text — the
 * connection test's answer per side and backend, and what the engine records for a failed run (through the real
 * SyncService) as the overview, the tray and the toasts show it.
 */
describe('no English in the Czech UI', () => {
  const ENGLISH = 'the server said no because of an internal error';
  // words that appear in English sentences and never in Czech ones
  const english =
    /\b(the|and|is|not|was|were|failed|refused|sign|again|cannot|could|with|please|error|server's)\b/i;
  const KINDS = [
    'auth',
    'forbidden',
    'notFound',
    'validation',
    'conflict',
    'throttled',
    'transient',
    'unreachable',
    'timeout',
    'tls',
    'malformed',
    'cursorInvalid',
    'config',
  ] as const;
  const czechOnly = (text: string, what: string) => {
    expect(text, what).not.toContain(ENGLISH);
    expect(english.exec(text)?.[0], `${what}: ${text}`).toBeUndefined();
  };

  it('every Czech sentence of the catalogue', async () => {
    for (const [k, e] of Object.entries(MESSAGES.cs)) for (const text of forms(e)) czechOnly(text, k);
  });

  it('the connection test, every error kind, ABRA, Exchange Server and Microsoft 365', async () => {
    const { explainConnectionError } = await import('../../src-main/app/controller');
    const { SyncError } = await import('../../src-main/shared/errors');
    const { parseConfig } = await import('../../src-main/sync/config');
    const base = {
      abra: { serverUrl: 'https://abra.firma.cz:8443', connection: 'data', login: 'jan' },
      exchange: { email: 'jan@firma.cz', ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx' },
    };
    const ews = parseConfig(base);
    const graph = parseConfig({ ...base, exchange: { email: 'jan@firma.cz', kind: 'graph', clientId: 'x' } });
    for (const kind of KINDS) {
      for (const [side, cfg, name] of [
        ['abra', ews, 'ABRA'],
        ['exchange', ews, 'EWS'],
        ['exchange', graph, 'Graph'],
      ] as const) {
        const r = explainConnectionError(side, new SyncError(kind, ENGLISH), cfg, 'cs');
        czechOnly(r.message, `${name} ${kind}`);
        // in English the connector's words stay where they help
        expect(explainConnectionError(side, new SyncError(kind, ENGLISH), cfg, 'en').message).toBeTruthy();
      }
    }
  });

  it('a failed run of every kind: the overview, the tray tooltip and the toast', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { SyncError } = await import('../../src-main/shared/errors');
    const { SyncService } = await import('../../src-main/sync/service');
    const { NotificationTracker } = await import('../../src-main/app/notifications');
    const { testConfig } = await import('../sync/fakes');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-no-english-'));
    try {
      for (const kind of KINDS) {
        const s = new SyncService({
          config: testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } }),
          secrets: { get: async () => null },
          dataDir: path.join(dir, kind),
          connect: async () => {
            throw new SyncError(kind, ENGLISH);
          },
        });
        try {
          const [run] = await s.syncNow('addressBook');
          expect(run?.result).toBe('failed');
          czechOnly(noteText('cs', run?.note, run?.message), `run ${kind}`);
          const status = s.status();
          const book = status.parts.find((p) => p.part === 'addressBook')!;
          czechOnly(noteText('cs', book.attention?.note, book.attention?.message), `attention ${kind}`);
          const tracker = new NotificationTracker('cs');
          // a network hiccup notifies when it repeats
          const notices = tracker.update({
            ...status,
            parts: status.parts.map((p) => (p.part === 'addressBook' ? { ...p, failureStreak: 3 } : p)),
          });
          expect(notices.length, kind).toBe(1);
          for (const n of notices) {
            czechOnly(n.title, `toast title ${kind}`);
            czechOnly(n.body, `toast body ${kind}`);
          }
        } finally {
          await s.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
