// The in-memory picture of the mesh: agents, providers indexed by capability, and consumers
// indexed by the capabilities they ask for, so a change touches only the agents it concerns and
// no heartbeat scans the whole table. SQLite/PostgreSQL stay the source of truth on restart.
import type { AgentRecord, DepSpec } from "./model.js";
import type { Candidate } from "./resolve/dependency.js";

export class Topology {
  readonly agents = new Map<string, AgentRecord>();
  private readonly providers = new Map<string, Candidate[]>();
  /** capability → agents with a dependency or llm_provider on it. */
  private readonly consumers = new Map<string, Set<string>>();
  /**
   * The same, split by the first tag a position requires ("" = it requires none): a provider
   * that lacks that tag cannot match the position, so a new provider need not visit it.
   */
  private readonly consumersByTag = new Map<string, Map<string, Set<string>>>();
  /** Agents with at least one llm_filter tool: any tool change may concern them. */
  readonly llmFilterConsumers = new Set<string>();
  /** Agents declaring a required dependency: the only ones the cycle check must look at. */
  readonly requiredDeclarers = new Set<string>();
  private llmPoolCache: Candidate[] | null = null;
  private readonly llmPoolByCap = new Map<string, Candidate[]>();

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /** Inserts or replaces an agent with all its tools; a replaced agent keeps its place in `agents`. */
  put(agent: AgentRecord): void {
    const old = this.agents.get(agent.agent_id);
    if (old) this.unindex(old);
    this.agents.set(agent.agent_id, agent);
    for (const tool of agent.tools) {
      if (tool.capability) insertBySeq(this.providers, tool.capability, { agent, tool });
      for (const d of tool.dependencies) {
        if (!d.capability) continue;
        addTo(this.consumers, d.capability, agent.agent_id);
        addTo(bucketsOf(this.consumersByTag, d.capability), requiredTag(d.tags), agent.agent_id);
      }
      const llm = tool.llm_provider?.capability;
      if (llm) {
        addTo(this.consumers, llm, agent.agent_id);
        addTo(bucketsOf(this.consumersByTag, llm), "", agent.agent_id);
      }
      if (tool.llm_filter) this.llmFilterConsumers.add(agent.agent_id);
      if (tool.dependencies.some((d) => d.required)) this.requiredDeclarers.add(agent.agent_id);
    }
    this.invalidateLlm();
  }

  remove(id: string): AgentRecord | undefined {
    const old = this.agents.get(id);
    if (!old) return undefined;
    this.agents.delete(id);
    this.unindex(old);
    return old;
  }

  private unindex(old: AgentRecord): void {
    const id = old.agent_id;
    for (const tool of old.tools) {
      // In place: staged changes are put back and taken out again while later ones are
      // computed, so this runs several times per registration; nobody keeps a list across it.
      const list = this.providers.get(tool.capability);
      if (list) {
        for (let i = list.length - 1; i >= 0; i--) if ((list[i] as Candidate).agent.agent_id === id) list.splice(i, 1);
        if (!list.length) this.providers.delete(tool.capability);
      }
      for (const d of tool.dependencies) {
        this.consumers.get(d.capability)?.delete(id);
        this.consumersByTag.get(d.capability)?.get(requiredTag(d.tags))?.delete(id);
      }
      const llm = tool.llm_provider?.capability;
      if (llm) {
        this.consumers.get(llm)?.delete(id);
        this.consumersByTag.get(llm)?.get("")?.delete(id);
      }
    }
    this.llmFilterConsumers.delete(id);
    this.requiredDeclarers.delete(id);
    this.invalidateLlm();
  }

  /** Status changes mutate the shared record, so every index sees them at once. */
  setStatus(id: string, status: AgentRecord["status"]): AgentRecord | undefined {
    const a = this.agents.get(id);
    if (a) {
      a.status = status;
      this.invalidateLlm();
    }
    return a;
  }

  providersOf(capability: string): readonly Candidate[] {
    return this.providers.get(capability) ?? [];
  }

  consumersOf(capability: string): ReadonlySet<string> {
    return this.consumers.get(capability) ?? EMPTY;
  }

  /**
   * The consumers of a capability that these providers, none of them listed anywhere yet (a
   * first registration), can matter to: those with a position requiring no tag or a tag one of
   * them has. Under a burst of registrations this skips most of a busy capability's consumers.
   */
  consumersOfNewcomers(capability: string, providers: readonly Candidate[]): ReadonlySet<string> {
    const buckets = this.consumersByTag.get(capability);
    if (!buckets) return EMPTY;
    const out = new Set<string>(buckets.get(""));
    for (const p of providers) {
      for (const tag of p.tool.tags) {
        const bucket = tag ? buckets.get(tag) : undefined;
        if (bucket) for (const id of bucket) out.add(id);
      }
    }
    return out;
  }

  /** Healthy tools that have an inputSchema, in row order (the LLM tool pool). */
  llmPool(): readonly Candidate[] {
    if (!this.llmPoolCache) {
      const all: Candidate[] = [];
      for (const list of this.providers.values()) {
        for (const c of list) if (c.agent.status === "healthy" && c.tool.input_schema) all.push(c);
      }
      this.llmPoolCache = all.sort((a, b) => (after(a, b) ? 1 : after(b, a) ? -1 : 0));
    }
    return this.llmPoolCache;
  }

  llmPoolOf(capability: string): readonly Candidate[] {
    let list = this.llmPoolByCap.get(capability);
    if (!list) {
      list = this.providersOf(capability).filter((c) => c.agent.status === "healthy" && c.tool.input_schema);
      this.llmPoolByCap.set(capability, list);
    }
    return list;
  }

  private invalidateLlm(): void {
    this.llmPoolCache = null;
    this.llmPoolByCap.clear();
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** The first plain tag a position requires, "" when it requires none ("+x", "-x" and OR groups do not). */
function requiredTag(tags: DepSpec["tags"]): string {
  for (const t of tags) if (typeof t === "string" && t !== "" && t[0] !== "+" && t[0] !== "-") return t;
  return "";
}

function bucketsOf(map: Map<string, Map<string, Set<string>>>, key: string): Map<string, Set<string>> {
  let buckets = map.get(key);
  if (!buckets) map.set(key, (buckets = new Map()));
  return buckets;
}

/**
 * Row order: seq, then agent_id. Replicas sharing a database number tools on their own, so two
 * agents may share a seq; the agent_id tiebreak gives every replica the same order.
 */
function after(a: Candidate, b: Candidate): boolean {
  return a.tool.seq > b.tool.seq || (a.tool.seq === b.tool.seq && a.agent.agent_id > b.agent.agent_id);
}

/** Keeps each provider list in row order; new tools have the highest seq, so this appends. */
function insertBySeq(map: Map<string, Candidate[]>, key: string, c: Candidate): void {
  const list = map.get(key);
  if (!list) return void map.set(key, [c]);
  let i = list.length;
  while (i > 0 && after(list[i - 1] as Candidate, c)) i--;
  list.splice(i, 0, c);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
