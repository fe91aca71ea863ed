import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page is served by `tsunagu serve` under a CSP allowing only 'self', so the build
// must not inline scripts or pull anything from elsewhere. `npm run dev:web` proxies
// /api to a running server (TSUNAGU_API, default the serve command's default address).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Inlined assets would become data: URLs; keep every asset a file under 'self'.
    assetsInlineLimit: 0,
    // cytoscape is one large but cacheable chunk.
    chunkSizeWarningLimit: 1500,
    // The build runs inside `tsunagu serve` at first start; its timing report is noise there.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.TSUNAGU_API ?? 'http://127.0.0.1:3000' },
  },
});
