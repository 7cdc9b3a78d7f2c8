import { defineConfig } from 'vite';

export default defineConfig({
  // The relay serves the console under /dashboard/; every asset URL is absolute under it.
  base: '/dashboard/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The relay's content-security-policy allows no data: URLs and no inline script: keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
