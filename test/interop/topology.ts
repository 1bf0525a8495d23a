// Seeded random mesh topology for differential tests: the same seed always yields the same
// registrations, so the reference registry and ours can be fed identical input in identical
// order. Every knob here targets a rule in PROTOCOL.md §2.
import type { Json, JsonObject } from "./registry-client.js";
import { Rng } from "./rng.js";
import {
  CONSTRAINTS,
  GHOST_CAPS,
  LLM_CAP,
  LLM_EXTRA_TAGS,
  LLM_VENDORS,
  RANKED_CAPS,
  SERVICE_CAPS,
  TAGS,
  TOOL_CAPS,
  VERSIONS,
} from "./topology-vocabulary.js";

export interface CycleAttempt {
  registration: JsonObject;
  /** true: the reference must answer status:"error"; false: only compare ours with it. */
  mustBeRejected: boolean;
}

export interface Topology {
  agents: JsonObject[];
  cycleAttempts: CycleAttempt[];
}

function tagSpec(rng: Rng): Json[] {
  const terms: Json[] = [];
  for (let n = rng.int(4); n > 0; n--) {
    const r = rng.next();
    const tag = rng.pick(TAGS);
    if (r < 0.5) terms.push(tag);
    else if (r < 0.7) terms.push(`+${tag}`);
    else if (r < 0.85) terms.push(`-${tag}`);
    else {
      // OR group (nested array); sometimes with a preferred or excluded alternative.
      const alts: string[] = rng.sample(TAGS, 2 + rng.int(2));
      if (rng.chance(0.3)) alts[0] = `+${alts[0]}`;
      if (rng.chance(0.15)) alts[1] = `-${alts[1]}`;
      terms.push(alts);
    }
  }
  return terms;
}

function dependency(rng: Rng, ownRank: number, requiredEdges: [string, string][], ownCap: string): JsonObject {
  const r = rng.next();
  const capability = r < 0.72 ? rng.pick(RANKED_CAPS) : r < 0.84 ? rng.pick(GHOST_CAPS) : r < 0.97 ? LLM_CAP : "";
  const dep: JsonObject = { capability };
  if (rng.chance(0.6)) dep.tags = tagSpec(rng);
  if (rng.chance(0.5)) dep.version = rng.pick(CONSTRAINTS);
  if (rng.chance(0.05)) dep.namespace = rng.pick(["default", "other"]);
  const rank = RANKED_CAPS.indexOf(capability);
  const acyclic = rank > ownRank || GHOST_CAPS.includes(capability) || capability === LLM_CAP;
  if (capability !== "" && acyclic && rng.chance(0.12)) {
    dep.required = true;
    if (rank >= 0) requiredEdges.push([ownCap, capability]);
  }
  return dep;
}

function llmFilter(rng: Rng): JsonObject {
  const mode = rng.pick(["all", "all", "best_match", "*", undefined]);
  const filter: Json[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    if (mode === "best_match") {
      // Only unique-version capabilities (see TOOL_CAPS) so the per-capability winner is defined.
      const cap = rng.pick(TOOL_CAPS);
      filter.push(rng.pick<Json>([cap, { capability: cap }, { capability: cap, tags: [`+${rng.pick(TAGS)}`] }]));
      continue;
    }
    const r = rng.next();
    const cap = rng.pick(RANKED_CAPS);
    if (r < 0.25) filter.push(cap);
    else if (r < 0.45) filter.push({ capability: cap });
    else if (r < 0.65) filter.push({ tags: [rng.pick(TAGS), ...(rng.chance(0.5) ? [`-${rng.pick(TAGS)}`] : [])] });
    else if (r < 0.8) filter.push({ capability: cap, tags: [`+${rng.pick(TAGS)}`] });
    else if (r < 0.95) filter.push({ capability: cap, version: rng.pick(CONSTRAINTS) });
    else filter.push("*");
  }
  const spec: JsonObject = { filter };
  if (mode !== undefined) spec.filter_mode = mode;
  if (rng.chance(0.2)) spec.inject_param = "llm";
  return spec;
}

function llmProvider(rng: Rng): JsonObject {
  // Always with tags: without tags the reference picks "first row in DB order" (§2.9), which
  // is implementation-defined. With tags it sorts by (score, version, agent_id) [observed].
  const vendorTag = rng.pick(Object.keys(LLM_VENDORS));
  const tags: string[] = [rng.pick([vendorTag, `+${vendorTag}`, `-${vendorTag}`])];
  if (rng.chance(0.5)) tags.push(rng.pick(["+fast", "+cheap", "-deprecated", "eu", "+large"]));
  const spec: JsonObject = { capability: rng.chance(0.1) ? "llm-missing" : LLM_CAP, tags };
  if (rng.chance(0.3)) spec.version = rng.pick(CONSTRAINTS);
  return spec;
}

function inputSchema(rng: Rng): JsonObject {
  const props: JsonObject = { q: { type: "string" } };
  if (rng.chance(0.5)) props.limit = { type: "integer", minimum: 1 };
  return { type: "object", properties: props, required: rng.chance(0.5) ? ["q"] : [] };
}

