import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The service serves the build under /ui/ from its jar: the output goes straight into Maven's
// target/classes/ui so the jar plugin packages it with the service's classes.
export default defineConfig({
  base: "/ui/",
  plugins: [react()],
  build: {
    outDir: "../target/classes/ui",
    emptyOutDir: true,
    // One small app for operators: a single chunk is simpler to serve and cache.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev` against a service on its default port.
    proxy: { "/api": "http://127.0.0.1:8090" },
  },
});
