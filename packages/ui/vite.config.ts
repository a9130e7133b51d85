import { defineConfig } from 'vite';

// A static bundle for `gitseal ui` to serve: no inline script or style (the server's CSP allows only 'self'), no
// module-preload polyfill, no source maps shipped.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
});
