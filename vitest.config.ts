import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Type tests (*.test-d.ts) are reported as tests: tsc checks them (and, as source errors,
    // every file of their tsconfig, so the suites' own types are checked too).
    typecheck: {
      enabled: true,
      include: ["packages/*/test/**/*.test-d.ts"],
      tsconfig: "packages/sdk/test/tsconfig.json",
    },
    // A budget, not a goal: suites start real processes, slow on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real processes and servers; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
