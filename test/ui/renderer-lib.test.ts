/** The renderer's pure helpers: draft paths, policy locks, list fields and error messages from main. */
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src-renderer/src/lib/errors';
import { formatRelative, formatTime } from '../../src-renderer/src/lib/format';
import { partSummary } from '../../src-renderer/src/lib/part-summary';
import {
  deleteIn,
  fillFrom,
  getIn,
  linesToList,
  listToLines,
  lockedBy,
  setIn,
  withoutLocked,
} from '../../src-renderer/src/lib/paths';
import { saidText } from '../../src-renderer/src/lib/said';

describe('renderer helpers', () => {
  it('reads and writes nested drafts without touching the original', () => {
    const draft = { abra: { serverUrl: 'a', login: 'x' }, parts: { mail: { enabled: false } } };
    const next = setIn(draft, 'parts.mail.enabled', true);
    expect(getIn(next, 'parts.mail.enabled')).toBe(true);
    expect(draft.parts.mail.enabled).toBe(false);
    expect(next.abra).toBe(draft.abra);
    expect(getIn(setIn(null, 'a.b', 1), 'a.b')).toBe(1);
    expect(getIn(draft, 'abra.missing.deeper')).toBeUndefined();
    expect(deleteIn(draft, 'abra.serverUrl')).toEqual({ ...draft, abra: { login: 'x' } });
    expect(deleteIn(draft, 'nope.deeper')).toBe(draft);
  });

  it('treats a locked group as locking everything below it, and leaves locked values out of a save', () => {
    const locked = ['sync.parts.mail', 'sync.abra.serverUrl', 'preferences.language'];
    expect(lockedBy(locked, 'sync.parts.mail.enabled')).toBe(true);
    expect(lockedBy(locked, 'sync.parts.mailbox')).toBe(false);
    expect(lockedBy(locked, 'sync.abra.serverUrl')).toBe(true);
    expect(lockedBy(locked, 'sync.abra.login')).toBe(false);
    const draft = { abra: { serverUrl: '', login: 'x' }, parts: { mail: { enabled: true }, calendar: {} } };
    expect(withoutLocked(draft, locked, 'sync.')).toEqual({ abra: { login: 'x' }, parts: { calendar: {} } });
  });

  it('fills empty fields from the admin presets, keeping what the user typed', () => {
    const preset = {
      abra: { serverUrl: 'https://abra.firma.cz', connection: 'data' },
      parts: { mail: { ownDomains: ['firma.cz'] } },
    };
    const filled = fillFrom({ abra: { serverUrl: '', connection: 'mine', login: '' } }, preset);
    expect(filled).toEqual({
      abra: { serverUrl: 'https://abra.firma.cz', connection: 'mine', login: '' },
      parts: { mail: { ownDomains: ['firma.cz'] } },
    });
  });

  it('turns text areas into lists and back', () => {
    expect(linesToList(' a@b.cz \n\n c.cz, d.cz ; e.cz\n')).toEqual(['a@b.cz', 'c.cz', 'd.cz', 'e.cz']);
    expect(listToLines(['a', 'b'])).toBe('a\nb');
    expect(listToLines(undefined)).toBe('');
  });

  it('shows only main’s own words of a failed call', () => {
    expect(
      errorMessage(
        new Error(
          "Error invoking remote method 'abra-sync:call': Error: failed: Save the connection settings first (Connections).",
        ),
      ),
    ).toBe('Save the connection settings first (Connections).');
    expect(errorMessage(new Error('invalidArguments: setSecret: 1: expected string'))).toBe(
      'setSecret: 1: expected string',
    );
    expect(errorMessage('plain')).toBe('plain');
  });

  it("shows what main recorded in the UI's language: the note, else the kind in plain words and the server's own", () => {
    const kinds = (k: string) => ({ auth: 'chybné přihlašovací údaje' })[k] ?? '';
    const run = {
      message: 'Microsoft 365 sign-in expired or was revoked — sign in again',
      note: { key: 'graph.auth' as const },
      errorKind: 'auth',
    };
    expect(saidText(run, 'cs', kinds)).toBe(
      'Přihlášení k Microsoft 365 vypršelo nebo bylo odvoláno. Přihlaste se znovu.',
    );
    expect(saidText(run, 'en', kinds)).toBe(
      'The Microsoft 365 sign-in has expired or was revoked. Sign in again.',
    );
    expect(saidText({ message: 'HTTP 401 from the proxy', errorKind: 'auth' }, 'cs', kinds)).toBe(
      'Chybné přihlašovací údaje — HTTP 401 from the proxy',
    );
    expect(saidText({ message: 'something new', errorKind: 'unknownKind' }, 'cs', kinds)).toBe(
      'something new',
    );
    expect(saidText(undefined, 'cs', kinds)).toBe('');
  });

  it('times on the cards read relative within a day ("před 5 min"), exact beyond it', () => {
    const now = Date.parse('2026-12-06T10:00:00.000Z');
    const ago = (sec: number) => new Date(now - sec * 1000).toISOString();
    expect(formatRelative(ago(300), 'cs', now)).toMatch(/^před 5 min/);
    expect(formatRelative(ago(300), 'en', now)).toMatch(/^5 min.* ago$/);
    expect(formatRelative(ago(-600), 'cs', now)).toMatch(/^za 10 min/);
    expect(formatRelative(ago(10), 'cs', now)).toBe('nyní');
    expect(formatRelative(ago(2 * 3600), 'cs', now)).toMatch(/^před 2 h/);
    // a day and more: the date and time, as before
    expect(formatRelative(ago(30 * 3600), 'cs', now)).toBe(formatTime(ago(30 * 3600), 'cs'));
    expect(formatRelative(undefined, 'cs', now)).toBe('—');
  });

  it("a part's summary line says what it does: off, direction, interval, what it covers", () => {
    const t = (k: string, o?: Record<string, unknown>) => (o?.count !== undefined ? `${k}(${o.count})` : k);
    const names = (ids: string[]) => ids.map((id) => `T${id}`);
    expect(partSummary('calendar', { enabled: false, activityTypeIds: ['1'] }, t, names)).toBe(
      'parts.summaryOff',
    );
    expect(partSummary('calendar', undefined, t, names)).toBe('parts.summaryOff');
    expect(
      partSummary(
        'addressBook',
        { enabled: true, direction: 'abraToExchange', intervalMinutes: 5, onlyMine: true },
        t,
        names,
      ),
    ).toBe('direction.abraToExchange · parts.summaryEvery(5) · parts.summaryMyFirms · parts.summaryPersons');
    expect(
      partSummary(
        'addressBook',
        {
          enabled: true,
          direction: 'both',
          intervalMinutes: 15,
          onlyMine: false,
          includePersons: false,
          where: 'x = 1',
        },
        t,
        names,
      ),
    ).toBe('direction.both · parts.summaryEvery(15) · parts.summaryAllFirms · parts.summaryWhere');
    const cal = { enabled: true, direction: 'both', intervalMinutes: 15, onlyMine: true };
    expect(partSummary('calendar', { ...cal, activityTypeIds: [] }, t, names)).toContain(
      'parts.summaryNoTypes',
    );
    expect(partSummary('calendar', { ...cal, activityTypeIds: ['1', '2'] }, t, names)).toBe(
      'direction.both · parts.summaryEvery(15) · T1, T2 · parts.summaryMine',
    );
    expect(
      partSummary('tasks', { ...cal, onlyMine: false, activityTypeIds: ['1', '2', '3'] }, t, names),
    ).toBe('direction.both · parts.summaryEvery(15) · parts.summaryTypes(3)');
  });
});
