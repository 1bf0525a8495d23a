// Missing prerequisites (reference binaries, our registry build) skip an interop suite on a
// developer machine, but under CI=true they FAIL it: CI must never silently skip interop.
import { describe, it } from "vitest";

export const IS_CI = /^(1|true)$/i.test(process.env.CI ?? "");

/** Like `describe`, but skips (locally) or fails (CI) when `missing` is non-empty. */
export function describeWithPrerequisites(name: string, missing: string[], body: () => void): void {
  if (missing.length === 0) {
    describe(name, body);
  } else if (IS_CI) {
    describe(name, () => {
      it("has its prerequisites", () => {
        throw new Error(`missing under CI:\n  ${missing.join("\n  ")}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped, missing: ${missing.join("; ")})`, body);
  }
}
