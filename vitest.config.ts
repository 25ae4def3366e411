import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Simulation tests are CPU-bound; two files at a time suits a 2-core machine.
    maxWorkers: 2,
  },
});
