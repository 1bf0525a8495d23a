// An agent_id belongs to the credential that first registered it. The owner is stored with the
// agent (agent_owners, deleted with the agent row), so it survives a restart and is released
// only when the agent is purged.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { RegistryCore } from "../core.js";
import type { RegistryStore } from "../store/store.js";
import { type Credential, mayProvide } from "./credentials.js";

export interface Ownership {
  /** Throws 403 when `c` may not act on this agent (someone else registered it). */
  check(c: Credential | undefined, agentId: string): void;
  /** Throws 403 when `c` may not provide one of these capabilities. */
  checkScopes(c: Credential | undefined, capabilities: string[]): void;
  /** Records `c` as the owner if the agent has none yet. */
  claim(c: Credential | undefined, agentId: string): Promise<void>;
  /**
   * Holds a not-yet-owned id for `c` while its registration is written, so a second credential
   * racing for the same new id gets 403 instead of overwriting it. Returns the release.
   */
  reserve(c: Credential | undefined, agentId: string): () => void;
  /** Owners other replicas recorded (PostgreSQL change feed). */
  learn(owners: ReadonlyMap<string, string>): void;
}

/** Owner ids of agents registered with a client certificate (auth/guard.ts). */
export const CERT_OWNER_PREFIX = "cert:";

/**
 * `certificates`: client certificates identify callers (TLS with a CA). An agent a certificate
 * registered is then that certificate's even for callers that show no credential at all.
 */
export async function createOwnership(
  store: RegistryStore,
  core: RegistryCore,
  certificates = false,
): Promise<Ownership> {
  const owners = (await store.loadOwners?.()) ?? new Map<string, string>();
  const reserved = new Map<string, string>();
  // An owner counts while its agent is registered. The map is asked first: without credentials
  // it is empty, and core.agent() takes the changes computed ahead of a write out of memory
  // (change-lane.ts), which every registration would then pay for.
  const ownerOf = (id: string) => {
    const owner = owners.get(id);
    return (owner !== undefined && core.agent(id) ? owner : undefined) ?? reserved.get(id);
  };
  return {
    check(c, id) {
      const owner = ownerOf(id);
      if (!c) {
        if (certificates && owner?.startsWith(CERT_OWNER_PREFIX))
          throw new MeshError(
            ErrorCodes.FORBIDDEN,
            `agent '${id}' is registered by certificate '${owner.slice(CERT_OWNER_PREFIX.length)}': present that certificate`,
          );
        return;
      }
      if (owner !== undefined && owner !== c.id)
        throw new MeshError(ErrorCodes.FORBIDDEN, `agent '${id}' is registered by another credential`);
    },
    checkScopes(c, capabilities) {
      if (!c) return;
      const denied = capabilities.filter((cap) => !mayProvide(c, cap));
      if (denied.length)
        throw new MeshError(
          ErrorCodes.FORBIDDEN,
          `this credential may not provide capability '${denied.join("', '")}'`,
        );
    },
    reserve(c, id) {
      if (!c || ownerOf(id) !== undefined) return () => {};
      reserved.set(id, c.id);
      return () => {
        if (reserved.get(id) === c.id) reserved.delete(id);
      };
    },
    learn(known) {
      for (const [id, owner] of known) owners.set(id, owner);
    },
    async claim(c, id) {
      if (!c || owners.get(id) === c.id) return;
      const current = ownerOf(id);
      if (current !== undefined && current !== c.id) return;
      const stored = await store.writeOwner?.(id, c.id);
      owners.set(id, typeof stored === "string" ? stored : c.id);
    },
  };
}
