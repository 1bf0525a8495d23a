import { buildExpressApp } from "./express-app.js";
import { describeRoutes } from "./route-suite.js";

describeRoutes("express", buildExpressApp);
