/// <reference types="node" />
/**
 * Vite build of the renderer: `npm run build:renderer` → dist/renderer, served to the Electron window by the app:
 * scheme (relative URLs: `base: './'`). The UI tests build the same config into a temp dir through Vite's JS API.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The window loads the bundle from the app: scheme (src-main/app/app-protocol.ts, not CORS-enabled), and
 * Electron's GrantFileProtocolExtraPrivileges fuse is OFF (security review). A classic deferred script (one IIFE
 * bundle) and a plain stylesheet link are plain same-origin loads that need no CORS privilege on any scheme.
 */
function classicScripts(): Plugin {
  return {
    name: 'classic-scripts',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml(html) {
      return html
        .replace(/<script type="module" crossorigin /g, '<script defer ')
        .replace(/<script type="module" /g, '<script defer ')
        .replace(/ crossorigin(?=[ >])/g, '');
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), classicScripts()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One small bundle; no inline assets so the CSP can stay at default-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome120',
    cssCodeSplit: false,
    rollupOptions: {
      output: { format: 'iife' },
      // The IPC contract's top level only builds main's zod schemas: the renderer takes its types and the message
      // catalogue's noteText, never the schemas, so neither they nor zod belong in the bundle.
      treeshake: { moduleSideEffects: (id) => !/[\\/]src-main[\\/]app[\\/]ipc-contract\.ts$/.test(id) },
    },
  },
});
