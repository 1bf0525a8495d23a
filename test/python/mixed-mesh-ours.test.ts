// Reference Python agents (mcp-mesh 3.7.1) and our TypeScript agents on OUR registry (its bin,
// as a real process). Under CI=true a missing Python venv is a failure, never a skip.
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { mixedMeshSuite } from "./mixed-mesh-suite.js";

mixedMeshSuite("our registry", missingOurs, () => startOurRegistry());
