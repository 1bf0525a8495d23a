// A dependency's declared `output` schema applied to what its provider answered: the parsed
// value (defaults and transforms applied), or MeshError output_mismatch naming the fields.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { DependencySlotSpec } from "./tool.js";

export function checkOutput(spec: DependencySlotSpec, value: unknown): unknown {
  const schema = spec.output;
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(answer)"}: ${i.message}`)
    .join("; ");
  throw new MeshError(
    ErrorCodes.OUTPUT_MISMATCH,
    `dependency "${spec.key}" (capability ${spec.capability}) answered a value that does not match its declared output: ${issues}`,
    { capability: spec.capability, issues: parsed.error.issues.slice(0, 20) },
  );
}
