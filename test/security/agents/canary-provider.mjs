// The provider end of the canary chain, run as a real process. Its /mcp requires a bearer token
// (MCP_MESH_AUTH_TOKENS: the caller's propagated token and the consumer's mesh token). `vault_read`
// answers which headers it saw and a SHA-256 of the authorization it got (the test compares
// digests, so the secret itself never comes back); `vault_fail` throws with the headers in scope;
// `vault_sealed` accepts only a token nobody in the chain has.
import { createHash } from "node:crypto";
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const digest = (v) => (v === undefined ? null : createHash("sha256").update(v).digest("hex"));

const agent = mesh.agent({ name: "canary-provider", httpPort: 0 });
agent.tool({
  name: "vault_read",
  capability: "vault",
  tags: ["vault"],
  description: "Reads an account from the vault",
  input: { account: z.string() },
  handler: ({ account }, _deps, ctx) => ({
    account,
    headers: Object.keys(ctx.headers).sort(),
    authorization: digest(ctx.headers.authorization),
    apiKey: digest(ctx.headers["x-api-key"]),
    subject: ctx.auth?.subject ?? null,
  }),
});
agent.tool({
  name: "vault_fail",
  capability: "vault_fail",
  handler: () => {
    throw new Error("the vault is sealed today");
  },
});
agent.tool({
  name: "vault_sealed",
  capability: "vault_sealed",
  auth: { tokens: ["only-the-vault-keeper-has-this"] },
  handler: () => "opened",
});
agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
