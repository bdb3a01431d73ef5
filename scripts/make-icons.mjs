#!/usr/bin/env node
// Draws the app and tray icons from a few simple shapes and writes them as SVG and PNG (own PNG encoder on node:zlib,
// anti-aliased by 4×4 supersampling) plus icon.ico (PNG entries) for Windows. No downloads, no image libraries.
//
//   npm run icons            → assets/
//   node scripts/make-icons.mjs --out DIR
//
// Tray:  assets/tray/<state>.png (16 px) and <state>@2x.png (32 px), <state>.svg — state = idle|setup|syncing|error|warning|paused
// App:   assets/icon.svg, assets/icon.png (512), assets/icon.ico (16/24/32/48/64/128/256), assets/icons/<N>x<N>.png
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');

// ---------- shapes (100 × 100 view box) ----------
/** @typedef {{ kind: 'circle', cx: number, cy: number, r: number, fill: string }} Circle */
/** @typedef {{ kind: 'poly', points: [number, number][], fill: string }} Poly */
/** @typedef {{ kind: 'rrect', x: number, y: number, w: number, h: number, r: number, fill: string }} RRect */

const rad = (deg) => (deg * Math.PI) / 180;

/** An annulus segment from angle a0 to a1 (degrees, clockwise from 3 o'clock, y down) as a polygon. */
function arc(cx, cy, r1, r2, a0, a1, fill, steps = 40) {
  const pts = [];
  for (let i = 0; i <= steps; i++) {
    const a = rad(a0 + ((a1 - a0) * i) / steps);
    pts.push([cx + r2 * Math.cos(a), cy + r2 * Math.sin(a)]);
  }
  for (let i = steps; i >= 0; i--) {
    const a = rad(a0 + ((a1 - a0) * i) / steps);
    pts.push([cx + r1 * Math.cos(a), cy + r1 * Math.sin(a)]);
  }
  return { kind: 'poly', points: pts, fill };
}

/** Arrow head at angle `a` on the circle of radius r, pointing clockwise. */
function head(cx, cy, r, a, size, fill) {
  const t = rad(a);
  const px = cx + r * Math.cos(t);
  const py = cy + r * Math.sin(t);
  // tangent (clockwise) and normal
  const tx = -Math.sin(t);
  const ty = Math.cos(t);
  const nx = Math.cos(t);
  const ny = Math.sin(t);
  return {
    kind: 'poly',
    points: [
      [px + nx * size, py + ny * size],
      [px - nx * size, py - ny * size],
      [px + tx * size * 1.1, py + ty * size * 1.1],
    ],
    fill,
  };
}

function syncArrows(fill, cx = 50, cy = 50, r = 26, w = 8) {
  const mid = r;
  return [
    arc(cx, cy, r - w / 2, r + w / 2, 200, 320, fill),
    head(cx, cy, mid, 320, w * 1.25, fill),
    arc(cx, cy, r - w / 2, r + w / 2, 20, 140, fill),
    head(cx, cy, mid, 140, w * 1.25, fill),
  ];
}

const COLORS = {
  idle: '#2e9e44',
  syncing: '#1f6fd1',
  error: '#d13438',
  warning: '#c98a00',
  paused: '#6e6e6e',
  setup: '#8a8f98',
  app: '#1f4e8c',
  white: '#ffffff',
};

const disc = (fill) => ({ kind: 'circle', cx: 50, cy: 50, r: 48, fill });

// the app's mark: a rounded square with the two sync arrows
const mark = (fill, dot) => [
  { kind: 'rrect', x: 4, y: 4, w: 92, h: 92, r: 20, fill },
  ...syncArrows(COLORS.white, 50, 50, 28, 9),
  ...(dot ? [{ kind: 'circle', cx: 50, cy: 50, r: 8, fill: dot }] : []),
];

const SCENES = {
  // at rest the tray shows the app's mark (green dot: all is well); the other states are coloured discs
  idle: mark(COLORS.app, '#7fd08c'),
  // not set up yet: the mark in neutral grey (nothing is wrong, nothing syncs)
  setup: mark(COLORS.setup, null),
  syncing: [
    disc(COLORS.syncing),
    ...syncArrows(COLORS.white),
    { kind: 'circle', cx: 50, cy: 50, r: 7, fill: COLORS.white },
  ],
  error: [
    disc(COLORS.error),
    { kind: 'rrect', x: 42, y: 18, w: 16, h: 42, r: 6, fill: COLORS.white },
    { kind: 'circle', cx: 50, cy: 74, r: 9, fill: COLORS.white },
  ],
  // items keep failing: amber, an exclamation mark like the error's
  warning: [
    disc(COLORS.warning),
    { kind: 'rrect', x: 42, y: 18, w: 16, h: 42, r: 6, fill: COLORS.white },
    { kind: 'circle', cx: 50, cy: 74, r: 9, fill: COLORS.white },
  ],
  paused: [
    disc(COLORS.paused),
    { kind: 'rrect', x: 29, y: 25, w: 15, h: 50, r: 4, fill: COLORS.white },
    { kind: 'rrect', x: 56, y: 25, w: 15, h: 50, r: 4, fill: COLORS.white },
  ],
  app: mark(COLORS.app, '#7fd08c'),
};

