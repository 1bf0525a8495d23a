// The tokens file in YAML (what a Kubernetes Secret or a config tool writes), on a real registry
// process: names, scopes and rotation work as with JSON, and a YAML mistake (an unquoted
// numeric token) is named in the log while the last good set stays in force.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AuthRegistry, agentRegistration, startAuthRegistry } from "./registry-process.js";

const BILLING = "billing-yaml-token-0123456789";
const OPS = "ops-yaml-token-0123456789";
let dir: string;
let reg: AuthRegistry;

async function heartbeat(token: string, id: string, capability: string): Promise<number> {
  const res = await fetch(`${reg.url}/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(agentRegistration(id, capability)),
  });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-yaml-tokens-"));
  writeFileSync(
    join(dir, "tokens.yaml"),
    [
      "# Registry credentials (docs/security.md)",
      "tokens:",
      `  - token: ${BILLING}`,
      "    name: billing",
      '    capabilities: ["billing_*", invoice]',
      `  - token: "${OPS}"`,
      "    name: ops",
      "",
    ].join("\n"),
  );
  reg = await startAuthRegistry(join(dir, "reg.db"), { MCP_MESH_REGISTRY_TOKENS_FILE: join(dir, "tokens.yaml") });
});
afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("accepts a YAML tokens file with names and scopes", async () => {
  expect(await heartbeat(BILLING, "bill-1a2b3c4d", "billing_invoice")).toBe(200);
  expect(await heartbeat(BILLING, "pay-1a2b3c4d", "payments")).toBe(403);
  expect(await heartbeat(OPS, "pay-1a2b3c4d", "payments")).toBe(200);
  expect(await heartbeat("not-in-the-file-0123", "x-1a2b3c4d", "x")).toBe(401);
});

it("names a YAML mistake in the log and keeps the last good set", async () => {
  writeFileSync(join(dir, "tokens.yaml"), "- token: 12345678\n  name: numeric\n");
  const deadline = Date.now() + 10_000;
  while (!reg.output().includes("quote it in YAML")) {
    if (Date.now() > deadline) throw new Error(`no complaint in the log:\n${reg.output()}`);
    await fetch(`${reg.url}/agents`, { headers: { authorization: `Bearer ${OPS}` } }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(await heartbeat(OPS, "pay-1a2b3c4d", "payments")).toBe(200);
});
