// The dashboard builds into the registry package (packages/registry/ui), which serves it at /ui.
// Relative asset URLs (base "./") and hash routes let it work under any ingress prefix.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../registry/ui",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // React Flow's "use client" markers mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});
