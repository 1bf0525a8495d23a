import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real processes and servers; two cores cannot run many at once.
    maxWorkers: 2,
    // Type tests (*.test-d.ts) are checked by tsc and reported by the runner as tests.
    typecheck: {
      enabled: true,
      include: ["packages/*/test/**/*.test-d.ts"],
      tsconfig: "packages/sdk/test/tsconfig.json",
    },
  },
});
