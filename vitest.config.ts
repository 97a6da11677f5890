import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own temporary DATA_DIR (see test/helpers/data-dir.ts).
    isolate: true,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
          exclude: ["test/e2e/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser tests: each file starts the real server and a Chromium, so they run one file at a
        // time after the other tests (two cores). `npm test` builds before vitest runs.
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
