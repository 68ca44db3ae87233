import { defineConfig } from 'vite';

/** Builds the dashboard into `dist/`, which the `ouro ui` server serves at `/` and `/assets/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
