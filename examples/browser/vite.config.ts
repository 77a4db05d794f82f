import { defineConfig } from "vite";
import { precacheAppShell } from "./vite/precache-plugin.js";
import { serveSharedModels } from "./vite/shared-models-plugin.js";

export default defineConfig({
  plugins: [serveSharedModels(), precacheAppShell()],
  // The training worker imports the library, which loads parts of itself on first use (dynamic
  // imports): module workers can, the default classic format cannot.
  worker: { format: "es" },
  build: {
    target: "es2022",
    // Most of the build is spent reading ONNX Runtime's 28 MB .wasm, which rolldown reports as a
    // slow plugin on every build; there is nothing to act on.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  // In the dev server, these two find their .wasm files next to their own modules
  // (`new URL("….wasm", import.meta.url)`); pre-bundling would move the modules away from them.
  optimizeDeps: { exclude: ["@sqlite.org/sqlite-wasm", "onnxruntime-web"] },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 5173 },
});
