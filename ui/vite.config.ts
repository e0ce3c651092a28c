import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Relative asset paths: the same build is served by the HTTP bridge at `/`
// and loaded by the Tauri shell from its custom protocol.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { strictPort: true, port: 5173 },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    // The first jsdom render can take seconds on a loaded 2-core machine.
    testTimeout: 30000,
    globals: false,
  },
});
