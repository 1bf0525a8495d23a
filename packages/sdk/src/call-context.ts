// The trace and propagated headers of the tool call being handled, visible to the proxies the
// handler calls without threading them through user code.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ToolContext } from "./types.js";

export const callContext = new AsyncLocalStorage<ToolContext>();
