// Reference Python agents (mcp-mesh 3.7.1) and our TypeScript agents on the REFERENCE registry
// binary (3.7.1): the same assertions as on ours (mixed-mesh-suite.ts), so both registries must
// agree. Under CI=true a missing Python venv or binary is a failure, never a skip.
import { missingReferenceBinaries, startReferenceRegistry } from "../interop/reference.js";
import { mixedMeshSuite } from "./mixed-mesh-suite.js";

mixedMeshSuite(
  "the reference registry",
  () => missingReferenceBinaries("mcp-mesh-registry"),
  () => startReferenceRegistry(),
);
