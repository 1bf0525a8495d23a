// Comparison of heartbeat responses from the reference registry and ours.
// Rules: the reference's output is the spec. Ours may ADD fields to the per-entry objects
// (e.g. `alternatives` inside a resolved dependency) — those are stripped before comparing —
// but every map key and array element must match. Array order is significant; a difference
// that is only an ordering difference is reported as such (note "order").
import type { Json, JsonObject } from "./registry-client.js";

export interface Difference {
  path: string;
  ref: Json | undefined;
  ours: Json | undefined;
  /** "order": same elements, different order. "missing"/"extra": key only on one side. */
  note?: "order" | "missing" | "extra" | "length";
}

/** JSON with sorted object keys, so equal values have equal strings. */
export function canonical(value: Json | undefined): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Shallow: keep only the keys of `ours` that `ref` also has (drops our extension fields). */
function projectEntry(ref: Json | undefined, ours: Json | undefined): Json | undefined {
  if (!isObject(ref) || !isObject(ours)) return ours;
  return Object.fromEntries(Object.entries(ours).filter(([k]) => k in ref));
}

function projectMapOfEntries(ref: Json | undefined, ours: Json | undefined): Json | undefined {
  if (!isObject(ref) || !isObject(ours)) return ours;
  return Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, projectEntry(ref[k], v) ?? null]));
}

function projectMapOfLists(ref: Json | undefined, ours: Json | undefined, key: (e: Json) => string) {
  if (!isObject(ref) || !isObject(ours)) return ours;
  const out: JsonObject = {};
  for (const [fn, list] of Object.entries(ours)) {
    const refList = ref[fn];
    if (!Array.isArray(list) || !Array.isArray(refList)) {
      out[fn] = list;
      continue;
    }
    // Pair each of our entries with the reference entry of the same identity, so a mere
    // reordering does not strip the wrong keys.
    const byKey = new Map(refList.map((e) => [key(e), e] as const));
    out[fn] = list.map((e, i) => projectEntry(byKey.get(key(e)) ?? refList[i], e) ?? null);
  }
  return out;
}

const toolKey = (e: Json): string => (isObject(e) ? `${String(e.name)}@${String(e.endpoint)}` : canonical(e));

/** The fields of a POST /heartbeat response that the differential test compares. */
export function resolutionView(response: JsonObject): JsonObject {
  return {
    status: response.status ?? null,
    dependencies_resolved: response.dependencies_resolved ?? null,
    llm_tools: response.llm_tools ?? null,
    // Omitted by the reference when nothing resolved; treat absent and {} alike.
    llm_providers: response.llm_providers ?? {},
  };
}

/** resolutionView of ours with extension fields stripped, shaped after the reference's. */
export function projectOurs(refView: JsonObject, oursView: JsonObject): JsonObject {
  const depsRef = refView.dependencies_resolved;
  const depsOurs = oursView.dependencies_resolved;
  let deps = depsOurs;
  if (isObject(depsRef) && isObject(depsOurs)) {
    deps = Object.fromEntries(
      Object.entries(depsOurs).map(([fn, list]) => {
        const refList = depsRef[fn];
        // Positional (dep_index): pair by index.
        if (!Array.isArray(list) || !Array.isArray(refList)) return [fn, list];
        return [fn, list.map((e, i) => projectEntry(refList[i], e) ?? null)];
      }),
    );
  }
  return {
    status: oursView.status ?? null,
    dependencies_resolved: deps ?? null,
    llm_tools: projectMapOfLists(refView.llm_tools, oursView.llm_tools, toolKey) ?? null,
    llm_providers: projectMapOfEntries(refView.llm_providers, oursView.llm_providers) ?? {},
  };
}

export function diffJson(
  ref: Json | undefined,
  ours: Json | undefined,
  path = "",
  out: Difference[] = [],
): Difference[] {
  if (canonical(ref) === canonical(ours)) return out;
  if (Array.isArray(ref) && Array.isArray(ours)) {
    const sortedRef = ref.map(canonical).sort().join("\n");
    const sortedOurs = ours.map(canonical).sort().join("\n");
    if (sortedRef === sortedOurs) {
      // Show from the first position that differs: "#<index>" then the next few identities.
      const i = ref.findIndex((e, k) => canonical(e) !== canonical(ours[k]));
      const window = (list: Json[]) => [`#${i}`, ...list.slice(i, i + 4).map(toolKey)];
      out.push({ path, ref: window(ref), ours: window(ours), note: "order" });
      return out;
    }
    if (ref.length !== ours.length) out.push({ path, ref: ref.length, ours: ours.length, note: "length" });
    for (let i = 0; i < Math.max(ref.length, ours.length); i++) diffJson(ref[i], ours[i], `${path}[${i}]`, out);
    return out;
  }
  if (isObject(ref) && isObject(ours)) {
    for (const k of new Set([...Object.keys(ref), ...Object.keys(ours)])) {
      const sub = path ? `${path}.${k}` : k;
      if (!(k in ours)) out.push({ path: sub, ref: ref[k], ours: undefined, note: "missing" });
      else if (!(k in ref)) out.push({ path: sub, ref: undefined, ours: ours[k], note: "extra" });
      else diffJson(ref[k], ours[k], sub, out);
    }
    return out;
  }
  out.push({ path, ref, ours });
  return out;
}

function short(v: Json | undefined, max = 160): string {
  const s = v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function formatDifferences(label: string, diffs: Difference[], maxLines = 8): string {
  const lines = diffs.slice(0, maxLines).map((d) => {
    const note = d.note ? ` [${d.note}]` : "";
    return `    ${d.path}${note}\n      ref:  ${short(d.ref)}\n      ours: ${short(d.ours)}`;
  });
  if (diffs.length > maxLines) lines.push(`    … ${diffs.length - maxLines} more`);
  return `  ${label}\n${lines.join("\n")}`;
}