// ---------- SVG ----------
function svg(scene, title) {
  const f = (n) => Number(n.toFixed(2));
  const body = scene
    .map((s) => {
      if (s.kind === 'circle') return `  <circle cx="${s.cx}" cy="${s.cy}" r="${s.r}" fill="${s.fill}"/>`;
      if (s.kind === 'rrect')
        return `  <rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${s.fill}"/>`;
      return `  <polygon points="${s.points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')}" fill="${s.fill}"/>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">\n  <title>${title}</title>\n${body}\n</svg>\n`;
}

// ---------- rasteriser ----------
function inside(s, x, y) {
  if (s.kind === 'circle') return (x - s.cx) ** 2 + (y - s.cy) ** 2 <= s.r ** 2;
  if (s.kind === 'rrect') {
    if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
    const qx = Math.max(s.x + s.r - x, 0, x - (s.x + s.w - s.r));
    const qy = Math.max(s.y + s.r - y, 0, y - (s.y + s.h - s.r));
    return qx * qx + qy * qy <= s.r * s.r;
  }
  let c = false;
  const p = s.points;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    const [xi, yi] = p[i];
    const [xj, yj] = p[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

const hex = (h) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));

/** RGBA pixels (premultiplied compositing, straight alpha out). */
function bbox(s) {
  if (s.kind === 'circle') return [s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r];
  if (s.kind === 'rrect') return [s.x, s.y, s.x + s.w, s.y + s.h];
  const xs = s.points.map((p) => p[0]);
  const ys = s.points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function rasterise(scene, size, ss = 4) {
  const px = Buffer.alloc(size * size * 4);
  const cols = scene.map((s) => hex(s.fill));
  const boxes = scene.map(bbox);
  const hit = (k, x, y) => {
    const b = boxes[k];
    return x >= b[0] && y >= b[1] && x <= b[2] && y <= b[3] && inside(scene[k], x, y);
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const ux = ((x + (sx + 0.5) / ss) / size) * 100;
          const uy = ((y + (sy + 0.5) / ss) / size) * 100;
          // topmost shape wins (shapes are opaque)
          for (let k = scene.length - 1; k >= 0; k--) {
            if (hit(k, ux, uy)) {
              const [cr, cg, cb] = cols[k];
              r += cr;
              g += cg;
              b += cb;
              a += 1;
              break;
            }
          }
        }
      }
      const o = (y * size + x) * 4;
      const n = ss * ss;
      if (a > 0) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
      }
      px[o + 3] = Math.round((a / n) * 255);
    }
  }
  return px;
}

// ---------- PNG ----------
const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function encodePng(rgba, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO container with PNG-compressed entries (Windows Vista+). */
export function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const dir = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e[2] = 0; // palette
    e[3] = 0;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bpp
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    dir.push(e);
  }
  return Buffer.concat([header, ...dir, ...images.map((i) => i.png)]);
}

export function png(sceneName, size) {
  return encodePng(rasterise(SCENES[sceneName], size), size, size);
}

export function makeIcons(outDir) {
  const written = [];
  const write = (rel, data) => {
    const f = path.join(outDir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, data);
    written.push(rel);
  };
  for (const state of ['idle', 'setup', 'syncing', 'error', 'warning', 'paused']) {
    write(`tray/${state}.svg`, svg(SCENES[state], `ABRA Gen Exchange Sync: ${state}`));
    write(`tray/${state}.png`, png(state, 16));
    write(`tray/${state}@2x.png`, png(state, 32));
  }
  write('icon.svg', svg(SCENES.app, 'ABRA Gen Exchange Sync'));
  const sizes = [16, 24, 32, 48, 64, 128, 256, 512];
  const pngs = new Map(sizes.map((s) => [s, png('app', s)]));
  for (const [s, data] of pngs) write(`icons/${s}x${s}.png`, data);
  write('icon.png', pngs.get(512));
  write('icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: pngs.get(size) }))));
  return written;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename;
if (isMain) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(root, 'assets'));
  const files = makeIcons(out);
  console.log(`wrote ${files.length} files to ${path.relative(process.cwd(), out) || '.'}`);
}
