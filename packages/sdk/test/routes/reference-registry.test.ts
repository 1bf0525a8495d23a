// The web app on the REFERENCE registry (MCP Mesh 3.7.1 binary): it registers as an API agent
// with capability-less route tools, the reference resolves their dependencies (no watch stream
// there: heartbeats bring the changes), and the whole route suite holds.
import { describeWithPrerequisites } from "../../../../test/interop/prerequisites.js";
import { missingReferenceBinaries } from "../../../../test/interop/reference.js";
import { buildExpressApp } from "./express-app.js";
import { describeRoutes } from "./route-suite.js";

describeWithPrerequisites("web routes on the reference registry", missingReferenceBinaries("mcp-mesh-registry"), () => {
  describeRoutes("express", buildExpressApp, "reference");
});