function llmProviderAgent(rng: Rng, i: number): JsonObject {
  const vendorTag = Object.keys(LLM_VENDORS)[i % 4] as string;
  const kwargs: JsonObject = { model: `model-${i}` };
  if (i % 7 !== 3) kwargs.vendor = LLM_VENDORS[vendorTag] as string; // else vendor "unknown"
  const tool: JsonObject = {
    function_name: `chat_${i}`,
    capability: LLM_CAP,
    tags: [vendorTag, ...rng.sample(LLM_EXTRA_TAGS, rng.int(3))],
    description: `LLM provider ${i}`,
    kwargs,
  };
  const version = rng.pick(VERSIONS);
  if (version !== undefined) tool.version = version;
  if (i % 9 !== 5) tool.inputSchema = { type: "object", properties: { messages: { type: "array" } } };
  const id = `llm-${String(i).padStart(2, "0")}-${rng.hex8()}`;
  return {
    agent_id: id,
    name: `llm-${i}`,
    runtime: "python",
    http_host: "127.0.0.1",
    http_port: 19000 + i,
    tools: [tool],
  };
}

function serviceAgent(
  rng: Rng,
  i: number,
  toolVersionCounter: Map<string, number>,
  requiredEdges: [string, string][],
): JsonObject {
  const num = String(i).padStart(3, "0");
  const agent: JsonObject = { agent_id: `ag-${num}-${rng.hex8()}` };
  if (rng.chance(0.3)) agent.name = `ag-${num}`;
  agent.runtime = rng.pick(["python", "typescript", "java"]);
  const host = rng.next();
  if (host < 0.8) Object.assign(agent, { http_host: "127.0.0.1", http_port: 20000 + i });
  else if (host < 0.9) Object.assign(agent, { http_host: "0.0.0.0", http_port: 20000 + i });
  // else: no host/port → endpoint stdio://<agent_id>
  const tools: JsonObject[] = [];
  for (const cap of rng.sample(RANKED_CAPS, 1 + rng.int(3))) {
    const tool: JsonObject = { function_name: `${cap.replace(/[.-]/g, "_")}_${num}`, capability: cap };
    if ((TOOL_CAPS as readonly string[]).includes(cap)) {
      const k = (toolVersionCounter.get(cap) ?? 0) + 1;
      toolVersionCounter.set(cap, k);
      tool.version = k % 5 === 0 ? `2.${k}.0-rc.1` : `1.${k}.0`;
    } else {
      const version = rng.pick(VERSIONS);
      if (version !== undefined) tool.version = version;
    }
    const tags = rng.sample(TAGS, rng.int(4));
    if (tags.length > 0) tool.tags = tags;
    if (rng.chance(0.5)) tool.description = `${cap} by agent ${num}`;
    if (rng.chance(0.85)) tool.inputSchema = inputSchema(rng);
    if (rng.chance(0.4)) {
      const kwargs: JsonObject = { timeout: 5 + rng.int(60) };
      if (rng.chance(0.3)) kwargs.retry_count = rng.int(4);
      if (rng.chance(0.2)) kwargs.streaming = true;
      if (rng.chance(0.1)) kwargs.custom_headers = { "x-tenant": `t${rng.int(9)}` };
      if (rng.chance(0.1)) kwargs.vendor = "acme";
      tool.kwargs = kwargs;
    }
    if (rng.chance(0.5)) {
      const deps: JsonObject[] = [];
      for (let n = 1 + rng.int(4); n > 0; n--) deps.push(dependency(rng, RANKED_CAPS.indexOf(cap), requiredEdges, cap));
      tool.dependencies = deps;
    }
    if (rng.chance(0.1)) tool.llm_filter = llmFilter(rng);
    if (rng.chance(0.1)) tool.llm_provider = llmProvider(rng);
    tools.push(tool);
  }
  agent.tools = tools;
  return agent;
}

function cycleAttempts(rng: Rng, edges: [string, string][]): CycleAttempt[] {
  const attempt = (k: number, cap: string, requires: string): JsonObject => ({
    agent_id: `cyc-${k}-${rng.hex8()}`,
    tools: [{ function_name: `cyc_${k}`, capability: cap, dependencies: [{ capability: requires, required: true }] }],
  });
  const out: CycleAttempt[] = [];
  // Two direct back-edges X→Y + Y→X, and one closing a two-hop path X→Y→Z with Z→X.
  for (const [x, y] of rng.sample(edges, 2))
    out.push({ registration: attempt(out.length, y, x), mustBeRejected: true });
  const twoHop = edges.flatMap(([x, y]) => edges.filter(([y2, z]) => y2 === y && z !== x).map(([, z]) => [x, z]));
  if (twoHop.length > 0) {
    const [x, z] = rng.pick(twoHop) as [string, string];
    out.push({ registration: attempt(out.length, z, x), mustBeRejected: true });
  }
  // A capability requiring itself: the reference rejects it as "x → x" [observed].
  const self = rng.pick(SERVICE_CAPS);
  out.push({ registration: attempt(out.length, self, self), mustBeRejected: true });
  return out;
}

/** `size` agents in total: 16 LLM providers followed by service agents. */
export function generateTopology(seed: number, size = 220): Topology {
  const rng = new Rng(seed);
  const agents: JsonObject[] = [];
  for (let i = 0; i < 16; i++) agents.push(llmProviderAgent(rng, i));
  const counters = new Map<string, number>();
  const requiredEdges: [string, string][] = [];
  for (let i = 0; agents.length < size; i++) agents.push(serviceAgent(rng, i, counters, requiredEdges));
  return { agents, cycleAttempts: cycleAttempts(rng, requiredEdges) };
}

/** Seeded choice of ~`fraction` of the agents to unregister (DELETE) in the second phase. */
export function pickDeletions(topology: Topology, seed: number, fraction = 0.1): string[] {
  const rng = new Rng(seed ^ 0x5eed);
  const ids = topology.agents.map((a) => a.agent_id as string);
  return rng.sample(ids, Math.round(ids.length * fraction));
}
