import { defineConfig } from 'vite';

// The console the api-gateway serves at /console (docs/console.md). Preact through the automatic
// JSX runtime; every asset gets a content hash under /console/assets/ (served as immutable), and
// nothing is inlined into index.html, so the gateway's Content-Security-Policy needs no
// 'unsafe-inline'. https://vite.dev/config/
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/admin': 'http://127.0.0.1:3001',
      '/console/session': 'http://127.0.0.1:3001',
      '/oauth': 'http://127.0.0.1:3001',
    },
  },
});
