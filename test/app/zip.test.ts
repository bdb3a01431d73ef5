import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, createZip } from '../../src-main/app/zip';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('zip writer', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  const entries = [
    { name: 'logs/app.log', data: 'line\n'.repeat(2000) },
    { name: 'tiny.txt', data: 'a' },
    { name: 'Přehled běhů.json', data: JSON.stringify({ ok: true, note: 'žluťoučký kůň' }) },
    { name: 'empty.bin', data: Buffer.alloc(0) },
  ];

  it('central directory lists every entry; contents inflate back with matching CRC', () => {
    const zip = createZip(entries.map((e) => ({ ...e, date: new Date(2026, 10, 25, 10, 30, 12) })));
    const eocd = zip.length - 22;
    expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(zip.readUInt16LE(eocd + 10)).toBe(entries.length);
    let p = zip.readUInt32LE(eocd + 16);
    for (const e of entries) {
      expect(zip.readUInt32LE(p)).toBe(0x02014b50);
      const method = zip.readUInt16LE(p + 10);
      const crc = zip.readUInt32LE(p + 16);
      const csize = zip.readUInt32LE(p + 20);
      const usize = zip.readUInt32LE(p + 24);
      const nlen = zip.readUInt16LE(p + 28);
      const off = zip.readUInt32LE(p + 42);
      expect(zip.subarray(p + 46, p + 46 + nlen).toString('utf8')).toBe(e.name);
      const data = zip.subarray(off + 30 + nlen, off + 30 + nlen + csize);
      const plain = method === 8 ? inflateRawSync(data) : data;
      const want = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
      expect(plain.equals(want)).toBe(true);
      expect(usize).toBe(want.length);
      expect(crc).toBe(crc32(want));
      p += 46 + nlen;
    }
    // the big repetitive log is deflated, the one-byte file stored
    expect(zip.length).toBeLessThan(2000);
  });

  it.skipIf(!hasUnzip())('unzip -t accepts it', () => {
    const f = path.join(dir, 'a.zip');
    writeFileSync(f, createZip(entries));
    const out = execFileSync('unzip', ['-t', f], { encoding: 'utf8' });
    expect(out).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-l', f], { encoding: 'utf8' })).toContain('logs/app.log');
  });

  it('rejects unsafe or duplicate names', () => {
    expect(() => createZip([{ name: '../x', data: '' }])).toThrow(/invalid zip entry/);
    expect(() =>
      createZip([
        { name: 'a', data: '' },
        { name: 'a', data: '' },
      ]),
    ).toThrow(/duplicate/);
  });
});
