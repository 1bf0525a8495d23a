// One copy of each JSON value many agents send alike: every replica of a service registers the
// same schemas, kwargs and tag lists, and each registration body parses into fresh copies. At
// 5000 agents the copies were a third of the live heap. Values are keyed by their JSON text
// (key order included, so what an agent sent is what it gets back) and never mutated.
import { jsonText } from "@mcp-mesh/protocol";

/** Distinct values kept; the oldest is dropped beyond this (a miss only costs a copy). */
const MAX_ENTRIES = 16_384;
const pool = new Map<string, unknown>();

export function interned<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  // The registration's size checks already serialised most of these (jsonText remembers).
  const key = jsonText(value);
  const hit = pool.get(key);
  if (hit !== undefined) return hit as T;
  if (pool.size >= MAX_ENTRIES) pool.delete(pool.keys().next().value as string);
  pool.set(key, value);
  return value;
}
