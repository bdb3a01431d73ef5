/// <reference types="node" />
/**
 * Vite build of the renderer: `npm run build:renderer` → dist/renderer, loaded by the Electron window from disk
 * (hence `base: './'`). The UI tests build the same config into a temp dir through Vite's JS API.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One small bundle; no inline assets so the CSP can stay at default-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome120',
  },
});
