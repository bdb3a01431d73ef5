/**
 * The state file's schema versions: a file written by version 1 (the e-mail archive's tables made by the mail part
 * itself, outside the store's versioning) opens with this version, keeps every archived message, rule and given-up
 * message, and is version 2 from then on; opening it again changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/sync/state/sqlite';
import { SCHEMA_VERSION, StateStore } from '../../src-main/sync/state/store';
import { type V1Mail, writeV1StateFile } from './state-v1';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmpFile(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'abra-state-mig-'));
  dirs.push(d);
  return path.join(d, 'state.sqlite');
}

const archived: V1Mail[] = [
  {
    messageId: '<a1@kovo-brno.cz>',
    collection: 'emailsreceiveds',
    emailId: 'EMLR000001',
    activityId: 'ACT0000001',
    direction: 'received',
    subject: 'Objednávka č. 1',
    address: 'petr@kovo-brno.cz',
    date: '2026-11-28T09:00:00.000Z',
    firmId: 'FIRM000001',
    personId: 'PERS000001',
    status: 'assigned',
  },
  {
    messageId: '<s1@firma.cz>',
    collection: 'emailsents',
    emailId: 'EMLS000001',
    activityId: 'ACT0000002',
    direction: 'sent',
    subject: 'Nabídka',
    address: 'neznamy@example.org',
    date: '2026-11-29T09:00:00.000Z',
    firmId: null,
    personId: null,
    status: 'unassigned',
  },
];

/** What SQLite itself says about the file's structure: the schema cookie and every table and index. */
function structure(s: StateStore) {
  return {
    cookie: s.db.prepare('PRAGMA schema_version').get<{ schema_version: number }>()?.schema_version,
    objects: s.db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
  };
}

describe('StateStore schema versions', () => {
  it('a version-1 file with archived mail opens, keeps its archive, and is version 2; a second open is a no-op', () => {
    const file = tmpFile();
    writeV1StateFile(file, archived);
    const s = StateStore.open(file);
    expect(SCHEMA_VERSION).toBe(2);
    expect(s.getMeta('schemaVersion')).toBe('2');
    expect(s.getLink('addressBook', 'F000000001')?.exId).toBe('AAMk1');
    // the archive's rows, read as the mail part reads them: archived messages are not archived again
    expect(s.mail.count()).toBe(2);
    expect(s.mail.get('<a1@kovo-brno.cz>')).toMatchObject({
      collection: 'emailsreceiveds',
      abraEmailId: 'EMLR000001',
      abraActivityId: 'ACT0000001',
      firmId: 'FIRM000001',
      status: 'assigned',
    });
    expect(s.mail.listUnassigned()).toEqual([
      expect.objectContaining({ internetMessageId: '<s1@firma.cz>', subject: 'Nabídka', direction: 'sent' }),
    ]);
    expect([...s.mail.rules().values()]).toEqual([
      { address: 'petr@kovo-brno.cz', firmId: 'FIRM000001', personId: null },
    ]);
    expect(s.mail.unreadable('<huge@example.cz>')).toMatchObject({ reason: 'took longer than 5 s' });
    // the rows stay writable through the store (the same tables, not a second copy)
    s.mail.put({ ...s.mail.get('<s1@firma.cz>')!, firmId: 'FIRM000002', status: 'assigned' });
    expect(s.mail.listUnassigned()).toEqual([]);
    const first = structure(s);
    s.close();

    const again = StateStore.open(file);
    expect(structure(again)).toEqual(first);
    expect(again.getMeta('schemaVersion')).toBe('2');
    expect(again.mail.count()).toBe(2);
    expect(again.mail.get('<s1@firma.cz>')?.firmId).toBe('FIRM000002');
    again.close();
  });

  it('a version-1 file on which the archive never ran gets the mail tables', () => {
    const file = tmpFile();
    writeV1StateFile(file, null);
    const before = openDatabase(file);
    expect(before.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'mail_%'").all()).toEqual([]);
    before.close();
    const s = StateStore.open(file);
    expect(s.getMeta('schemaVersion')).toBe('2');
    expect(s.mail.count()).toBe(0);
    s.mail.putRule('info@kovo-brno.cz', 'FIRM000001', null);
    expect(s.mail.rules().get('info@kovo-brno.cz')?.firmId).toBe('FIRM000001');
    expect(s.getLink('addressBook', 'F000000001')).not.toBeNull();
    s.close();
  });

  it('a new file is built by the same steps as a migrated one', () => {
    const fresh = StateStore.open(tmpFile());
    const file = tmpFile();
    writeV1StateFile(file, null);
    const migrated = StateStore.open(file);
    expect(fresh.getMeta('schemaVersion')).toBe('2');
    expect(structure(fresh).objects.map((o) => o.name)).toEqual(
      expect.arrayContaining(['mail_messages', 'mail_rules', 'mail_unreadable']),
    );
    expect(structure(fresh).objects).toEqual(structure(migrated).objects);
    fresh.close();
    migrated.close();
  });

  it('a file of a newer version, or with an unreadable version, is refused and left as it was', () => {
    for (const value of ['3', 'zwei']) {
      const file = tmpFile();
      writeV1StateFile(file, archived);
      const db = openDatabase(file);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schemaVersion'").run(value);
      db.close();
      expect(() => StateStore.open(file)).toThrow(
        value === '3' ? /newer version/ : /unreadable schema version/,
      );
      const after = openDatabase(file);
      expect(after.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get()).toEqual({ value });
      expect(after.prepare('SELECT COUNT(*) AS n FROM mail_messages').get()).toEqual({ n: 2 });
      after.close();
    }
  });
});
