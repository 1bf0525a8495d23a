// Opt-in schema filter of a dependency (PROTOCOL.md §2.6).
import type { DepSpec, ToolRecord } from "../model.js";

export function schemaCompatible(
  spec: DepSpec,
  producer: ToolRecord,
  schemaByHash: (hash: string) => Record<string, unknown> | undefined,
): boolean {
  const hash = producer.output_schema_hash;
  if (!hash) return spec.matchMode === "subset";
  if (spec.expectedSchemaHash && spec.expectedSchemaHash === hash) return true;
  if (spec.matchMode === "strict") return false;
  const produced = producer.output_schema_canonical ?? schemaByHash(hash);
  // Like the reference, a schema we cannot load keeps the candidate (fail open on storage).
  if (!produced || !spec.expectedSchemaCanonical) return true;
  return requiredFields(spec.expectedSchemaCanonical).every((f) => hasProperty(produced, f));
}

function requiredFields(schema: Record<string, unknown>): string[] {
  const req = schema.required;
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === "string") : [];
}

function hasProperty(schema: Record<string, unknown>, field: string): boolean {
  const props = schema.properties;
  return props !== null && typeof props === "object" && Object.hasOwn(props, field);
}
