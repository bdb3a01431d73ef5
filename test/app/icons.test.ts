/** The icon generator: valid PNGs of the right sizes with transparent corners, an ICO of PNG entries, and the
 * committed assets/ are exactly what the script produces. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/env';

const out = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-icons-'));
beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/make-icons.mjs', '--out', out], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Minimal PNG decoder for our own files (RGBA 8-bit, filter 0). */
function decodePng(buf: Buffer): { w: number; h: number; px: (x: number, y: number) => number[] } {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let p = 8;
  let w = 0;
  let h = 0;
  const idat: Buffer[] = [];
  while (p < buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.subarray(p + 4, p + 8).toString('ascii');
    const data = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((w * 4 + 1) * h);
  return {
    w,
    h,
    px: (x, y) => [...raw.subarray(y * (w * 4 + 1) + 1 + x * 4, y * (w * 4 + 1) + 1 + x * 4 + 4)],
  };
}

describe('icons', () => {
  it('tray icons per state at 16 and 32 px: the app mark at rest, grey before setup, coloured discs, transparent corners', () => {
    const colour: Record<string, (rgb: number[]) => boolean> = {
      // the app's mark (its blue square) at rest, the same mark in neutral grey before setup (issue #18)
      idle: ([r, g, b]) => b! > r! + 60 && b! > g!,
      setup: ([r, g, b]) => Math.abs(r! - g!) < 12 && Math.abs(g! - b!) < 20 && r! > 110,
      syncing: ([r, g, b]) => b! > r! && b! > g!,
      error: ([r, g, b]) => r! > g! + 80 && r! > b! + 80,
      paused: ([r, g, b]) => Math.abs(r! - g!) < 10 && Math.abs(g! - b!) < 10,
    };
    for (const state of Object.keys(colour)) {
      for (const [file, size] of [
        [`${state}.png`, 16],
        [`${state}@2x.png`, 32],
      ] as const) {
        const img = decodePng(readFileSync(path.join(out, 'tray', file)));
        expect([img.w, img.h]).toEqual([size, size]);
        expect(img.px(0, 0)[3]).toBe(0);
        const edge = img.px(Math.round(size * 0.12), Math.round(size / 2)); // inside the disc, beside the symbol
        expect(edge[3]).toBe(255);
        expect(colour[state]!(edge), `${file} ${edge}`).toBe(true);
      }
      expect(readFileSync(path.join(out, 'tray', `${state}.svg`), 'utf8')).toMatch(
        /^<svg [^>]*viewBox="0 0 100 100"/,
      );
    }
  });

  it('app icon sizes and an ICO with PNG entries', () => {
    for (const s of [16, 32, 256, 512]) {
      const img = decodePng(readFileSync(path.join(out, 'icons', `${s}x${s}.png`)));
      expect(img.w).toBe(s);
    }
    expect(decodePng(readFileSync(path.join(out, 'icon.png'))).w).toBe(512);
    const ico = readFileSync(path.join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const n = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < n; i++) {
      const e = 6 + i * 16;
      const size = ico.readUInt32LE(e + 8);
      const off = ico.readUInt32LE(e + 12);
      const img = decodePng(ico.subarray(off, off + size));
      expect(ico[e] === 0 ? 256 : ico[e]).toBe(img.w);
      sizes.push(img.w);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('the committed assets are what the script draws (run `npm run icons` after changing it)', () => {
    const list = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? list(path.join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
      );
    const generated = list(out).sort();
    for (const f of generated)
      expect(readFileSync(path.join(repoRoot, 'assets', f)).equals(readFileSync(path.join(out, f))), f).toBe(
        true,
      );
  });
});
