// Who may talk to the registry: static bearer tokens from MCP_MESH_REGISTRY_TOKEN (comma
// separated) and/or MCP_MESH_REGISTRY_TOKENS_FILE (YAML or JSON, with names and capability
// scopes, re-read when it changes or on SIGHUP so tokens rotate without a restart).
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { parse as parseYaml } from "yaml";

export interface Credential {
  /** Stable id stored as an agent's owner: the name from the tokens file, else a hash of the token. */
  id: string;
  /** Capability patterns this credential may provide (`*` suffix = prefix); undefined = any. */
  capabilities?: string[];
}

interface Entry {
  digest: Buffer;
  credential: Credential;
}

export interface CredentialSource {
  /** True when any token is configured: the registry then enforces auth. */
  enabled(): boolean;
  /** The credential a bearer token belongs to, or undefined. */
  verify(token: string): Credential | undefined;
  /** Re-reads the tokens file (SIGHUP, or a changed mtime). */
  reload(): void;
}

const digest = (token: string) => createHash("sha256").update(token).digest();
const tokenId = (token: string) => `token:${digest(token).toString("hex").slice(0, 12)}`;

/**
 * Parses the tokens file: `[{ "token": "...", "name": "billing", "capabilities": ["billing_*"] }]`
 * or the same list under `tokens:`. Read as YAML 1.2, of which JSON is a subset: a Kubernetes
 * Secret or config-management tool writes YAML, and every existing JSON file still parses.
 */
export function parseTokensFile(text: string): Credential[] & { tokens: string[] } {
  const raw = parseYaml(text) as unknown;
  const list = Array.isArray(raw) ? raw : (raw as { tokens?: unknown })?.tokens;
  if (!Array.isArray(list)) throw new Error("expected a list of {token, name?, capabilities?}");
  const out = [] as unknown as Credential[] & { tokens: string[] };
  out.tokens = [];
  for (const [i, e] of list.entries()) {
    const t = (e as { token?: unknown })?.token;
    if (typeof t !== "string" || t.length < 8)
      throw new Error(`entry ${i}: "token" must be a string of 8+ characters (quote it in YAML)`);
    const name = (e as { name?: unknown }).name;
    const caps = (e as { capabilities?: unknown }).capabilities;
    if (name !== undefined && typeof name !== "string") throw new Error(`entry ${i}: "name" must be a string`);
    if (caps !== undefined && !(Array.isArray(caps) && caps.every((c) => typeof c === "string")))
      throw new Error(`entry ${i}: "capabilities" must be an array of strings`);
    out.push({ id: name ? `name:${name}` : tokenId(t), ...(caps ? { capabilities: caps as string[] } : {}) });
    out.tokens.push(t);
  }
  return out;
}

export function createCredentialSource(
  tokens: string[],
  file: string,
  onError: (message: string) => void,
): CredentialSource {
  const fixed: Entry[] = tokens.map((t) => ({ digest: digest(t), credential: { id: tokenId(t) } }));
  let fromFile: Entry[] = [];
  let mtime = -1;
  const reload = () => {
    if (!file) return;
    try {
      const parsed = parseTokensFile(readFileSync(file, "utf8"));
      fromFile = parsed.map((credential, i) => ({ digest: digest(parsed.tokens[i] ?? ""), credential }));
      mtime = statSync(file).mtimeMs;
    } catch (e) {
      // A broken file keeps the last good set: a typo must not lock every agent out.
      onError(`MCP_MESH_REGISTRY_TOKENS_FILE ${file}: ${(e as Error).message}`);
    }
  };
  reload();
  let checkedAt = 0;
  const fresh = () => {
    // At most one stat a second, so a busy registry does not stat the file per request.
    if (!file || Date.now() - checkedAt < 1000) return;
    checkedAt = Date.now();
    try {
      if (statSync(file).mtimeMs !== mtime) reload();
    } catch {
      // file gone for a moment (editors replace files): keep the last set
    }
  };
  return {
    enabled: () => fixed.length > 0 || fromFile.length > 0 || file !== "",
    verify(token) {
      fresh();
      const d = digest(token);
      // Compared by digest in constant time, so timing does not leak how much of a token matched.
      for (const e of [...fixed, ...fromFile]) if (timingSafeEqual(e.digest, d)) return e.credential;
      return undefined;
    },
    reload,
  };
}

/** Whether a credential may provide this capability. */
export function mayProvide(c: Credential, capability: string): boolean {
  if (!c.capabilities) return true;
  return c.capabilities.some((p) => (p.endsWith("*") ? capability.startsWith(p.slice(0, -1)) : p === capability));
}
