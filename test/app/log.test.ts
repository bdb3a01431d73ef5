import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileLogger, redact } from '../../src-main/app/log';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log redaction', () => {
  it.each([
    ['Authorization: Basic amFuOkhlc2xvMTIz', 'amFuOkhlc2xvMTIz'],
    ['{"authorization":"Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl"}', 'eyJzdWIiOiIx'],
    ['headers: { Authorization: "NTLM TlRMTVNTUAABAAAA" }', 'TlRMTVNTUAABAAAA'],
    ['login failed for jan password=Tajne123 at 10:00', 'Tajne123'],
    ['{"password": "Tajne 123", "login": "jan"}', 'Tajne 123'],
    ['refresh_token=0.AAAAxyz&client_id=1', '0.AAAAxyz'],
    ['"access_token":"abc.def.ghi"', 'abc.def.ghi'],
    ['GET https://jan:Tajne123@abra.firma.cz/data/firms', 'Tajne123'],
    ['token: 5f2b7c9d8e', '5f2b7c9d8e'],
    ['graphTokenCache={"x":1}', '{"x":1}'],
  ])('%s', (line, secret) => {
    const out = redact(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted');
  });

  it('keeps ordinary text and scrubs known secret values anywhere', () => {
    expect(redact('addressBook: ok — 3 created')).toBe('addressBook: ok — 3 created');
    // security review: the pattern rule ate part of ABRA's own error text; a plain word after "key: " stays
    expect(redact('ABRA: Password: Heslo nesmí být prázdné')).toBe('ABRA: Password: Heslo nesmí být prázdné');
    expect(redact('token: expired')).toBe('token: expired');
    expect(redact('password: Zimni-Heslo-1')).toBe('password: [redacted]');
    expect(redact('weird error mentioning S3cr3t!x inside', ['S3cr3t!x'])).toBe(
      'weird error mentioning [redacted] inside',
    );
  });
});

describe('file logger', () => {
  it('writes redacted lines and rotates by size, keeping N files', () => {
    const file = path.join(dir, 'logs', 'app.log');
    const log = createFileLogger({
      file,
      maxBytes: 400,
      keep: 2,
      now: () => new Date('2026-11-25T10:00:00Z'),
    });
    log.info('first Authorization: Basic c2VjcmV0c2VjcmV0');
    expect(readFileSync(file, 'utf8')).toMatch(
      /^2026-11-25T10:00:00.000Z INFO {2}first Authorization: \[redacted\]\n$/,
    );
    for (let i = 0; i < 30; i++) log.warn(`line ${i} ${'x'.repeat(40)}`);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(400);
    expect(readFileSync(file, 'utf8')).toContain('line 29');
    expect(log.files()).toEqual([file, `${file}.1`, `${file}.2`]);
    const all = log
      .files()
      .map((f) => readFileSync(f, 'utf8'))
      .join('');
    expect(all).not.toContain('c2VjcmV0c2VjcmV0');
  });
});
