# A reference Python agent (mcp-mesh 3.7.1) in the middle of a traced call for the tracing
# tests: `py_hop` is called by a TypeScript consumer and calls the TypeScript `ts_leaf` through
# its injected proxy, so one trace crosses TS -> Python -> TS. With
# MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true its runtime publishes its spans to Redis mesh:trace.
import mesh
from fastmcp import FastMCP

app = FastMCP("Python trace hop")


@app.tool()
@mesh.tool(capability="py_hop", dependencies=["ts_leaf"])
async def py_hop(who: str = "world", ts_leaf: mesh.McpMeshTool = None) -> str:
    if ts_leaf is None:
        return "py_hop: ts_leaf not wired"
    return f"py_hop -> {await ts_leaf(who=who)}"


@mesh.agent(name="py-trace-hop", version="1.0.0", http_port=0, auto_run=True)
class PyTraceHop:
    pass
