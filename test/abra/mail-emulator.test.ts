/**
 * The ABRA emulator's e-mail agendas (#14, test/emulators/abra/mail-schema.ts, mail-store.ts), each behaviour with
 * its source: ../shared/notes/abra-fields-audit.md ("Odeslaný e-mail — emailsents", "Vazba mezi doklady —
 * relations", §(c)), ../shared/abra/metadata.json (checked-in copy test/emulators/abra/metadata.json).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';

let emu: AbraEmulator;
const auth = () => `Basic ${Buffer.from(`${emu.user}:${emu.password}`).toString('base64')}`;
async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${emu.url}/${path}`, {
    method,
    headers: { authorization: auth(), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & Record<string, unknown>[] };
}

beforeAll(async () => {
  emu = await startAbraEmulator({ seed: 5, size: 'small' });
});
afterAll(async () => {
  await emu?.stop();
});

describe('ABRA emulator: e-mail agendas', () => {
  it('metadata.json emailsent: recipients are owned rows {Email, EmailType}, attachments point to a content object (Content_ID → BlobData)', async () => {
    const account = emu.control.list('emailaccounts')[0]!.id as string;
    const content = await call('POST', 'emailsentattachcontents', {
      BlobData: Buffer.from('PDF').toString('base64'),
    });
    expect(content.status).toBe(201);
    const r = await call('POST', 'emailsents', {
      EmailAccount_ID: account,
      Subject: 'Nabídka',
      SentState: 2,
      Recipients: [
        { Email: 'a@kovo.cz', EmailType: 0 },
        { Email: 'b@kovo.cz', EmailType: 1 },
      ],
      Attachments: [{ FileName: 'nabidka.pdf', FileSize: 3, Content_ID: content.body.id }],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ sentstate: 2, emailaccount_id: account });
    expect((r.body.recipients as unknown as Record<string, unknown>[]).map((x) => x.emailtype)).toEqual([
      0, 1,
    ]);
    // no Message-ID, sender-address, raw-message or activity field exists (audit §(b)): refused like any unknown field
    for (const f of ['MessageID', 'FromAddress', 'RawMessage', 'CRMActivity_ID']) {
      const bad = await call('POST', 'emailsents', { EmailAccount_ID: account, [f]: 'x' });
      expect(bad.status, f).toBe(400);
      expect(String(bad.body.description)).toContain(
        `Neznáma položka triedy 5C1HWDQDR3J4NAAYZRO5PWHLWK: ${f}`,
      );
    }
  });

  it('help.abra.eu odeslane_emaily_ZS: SentDate is filled by ABRA when it sends and cannot be entered; [A] EmailAccount_ID is required (every partner script sets it)', async () => {
    const account = emu.control.list('emailaccounts')[0]!.id as string;
    const r = await call('POST', 'emailsents', {
      EmailAccount_ID: account,
      Subject: 'x',
      SentState: 2,
      SentDate$DATE: '2020-01-01T00:00:00Z',
    });
    expect(r.body['sentdate$date']).toBeNull();
    const noAccount = await call('POST', 'emailsents?validation=true', { Subject: 'x', SentState: 2 });
    expect(noAccount.status).toBe(200);
    expect(
      (noAccount.body['@meta'] as { validation: { errors: { count: number } } }).validation.errors.count,
    ).toBe(1);
  });

  it('relations (partner script 57033482411): Rel_Def 1271/1272 link an activity (left side) to a received/sent e-mail (right side); wrong sides are refused', async () => {
    const account = emu.control.list('emailaccounts')[0]!.id as string;
    const mail = emu.control.insert('emailsreceiveds', {
      sender: 'a@kovo.cz',
      subject: 'Dotaz',
      emailaccount_id: account,
    });
    const act = emu.control.list('crmactivities')[0]!;
    const ok = await call('POST', 'relations', { Rel_Def: 1271, LeftSide_ID: act.id, RightSide_ID: mail.id });
    expect(ok.status).toBe(201);
    const q = await call('POST', 'relations/query', {
      where: `rel_def = 1271 and rightside_id = '${mail.id}'`,
    });
    expect((q.body as unknown as Record<string, unknown>[]).map((x) => x.leftside_id)).toEqual([act.id]);
    // 1272 is for sent e-mails: a received one on the right side is refused
    const wrong = await call('POST', 'relations', {
      Rel_Def: 1272,
      LeftSide_ID: act.id,
      RightSide_ID: mail.id,
    });
    expect(wrong.status).toBe(400);
  });

  it('an unknown select field is refused even when no row matches (the server checks the query, not the rows)', async () => {
    const r = await call('POST', 'emailsreceiveds/query', {
      select: ['id', 'X_MessageID'],
      where: "subject = 'none'",
    });
    expect(r.status).toBe(400);
    expect(String(r.body.description)).toContain('X_MessageID');
  });
});
